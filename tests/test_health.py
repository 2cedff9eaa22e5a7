"""/healthz says the process answers; /readyz says the database, the broker and the storage
of the documents answer too.

The compose file's health checks and any load balancer read these, so a broken dependency
must give 503 naming the part that is down — never a 500, never a redirect to sign in.
"""

import os
import socket

import pytest
from django.db import OperationalError

from portal import health
from portal.celery import app as celery_app
from tests.documents.test_storage import BUCKET, bucket  # noqa: F401 (the fixture)
from tests.test_setup import PRODUCTION, manage


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django makes any database access in here an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_says_ready_when_the_database_and_the_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_naming_the_broker_when_its_port_is_closed(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_write_url", f"redis://127.0.0.1:{closed_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


@pytest.mark.django_db
def test_readyz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    class DatabaseDown:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", DatabaseDown())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "error: OperationalError",
        "broker": "ok",
        "storage": "ok",
    }


def test_health_endpoints_only_answer_get(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_health_checks_answer_plain_http_under_production_settings():
    """The containers probe over plain HTTP on loopback: the HTTPS redirect that guards every
    other page must not turn their health check into a 301."""
    code = (
        "from django.test import Client; c = Client(headers={'host': 'localhost'}); "
        "print(c.get('/healthz').status_code, c.get('/').status_code)"
    )
    result = manage("shell", "-c", code, SECRET_KEY="x" * 60, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    healthz, landing = result.stdout.split()[-2:]
    assert (healthz, landing) == ("200", "301")


@pytest.mark.django_db
def test_readyz_is_503_naming_the_storage_when_the_media_folder_cannot_be_written(
    client, settings, tmp_path
):
    media = tmp_path / "media"
    media.mkdir()
    media.chmod(0o500)  # the volume mounted read-only, or owned by another user
    settings.MEDIA_ROOT = str(media)
    try:
        response = client.get("/readyz")
    finally:
        media.chmod(0o700)
    if os.geteuid() == 0:
        # root writes anywhere: a file where the folder should be is the failure it meets.
        settings.MEDIA_ROOT = str(tmp_path / "a-file")
        (tmp_path / "a-file").write_text("not a folder")
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error: PermissionError"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_checks_the_bucket_and_is_503_when_it_is_gone(client, bucket):  # noqa: F811
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    bucket.client.delete_bucket(Bucket=BUCKET)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error: ClientError"
