import os

import pytest
from django.core.cache import cache

from networks.scoping import scopes_disabled
from tests.factories import TEST_PASSWORD, build_network, region


@pytest.fixture(autouse=True)
def _clean_cache():
    # Login rate limits live in the cache; every test starts with none.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reference_data_after_a_flush(request):
    """The GCM objectives, guiding principles and SDG targets come with a data migration; a
    transactional test (the browser tests) empties every table when it ends, so the next one
    would find none. Such tests get them back first."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from reference.models import GCMObjective

    if not GCMObjective.objects.exists():
        import_module("reference.migrations.0002_load_reference_data").load(apps, None)


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _private_media(_media_root, settings):
    # Uploaded files go to a folder of the test run, never into var/media.
    settings.MEDIA_ROOT = str(_media_root)


@pytest.fixture
def eca(db):
    return region()


@pytest.fixture
def kyrgyzstan(db, eca):
    with scopes_disabled():
        return build_network("kyrgyzstan", code="KGZ", region_obj=eca)


@pytest.fixture
def mongolia(db):
    with scopes_disabled():
        return build_network("mongolia", code="MNG", time_zone="Asia/Ulaanbaatar")


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that person."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return TEST_PASSWORD


def pytest_configure(config):
    from django.conf import settings

    # Fast hashing for the hundreds of test accounts; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks enqueued by tests go to an in-memory broker, never into a developer's var/broker
    # or CI's Redis; tests that need a task to run call it (or set CELERY_TASK_ALWAYS_EAGER).
    from portal.celery import app

    settings.CELERY_BROKER_URL = "memory://"
    app.conf.broker_url = "memory://"
    app.conf.broker_write_url = None
    app.conf.broker_transport_options = {}
    # On SQLite the test database is a file rather than memory, so that the Celery worker a
    # test starts in another process (tests/circulation/test_worker.py) sees the same data.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            settings.VAR_DIR / f"test-{os.getpid()}.sqlite3"
        )
