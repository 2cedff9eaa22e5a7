"""The suite's database is made from the models (`--no-migrations`); this proves the real
migrations build the same schema. They run from the first to the last, in a process of their
own, into a new empty database of the same kind (SQLite or PostgreSQL), which must then hold
every table and column the models name, the reference data, and no change left to write
(`makemigrations --check`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

# Run inside the migrated database's own process: its tables and columns, the reference
# rows, and whether the models have a change the migrations lack.
REPORT = """
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection
from reference.models import GCMObjective, GuidingPrinciple, SDGTarget
with connection.cursor() as cursor:
    tables = {
        table: sorted(c.name for c in connection.introspection.get_table_description(cursor, table))
        for table in connection.introspection.table_names(cursor)
    }
try:
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    pending = False
except SystemExit:
    pending = True
print(json.dumps({
    "tables": tables,
    "reference": [GCMObjective.objects.count(), GuidingPrinciple.objects.count(),
                  SDGTarget.objects.count()],
    "pending": pending,
}))
"""


@pytest.fixture
def empty_database_url(tmp_path):
    """The address of a new, empty database beside the test database, removed afterwards."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    assert db["ENGINE"] == "django.db.backends.postgresql", db["ENGINE"]
    import psycopg

    name = f"portal_migrations_{uuid.uuid4().hex[:10]}"
    server = dict(
        host=db["HOST"] or "localhost",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    try:
        yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(code_or_args: list[str], database_url: str, tmp_path) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        PORTAL_VAR_DIR=str(tmp_path / "var"),
    )
    finished = subprocess.run(
        [sys.executable, *code_or_args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.stdout


def model_tables() -> dict[str, set[str]]:
    """Every table the models describe, with its columns."""
    tables: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables[meta.db_table] = {field.column for field in meta.local_concrete_fields}
    return tables


@pytest.mark.django_db
def test_the_migrations_build_the_schema_the_models_describe(empty_database_url, tmp_path):
    run(["manage.py", "migrate", "--no-input", "-v", "0"], empty_database_url, tmp_path)
    report = json.loads(run(["-c", REPORT], empty_database_url, tmp_path))

    migrated = {table: set(columns) for table, columns in report["tables"].items()}
    for table, columns in model_tables().items():
        assert table in migrated, f"No migration creates {table}"
        assert migrated[table] == columns, f"{table}: migrated {migrated[table]} ≠ {columns}"
    # The suite's own database (made from the models) has the same tables as the migrated one.
    with connection.cursor() as cursor:
        ours = set(connection.introspection.table_names(cursor))
    assert ours == set(migrated) - {"django_migrations"}
    assert report["reference"] == [23, 10, 169]
    assert report["pending"] is False, "The models have changes no migration holds"
