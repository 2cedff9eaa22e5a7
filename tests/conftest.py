import os
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache

from networks.scoping import scopes_disabled
from tests import world
from tests.factories import TEST_PASSWORD, region


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
    _a_cache_of_this_process(settings)


def _a_cache_of_this_process(settings) -> None:
    """Every test starts with an empty cache (`cache.clear()`), which empties the whole Redis
    database or cache folder: each test process (bin/test runs three) gets its own, so one
    process never wipes the sign-in limits another is testing, nor a `make run` beside it."""
    # The process of the real-worker tests (bin/test runs it beside the others) keeps the
    # database it is given; xdist's gw0, gw1… take the next ones.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) + 1 if worker.startswith("gw") else 0
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith(("RedisCache", "RedisWithFallbackCache")):
        parts = urlsplit(cache["LOCATION"])
        database = int(parts.path.strip("/") or 0)
        cache["LOCATION"] = urlunsplit(parts._replace(path=f"/{(database + index) % 16}"))
    else:
        cache["LOCATION"] = tempfile.mkdtemp(prefix=f"portal-test-cache-{worker or 'main'}-")
        _scratch.append(cache["LOCATION"])


_scratch: list[str] = []


def pytest_unconfigure(config):
    for folder in _scratch:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(trylast=True)  # after -m has deselected what this run leaves out
def pytest_collection_modifyitems(config, items):
    """On SQLite the test database lives in memory, unless this run holds a test marked
    `realworker`: its Celery worker runs in another process, which must see the same data (or
    it opens a second connection at once, which in memory meets "table is locked"), so the
    database is then a file (tests/circulation/realworker.py)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    if any(item.get_closest_marker("realworker") for item in items):
        database.setdefault("TEST", {})["NAME"] = str(
            settings.VAR_DIR / f"test-{os.getpid()}.sqlite3"
        )


# --- The database and the shared world ----------------------------------------------------


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _media_root):
    """The test database, with the shared world of tests/world.py in it.

    The suite runs with `--no-migrations` (pyproject.toml): the tables are made from the
    models at once, and what the project's own migrations do besides making tables (their
    RunPython steps: the reference data, PostgreSQL's search index) is replayed here, in
    migration order. tests/test_migrations.py proves that the migrations build this schema."""
    with django_db_blocker.unblock():
        _replay_data_migrations()
        world.build(str(_media_root))


def _replay_data_migrations() -> None:
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython, RunSQL
    from django.test import override_settings

    with override_settings(MIGRATION_MODULES={}):  # pytest-django disabled them
        loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {
        app.label for app in apps.get_app_configs() if app.path.startswith(str(settings.BASE_DIR))
    }
    plan: list = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    for key in plan:
        if key[0] not in ours:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunSQL):
                raise RuntimeError(
                    f"Migration {key} runs SQL, which the test database (made from the models) "
                    "cannot replay as it stands: write it as RunPython, or replay it here."
                )
            if isinstance(operation, RunPython):
                with connection.schema_editor() as editor:
                    operation.code(apps, editor)


def _is_transactional(request) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _transactional_tests_start_empty(request):
    """A transactional test (the browser tests, a real worker) commits, so it cannot share the
    world: it starts from an empty database, with the reference data the migrations load
    (GCM objectives, guiding principles, SDG targets), as it would without the world. The
    flush at the end of the previous transactional test has usually emptied it already."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command

    from reference.models import GCMObjective

    if world.is_built():
        call_command("flush", interactive=False, verbosity=0)
    if not GCMObjective.objects.exists():
        import_module("reference.migrations.0002_load_reference_data").load(apps, None)


@pytest.fixture
def empty_database(db):
    """For the tests of the platform as a whole (operators creating networks, the commands
    that build the demo or the scale data, counts across every network): the test starts from
    the empty database it describes, with the reference data only. The world is removed inside
    the test's transaction, and its rollback brings the world back for the next test."""
    world.remove()


@pytest.fixture
def eca(db):
    return region()


@pytest.fixture
def kyrgyzstan(db, eca):
    with scopes_disabled():
        return world.kyrgyzstan()


@pytest.fixture
def mongolia(db):
    with scopes_disabled():
        return world.mongolia()


@pytest.fixture
def victim(db):
    """The network whose every route the walkers request: Uzbekistan, with one object of each
    kind a route names (tests/world.py)."""
    with scopes_disabled():
        return world.victim()


# --- Each test ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_cache():
    # Login rate limits live in the cache; every test starts with none.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _private_media(_media_root, settings):
    # Uploaded files go to a folder of the test run, never into var/media.
    settings.MEDIA_ROOT = str(_media_root)


@pytest.fixture(autouse=True)
def _pdf_standin(request, monkeypatch):
    """WeasyPrint costs seconds a PDF: tests get the stand-in of tests/pdf.py unless they
    read what a PDF says, and say so with `@pytest.mark.real_pdf`."""
    if request.node.get_closest_marker("real_pdf"):
        return
    import networks.pdf
    from tests.pdf import standin_pdf

    monkeypatch.setattr(networks.pdf, "html_to_pdf", standin_pdf)


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
