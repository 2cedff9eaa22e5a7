"""The database's own refusal to change the audit trail: a trigger that aborts every UPDATE
and DELETE on `audit_auditevent`, on PostgreSQL and on SQLite alike, whoever connects.

Installed by the migration audit/0002 (a RunPython step, because the SQL differs by database
and the test suite — built from the models — replays RunPython steps: tests/conftest.py).
`flush` (audit's own command) and the test world's removal lift it for the one statement
that empties every table, inside their transaction, and put it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection

TABLE = "audit_auditevent"
MESSAGE = "The audit trail is append-only: its rows are never updated or deleted."

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]
POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse()",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(f"No append-only trigger for {vendor}.")


def install(connection: Any = None) -> None:
    """Create the triggers (again): safe to run twice."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def remove(connection: Any = None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)


@contextmanager
def lifted(connection: Any = None) -> Iterator[None]:
    """Without the triggers for the block, in the caller's transaction: for emptying every
    table at once (flush), never for changing a row."""
    connection = connection or default_connection
    remove(connection)
    try:
        yield
    finally:
        install(connection)


# For the migration (and the test suite's replay of it).
def install_for_migration(apps: Any, schema_editor: Any) -> None:
    install(schema_editor.connection)


def remove_for_migration(apps: Any, schema_editor: Any) -> None:
    remove(schema_editor.connection)
