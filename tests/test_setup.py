"""The production shape and the environment switches."""

import json
import os
import secrets
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import _email_settings, document_storage

# Variables of this test process that must not leak into the command under test (the
# browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright's event loop).
CLEARED = {
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "ALLOWED_HOSTS",
    "PORTAL_REQUIRE_MFA",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PORT",
    "PORTAL_BASE_URL",
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


def test_production_keeps_its_postgresql_connection_between_requests():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    secret = secrets.token_urlsafe(60)
    postgres = manage(
        "shell",
        "-c",
        code,
        SECRET_KEY=secret,
        DATABASE_URL="postgres://u:p@db/portal",
        **PRODUCTION,
    )
    assert postgres.stdout.split()[-2:] == ["60", "True"], postgres.stderr
    per_request = manage(
        "shell",
        "-c",
        code,
        SECRET_KEY=secret,
        DATABASE_URL="postgres://u:p@db/portal",
        DB_CONN_MAX_AGE="0",
        **PRODUCTION,
    )
    assert per_request.stdout.split()[-2] == "0", per_request.stderr


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


def test_compose_runs_the_production_shape_with_health_checks():
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    every = {"postgres", "redis", "web", "worker", "beat", "backup"}
    workers = {"worker-mail": "mail", "worker-documents": "documents", "worker-reports": "reports"}
    assert every | set(workers) <= set(services)
    for name in every | set(workers):
        assert "healthcheck" in services[name], name
    # One worker per queue: a slow PDF never delays an agenda.
    for name, queue in workers.items():
        assert f"--queues={queue}" in services[name]["command"], name
    assert "--queues=celery" in services["worker"]["command"]
    assert "--keep-days" in " ".join(services["backup"]["command"])
    assert "backups" in compose["volumes"]
    assert "gunicorn" in (settings.BASE_DIR / "Dockerfile").read_text()
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_links_follow_the_port_the_portal_serves_on():
    """`make run PORT=8123`: mail and calendar links point to port 8123, not 8000."""
    assert settings_seen_by_a_new_process(PORT="8123")["base_url"] == "http://127.0.0.1:8123"
    configured = settings_seen_by_a_new_process(
        PORT="8123", PORTAL_BASE_URL="https://portal.example.org"
    )
    assert configured["base_url"] == "https://portal.example.org"


def settings_seen_by_a_new_process(**env) -> dict:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'db': [s.DATABASES['default'][k] for k in ('ENGINE', 'HOST', 'PORT', 'NAME')], "
        "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], "
        "'mail': [s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT], "
        "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'storage': storage(), "
        "'base_url': s.PORTAL_BASE_URL}))"
    )
    # The storage of documents as instantiated, so that a backend that cannot load fails here.
    storage = (
        "def storage():\n"
        "    from django.core.files.storage import default_storage\n"
        "    default_storage._setup()\n"
        "    backend = default_storage._wrapped\n"
        "    names = ('bucket_name', 'endpoint_url', 'default_acl', 'querystring_auth')\n"
        "    return [type(backend).__name__] + [getattr(backend, n, None) for n in names]\n"
    )
    code = storage + code
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_environment_moves_the_portal_onto_postgresql_redis_and_smtp():
    seen = settings_seen_by_a_new_process(
        DATABASE_URL="postgres://portal:secret@db.example.org:5433/portal",
        REDIS_URL="redis://cache.example.org:6379/2",
        CELERY_BROKER_URL="",
        EMAIL_URL="submission://mailer:pw@smtp.example.org",
        DEBUG="false",
        ALLOWED_HOSTS="portal.example.org, www.portal.example.org",
    )
    assert seen["db"] == ["django.db.backends.postgresql", "db.example.org", 5433, "portal"]
    assert seen["broker"] == "redis://cache.example.org:6379/2"
    assert seen["cache"] == "portal.cache.RedisWithFallbackCache"
    assert seen["mail"] == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", 587]
    assert seen["debug"] is False
    assert seen["hosts"] == ["portal.example.org", "www.portal.example.org"]


