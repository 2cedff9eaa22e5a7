"""The shared test world, built once per test session (per xdist worker) in the test
database, before the first test.

- `kyrgyzstan` (in the region Europe and Central Asia) and `mongolia`: networks with their
  organisations and one person per role, as `tests.factories.build_network` makes them, and
  nothing else: the tests that use them add what they test.
- The victim, `uzbekistan`: the same, plus one object of each kind that a network route names
  (a meeting with approved minutes, a document, a statement, a workplan, a submitted
  report…), built by the isolation walker's builders (tests/test_isolation.py). The walkers
  (isolation, bad input, API auth and schema) read it.

Every test that uses the database runs in a transaction that is rolled back, so the world is
the same at the start of each one; the fixtures in tests/conftest.py hand each test fresh
Python objects read back from the database (`find_network`), so no test sees another's
in-memory changes. A transactional test (the browser, the live server) starts from an empty
database instead, as before, and builds what it uses: its flush at the end would take the
world away anyway, and the fixtures then build the networks again for the tests that follow.
"""

from __future__ import annotations

from django.test import override_settings

from networks.models import Region
from networks.scoping import scopes_disabled
from tests.factories import TestNetwork, build_network, find_network, region

VICTIM = "uzbekistan"


def kyrgyzstan() -> TestNetwork:
    return find_network("kyrgyzstan") or build_network(
        "kyrgyzstan", code="KGZ", region_obj=europe_and_central_asia()
    )


def mongolia() -> TestNetwork:
    return find_network("mongolia") or build_network(
        "mongolia", code="MNG", time_zone="Asia/Ulaanbaatar"
    )


def victim() -> TestNetwork:
    found = find_network(VICTIM)
    if found is not None:
        return found
    from tests.test_isolation import fill_every_route

    built = build_network(VICTIM, code="UZB", time_zone="Asia/Tashkent")
    fill_every_route(built)
    return built


def europe_and_central_asia() -> Region:
    return region()


def build(media_root: str) -> None:
    """Build the world into the (empty) test database. PDFs are the stand-in's (tests/pdf.py):
    the world's minutes and report PDFs are never read for their text."""
    import networks.pdf
    from tests.pdf import standin_pdf

    real = networks.pdf.html_to_pdf
    networks.pdf.html_to_pdf = standin_pdf
    try:
        with override_settings(MEDIA_ROOT=media_root), scopes_disabled():
            kyrgyzstan()
            mongolia()
            victim()
    finally:
        networks.pdf.html_to_pdf = real


def is_built() -> bool:
    from networks.models import Network

    with scopes_disabled():
        return Network.objects.exists()


def remove() -> None:
    """Take the world out of the database inside a test's transaction (its rollback brings the
    world back), for the tests of the platform as a whole. The rows are emptied the way
    `flush` does, in SQL: frozen versions refuse to be deleted through the ORM, on purpose.
    What the migrations ship (the reference data, content types, permissions) stays."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    from audit import triggers

    kept = {"reference", "contenttypes", "auth", "sites"}
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in kept
    }
    tables &= set(connection.introspection.table_names())
    statements = connection.ops.sql_flush(no_style(), sorted(tables), allow_cascade=True)
    # The audit trail refuses DELETE (audit/triggers.py): lifted for this, in the transaction.
    with triggers.lifted(connection), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
