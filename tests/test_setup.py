"""The production shape and the environment switches."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import _email_settings

# Variables of this test process that must not leak into the command under test (the
# browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright's event loop).
CLEARED = {
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "ALLOWED_HOSTS",
    "PORTAL_REQUIRE_MFA",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "ALLOWED_HOSTS": "portal.example.org",
}


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production." in result.stderr


def test_production_passes_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_requires_two_factor_by_default_and_the_demo_does_not():
    code = "from django.conf import settings; print(settings.PORTAL_REQUIRE_MFA)"
    production = manage("shell", "-c", code, SECRET_KEY=secrets.token_urlsafe(60), **PRODUCTION)
    assert production.stdout.split()[-1] == "True", production.stderr
    default = manage("shell", "-c", code)
    assert default.stdout.split()[-1] == "False", default.stderr


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "smtp://mail.example.org",
            {"EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 25, "EMAIL_USE_TLS": False},
        ),
        (
            "smtps://u:p%40ss@mail.example.org",
            {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_HOST_PASSWORD": "p@ss"},
        ),
        (
            "submission://u:p@mail.example.org:2525",
            {"EMAIL_PORT": 2525, "EMAIL_USE_TLS": True, "EMAIL_HOST_USER": "u"},
        ),
    ],
)
def test_email_url_selects_smtp(url, expected):
    config = _email_settings(url)
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    for key, value in expected.items():
        assert config[key] == value


def test_no_email_url_writes_mail_to_files():
    assert (
        _email_settings("")["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    )


def test_a_bad_email_url_says_what_is_wrong():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with smtp://"):
        _email_settings("http://mail.example.org")


def test_healthz_answers_without_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_says_which_part_is_down(client, monkeypatch):
    from portal.celery import app

    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:1/0")  # a closed port
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["broker"].startswith("error")


def test_compose_runs_the_production_shape_with_health_checks():
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in (settings.BASE_DIR / "Dockerfile").read_text()
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
    assert {"pgdata", "media"} <= set(compose["volumes"])