def test_with_nothing_set_the_portal_needs_no_server():
    seen = settings_seen_by_a_new_process(
        DATABASE_URL="", REDIS_URL="", CELERY_BROKER_URL="", EMAIL_URL="", S3_BUCKET=""
    )
    assert seen["db"][0] == "django.db.backends.sqlite3"
    assert seen["db"][3].endswith("var/portal.sqlite3")
    assert seen["broker"] == "filesystem://"
    assert seen["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert seen["mail"][0] == "django.core.mail.backends.filebased.EmailBackend"
    assert seen["storage"][0] == "FileSystemStorage"


def test_celery_broker_url_wins_over_redis_url_for_the_broker_only():
    seen = settings_seen_by_a_new_process(
        REDIS_URL="redis://cache.example.org:6379/2",
        CELERY_BROKER_URL="amqp://guest@rabbit.example.org//",
    )
    assert seen["broker"] == "amqp://guest@rabbit.example.org//"
    assert seen["cache"] == "portal.cache.RedisWithFallbackCache"


def test_a_misspelt_debug_value_stops_the_portal_with_a_clear_message():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


@pytest.mark.realworker
def test_the_embedded_broker_carries_tasks_from_the_portal_and_from_beat_to_a_worker(tmp_path):
    """What `make run` starts: a worker and beat on kombu's filesystem transport, no server.
    One task is sent the way the portal sends tasks, one comes from beat's schedule; both
    must run in the worker."""
    (tmp_path / "beat_every_second.py").write_text(
        "from portal.settings import *  # noqa: F403\n"
        "CELERY_BEAT_SCHEDULE = {'echo': {'task': 'celery.accumulate', 'schedule': 1.0,"
        " 'args': ('sent-by-beat',)}}\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        DJANGO_SETTINGS_MODULE="beat_every_second",
    )
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    log = tmp_path / "worker.log"
    with open(log, "w") as worker_out, open(tmp_path / "beat.log", "w") as beat_out:
        started = [
            subprocess.Popen(
                [*celery, "worker", "--pool=solo", "--loglevel=INFO"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=worker_out,
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [*celery, "beat", "--loglevel=INFO"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=beat_out,
                stderr=subprocess.STDOUT,
            ),
        ]
        try:
            sent = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django; django.setup(); from portal.celery import app; "
                    "app.send_task('celery.accumulate', args=('sent-by-the-portal',))",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert sent.returncode == 0, sent.stderr
            deadline = time.monotonic() + 90
            wanted = ("succeeded", "'sent-by-the-portal'", "'sent-by-beat'")
            while time.monotonic() < deadline and not all(w in log.read_text() for w in wanted):
                assert all(process.poll() is None for process in started), log.read_text()
                time.sleep(0.5)
            ran = [line for line in log.read_text().splitlines() if "succeeded" in line]
            assert any("'sent-by-the-portal'" in line for line in ran), log.read_text()
            assert any("'sent-by-beat'" in line for line in ran), log.read_text()
        finally:
            for process in started:
                process.terminate()
            for process in started:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def test_compose_puts_nginx_in_front_with_an_internal_media_location(settings):
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    nginx, web = compose["services"]["nginx"], compose["services"]["web"]
    assert "healthcheck" in nginx and "ports" not in web
    assert web["environment"]["DOCUMENTS_X_ACCEL_PREFIX"] == "/protected-media/"
    assert "media:/var/lib/portal/media:ro" in nginx["volumes"]
    config = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    internal = config.split("location /protected-media/", 1)[1].split("}", 1)[0]
    assert "internal;" in internal and "alias /var/lib/portal/media/;" in internal


S3 = {
    "S3_BUCKET": "portal-documents",
    "S3_ENDPOINT_URL": "https://objects.example.org",
    "S3_REGION": "eu-central-1",
    "S3_ACCESS_KEY_ID": "portal",
    "S3_SECRET_ACCESS_KEY": "secret",
}


def test_s3_bucket_moves_uploaded_documents_into_a_private_bucket_without_urls():
    seen = settings_seen_by_a_new_process(**S3)
    assert seen["storage"] == [
        "PrivateS3Storage",
        "portal-documents",
        "https://objects.example.org",
        "private",
        False,
    ]
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        **PRODUCTION,
        **S3,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"S3_ACCESS_KEY_ID": "portal"}, "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"),
        ({"S3_ADDRESSING_STYLE": "dns"}, "S3_ADDRESSING_STYLE must be auto, path or virtual"),
    ],
)
def test_a_half_configured_bucket_says_what_is_wrong(environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        document_storage({"S3_BUCKET": "portal-documents", **environment})


def test_a_bucket_with_acls_disabled_gets_no_acl_header():
    assert (
        document_storage({"S3_BUCKET": "b", "S3_DEFAULT_ACL": "none"})["OPTIONS"]["default_acl"]
        is None
    )
