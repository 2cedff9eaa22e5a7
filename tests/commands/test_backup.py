"""`manage.py backup` and `manage.py restore` round-trip a populated portal: a database made by
the real migrations and filled with the test world (networks, approved minutes, signed
statements and reports, documents with their files), backed up, restored into a new empty
database and media store — every row count, every signed version's and document version's
SHA-256 and every file's checksum equal afterwards. On the kind of database the suite runs on:
PostgreSQL (pg_dump/pg_restore) where DATABASE_URL says so, as in CI, else SQLite (its backup
API); each command in a process of its own, as an operator runs it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db

# What a database holds, read inside its own process: the row count of every table, every
# stored SHA-256 of the models (signed versions: content_sha256, pdf_sha256; document
# versions: sha256) by table and id, and the SHA-256 of every file in the storage.
REPORT = """
import hashlib, json, os, django, django.db.models
django.setup()
from django.apps import apps
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
hashes = {}
for model in apps.get_models():
    fields = [f.attname for f in model._meta.concrete_fields if f.name.endswith("sha256")]
    if fields:
        rows = model._base_manager.order_by("pk").values_list("pk", *fields)
        hashes[model._meta.db_table] = [list(row) for row in rows]
files = {}
for folder, _dirs, names in os.walk(settings.MEDIA_ROOT):
    for name in names:
        path = os.path.join(folder, name)
        with open(path, "rb") as handle:
            files[os.path.relpath(path, settings.MEDIA_ROOT)] = hashlib.sha256(handle.read()).hexdigest()
from audit.models import AuditEvent
audit = sorted(
    [row["network"] is None, row["kind"], row["count"]]
    for row in AuditEvent.every_chain.order_by().values("network", "kind").annotate(
        count=django.db.models.Count("pk")
    )
)
print(json.dumps({"counts": counts, "hashes": hashes, "files": files, "audit": audit}))
"""

BUILD_WORLD = """
import django
django.setup()
import os
from tests import world
world.build(os.environ["MEDIA_ROOT"])
# A security event too, on the platform's own chain (the world's steps and role changes are
# on the networks' chains).
from django.db import transaction
from audit.chain import record
from audit.models import AuditEvent
with transaction.atomic():
    record(kind=AuditEvent.Kind.SECURITY, event="signin.failed", summary={"reason": "test"})
"""


@pytest.fixture
def new_database(tmp_path):
    """new_database() → the address of a new empty database of the suite's kind, removed
    afterwards (as tests/test_migrations.py makes one)."""
    db = connection.settings_dict
    made: list[str] = []
    server = None
    if db["ENGINE"] == "django.db.backends.postgresql":
        server = dict(
            host=db["HOST"] or "localhost",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
    else:
        assert db["ENGINE"] == "django.db.backends.sqlite3", db["ENGINE"]

    def make() -> str:
        if server is None:
            return f"sqlite:///{tmp_path / f'portal-{uuid.uuid4().hex[:8]}.sqlite3'}"
        import psycopg

        name = f"portal_backup_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(**server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"

    yield make
    if server is not None:
        import psycopg

        with psycopg.connect(**server) as admin:
            for name in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def portal(args: list[str], database_url: str, media: Path, tmp_path: Path, check=True):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL="memory://",
    )
    finished = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert finished.returncode == 0, finished.stderr[-3000:]
    return finished


def manage(*args: str, url: str, media: Path, tmp_path: Path, check=True):
    return portal(["manage.py", *args], url, media, tmp_path, check=check)


def report(url: str, media: Path, tmp_path: Path) -> dict:
    return json.loads(portal(["-c", REPORT], url, media, tmp_path).stdout)


def refused(finished, *words: str) -> None:
    """A clear message, a non-zero exit and never a traceback."""
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr, finished.stderr[-2000:]
    for word in words:
        assert word in finished.stderr, finished.stderr[-2000:]


def rewrite(archive: Path, out: Path, change) -> None:
    """A copy of the archive with change(name, data) → data applied to its members."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))


def test_a_populated_portal_round_trips_through_backup_and_restore(new_database, tmp_path):
    source, source_media = new_database(), tmp_path / "source-media"
    manage("migrate", "--no-input", "-v", "0", url=source, media=source_media, tmp_path=tmp_path)
    portal(["-c", BUILD_WORLD], source, source_media, tmp_path)
    before = report(source, source_media, tmp_path)
    # The world is populated: signed versions, documents and their files.
    assert before["counts"]["meetings_minutesversion"] >= 1
    assert before["counts"]["documents_documentversion"] >= 1
    signed = {t: rows for t, rows in before["hashes"].items() if t != "documents_documentversion"}
    assert sum(len(rows) for rows in signed.values()) >= 3, signed
    assert before["files"]
    # …and so is its audit trail: workflow steps and role changes on the networks' chains,
    # a security event on the platform's; its chains verify before the backup.
    kinds = {(platform, kind) for platform, kind, count in before["audit"] if count}
    assert {(False, "step"), (False, "role"), (True, "security")} <= kinds, before["audit"]
    verified = manage("audit_verify", url=source, media=source_media, tmp_path=tmp_path)
    assert "are intact" in verified.stdout

    archive = tmp_path / "backups" / "portal.tar"
    made = manage("backup", str(archive), url=source, media=source_media, tmp_path=tmp_path)
    assert f"Backed up to {archive}" in made.stdout
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["tables"] == before["counts"]
    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == before["files"]
    assert manifest["portal_version"] and manifest["created_at"]

    target, target_media = new_database(), tmp_path / "target-media"
    done = manage("restore", str(archive), url=target, media=target_media, tmp_path=tmp_path)
    assert "every row count equal" in done.stdout
    assert f"{len(before['files'])} files" in done.stdout
    after = report(target, target_media, tmp_path)
    assert after["counts"] == before["counts"]
    assert after["hashes"] == before["hashes"]
    assert after["files"] == before["files"]
    assert after["audit"] == before["audit"]
    # The restored audit trail proves itself: every chain (the networks' and the platform's)
    # walks intact from its first row to its head.
    restored = manage("audit_verify", url=target, media=target_media, tmp_path=tmp_path)
    assert "BROKEN" not in restored.stdout
    chains = len(verified.stdout.strip().splitlines()) - 1
    assert chains >= 4, verified.stdout  # three networks and the platform
    assert f"All {chains} chains are intact." in restored.stdout, restored.stdout
    # Every document version's recorded SHA-256 is that of its restored file.
    for _pk, sha in after["hashes"]["documents_documentversion"]:
        assert sha in set(after["files"].values())

    # Once restored, the target is not empty: a second restore refuses, and changes nothing.
    again = manage(
        "restore", str(archive), url=target, media=target_media, tmp_path=tmp_path, check=False
    )
    refused(again, "Refusing to overwrite", "--force")
    assert report(target, target_media, tmp_path) == after
    forced = manage(
        "restore", str(archive), "--force", url=target, media=target_media, tmp_path=tmp_path
    )
    assert "every row count equal" in forced.stdout
    assert report(target, target_media, tmp_path) == after

    # A backup never overwrites an archive without --force.
    refused(
        manage(
            "backup", str(archive), url=source, media=source_media, tmp_path=tmp_path, check=False
        ),
        "refusing to overwrite",
    )


def test_bad_archives_are_refused_with_a_message_and_change_nothing(new_database, tmp_path):
    source, media = new_database(), tmp_path / "media"
    manage("migrate", "--no-input", "-v", "0", url=source, media=media, tmp_path=tmp_path)
    (media / "documents" / "1").mkdir(parents=True)
    (media / "documents" / "1" / "a.pdf").write_bytes(b"%PDF-1.7 a document")
    archive = tmp_path / "portal.tar"
    manage("backup", str(archive), url=source, media=media, tmp_path=tmp_path)

    target, target_media = new_database(), tmp_path / "target-media"

    def restore(path):
        return manage(
            "restore", str(path), url=target, media=target_media, tmp_path=tmp_path, check=False
        )

    refused(restore(tmp_path / "no-such.tar"), "No such file")

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 3])
    refused(restore(truncated), "damaged")

    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"this is not an archive" * 100)
    refused(restore(garbage), "not a backup archive")

    altered = tmp_path / "altered.tar"
    rewrite(
        archive, altered, lambda name, data: b"%PDF-1.7 another" if name.endswith("a.pdf") else data
    )
    refused(restore(altered), "Wrong checksum", "files/documents/1/a.pdf")

    # None of them left anything behind: the target is still empty, and restores fine.
    assert not target_media.exists() or not any(target_media.rglob("*.pdf"))
    done = restore(archive)
    assert done.returncode == 0, done.stderr
    assert (target_media / "documents" / "1" / "a.pdf").read_bytes() == b"%PDF-1.7 a document"
    digest = hashlib.sha256(b"%PDF-1.7 a document").hexdigest()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["files"]["documents/1/a.pdf"]["sha256"] == digest
