"""One archive that restores: the database and the documents' files, with a manifest to check
both against (`manage.py backup`, `manage.py restore`; README, "Backup and restore").

The archive is a tar file:

- `database.pgdump` — `pg_dump --format=custom` of the PostgreSQL database, taken in an
  exported snapshot so that the manifest's row counts are those of the dump to the row; or
  `database.sqlite3` — a copy made with SQLite's backup API (consistent while the portal runs);
- `files/<name>` — every file under MEDIA_ROOT when the documents are on disk. With a bucket
  (S3_BUCKET) the objects stay where they are (the bucket's own versioning or replication
  keeps them) and the manifest lists each object with its size and SHA-256, which a restore
  checks against the bucket;
- `manifest.json` — the format, the portal's version, when, the database's kind, the row count
  of every table, the SHA-256 and size of the database file and of every file or object.

The database is dumped before the files are read: every file the dump refers to was written
before its row was committed, so it is in the archive; a file uploaded meanwhile is an orphan
of the restored copy, which the daily orphan sweep removes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import storages
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# Tables the migrations themselves fill: a database that holds rows in these only is empty.
MIGRATION_FILLED = {"django_migrations", "django_content_type", "auth_permission"}
MIGRATION_FILLED_PREFIXES = ("reference_",)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the operator must read: a missing tool or file, a damaged archive, a
    target that is not empty. The commands print it and exit non-zero."""


def portal_version() -> str:
    try:
        return metadata.version("network-portal")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while block := stream.read(CHUNK):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def vendor() -> str:
    engine = connections["default"].vendor
    if engine not in DUMPS:
        raise BackupError(f"Backups cover PostgreSQL and SQLite, not {engine}.")
    return engine


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_params() -> dict[str, Any]:
    db = connections["default"].settings_dict
    return {
        "host": db["HOST"] or "localhost",
        "port": str(db["PORT"] or 5432),
        "user": db["USER"] or "",
        "password": db["PASSWORD"] or "",
        "dbname": db["NAME"],
    }


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client (Debian: postgresql-client)."
        )
    return found


def _pg_env(params: dict[str, Any]) -> dict[str, str]:
    environment = dict(os.environ)
    if params["password"]:
        environment["PGPASSWORD"] = params["password"]
    return environment


def _pg_args(params: dict[str, Any]) -> list[str]:
    return [
        "-h",
        params["host"],
        "-p",
        params["port"],
        "-U",
        params["user"],
        "-d",
        params["dbname"],
    ]


def _pg_connect(params: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"] or None,
        dbname=params["dbname"],
        connect_timeout=10,
    )


def _pg_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def pg_dump_to(path: Path) -> dict[str, int]:
    """The dump in `path` and the row count of every table, both of one snapshot."""
    import psycopg

    params = _pg_params()
    tool = _pg_tool("pg_dump")
    with _pg_connect(params) as control:
        control.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        control.read_only = True
        with control.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            finished = subprocess.run(
                [tool, "--format=custom", f"--snapshot={snapshot}", "-f", str(path)]
                + _pg_args(params),
                env=_pg_env(params),
                capture_output=True,
                text=True,
            )
            if finished.returncode != 0:
                raise BackupError(f"pg_dump failed: {finished.stderr.strip()[-1500:]}")
            counts = _pg_counts(cursor)
        control.rollback()
    return counts


def pg_target_counts() -> dict[str, int]:
    with _pg_connect(_pg_params()) as conn, conn.cursor() as cursor:
        return _pg_counts(cursor)


def pg_restore_from(path: Path, clean: bool) -> None:
    params = _pg_params()
    tool = _pg_tool("pg_restore")
    connections.close_all()
    arguments = [tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        arguments += ["--clean", "--if-exists"]
    finished = subprocess.run(
        arguments + _pg_args(params) + [str(path)],
        env=_pg_env(params),
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        raise BackupError(
            f"pg_restore failed; the database is as it was: {finished.stderr.strip()[-1500:]}"
        )


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
    }


def _sqlite_name() -> str:
    name = str(connections["default"].settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory: there is nothing on disk to back up.")
    return name


def sqlite_copy_to(path: Path) -> dict[str, int]:
    source = sqlite3.connect(_sqlite_name())
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        return _sqlite_counts(target)
    finally:
        target.close()
        source.close()


def sqlite_target_counts() -> dict[str, int]:
    name = _sqlite_name()
    if not Path(name).exists():
        return {}
    conn = sqlite3.connect(name)
    try:
        return _sqlite_counts(conn)
    finally:
        conn.close()


def sqlite_restore_from(path: Path) -> None:
    connections.close_all()
    name = _sqlite_name()
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(path)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# --- Files --------------------------------------------------------------------------------


def _storage() -> Any:
    return storages["default"]


def storage_kind() -> str:
    return "s3" if hasattr(_storage(), "bucket") else "filesystem"


def stored_names() -> Iterator[str]:
    """Every file of the documents' storage, by its name in the storage."""
    storage = _storage()
    if storage_kind() == "filesystem":
        root = Path(storage.location)
        if not root.is_dir():
            return
        for folder, _dirs, names in os.walk(root):
            for name in sorted(names):
                yield (Path(folder) / name).relative_to(root).as_posix()
        return
    for entry in storage.bucket.objects.all():
        yield entry.key


# --- The archive --------------------------------------------------------------------------


@dataclass
class Summary:
    database: str
    tables: int
    rows: int
    files: int
    bytes: int
    storage: str


def write_backup(destination: Path) -> Summary:
    """Write the archive to `destination` (through a temporary file beside it, renamed once
    complete: a failed backup never leaves a half archive under the name)."""
    kind = vendor()
    destination.parent.mkdir(parents=True, exist_ok=True)
    storage = _storage()
    files: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
        dump = Path(scratch) / DUMPS[kind]
        counts = pg_dump_to(dump) if kind == "postgresql" else sqlite_copy_to(dump)
        with dump.open("rb") as handle:
            dump_sha, dump_size = sha256_of(handle)
        partial = destination.with_name(f".{destination.name}.partial")
        try:
            with tarfile.open(partial, "w") as archive:
                archive.add(dump, arcname=DUMPS[kind])
                for name in stored_names():
                    with storage.open(name, "rb") as handle:
                        sha, size = sha256_of(handle)
                    files[name] = {"sha256": sha, "size": size}
                    if storage_kind() == "filesystem":
                        archive.add(Path(storage.path(name)), arcname=FILES + name)
                manifest = {
                    "format": FORMAT,
                    "portal_version": portal_version(),
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": {
                        "vendor": kind,
                        "file": DUMPS[kind],
                        "sha256": dump_sha,
                        "size": dump_size,
                    },
                    "tables": counts,
                    "storage": storage_kind(),
                    # On disk: files in the archive; in a bucket: the objects it must hold.
                    "files": files,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(datetime.now(UTC).timestamp())
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(
        database=kind,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(files),
        bytes=sum(f["size"] for f in files.values()),
        storage=storage_kind(),
    )


def _open_archive(path: Path) -> tarfile.TarFile:
    if not path.exists():
        raise BackupError(f"No such file: {path}")
    if not path.is_file():
        raise BackupError(f"Not a file: {path}")
    try:
        return tarfile.open(path, "r:")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(
            f"{path} is not a backup archive of the portal (or it is damaged): {error}"
        ) from None


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    try:
        stream = archive.extractfile(name)
    except (KeyError, tarfile.TarError, OSError) as error:
        raise BackupError(f"The archive lacks {name} or it is damaged ({error}).") from error
    if stream is None:
        raise BackupError(f"{name} in the archive is not a file.")
    return stream


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_member(archive, MANIFEST).read())
    except (ValueError, tarfile.TarError, OSError) as error:
        raise BackupError(f"The archive's manifest cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive's manifest is not one this portal writes (format 1).")
    for key in ("database", "tables", "files", "storage"):
        if key not in manifest:
            raise BackupError(f"The archive's manifest has no {key!r}.")
    return manifest


def verify(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member the manifest names is in the archive with its SHA-256 — read to the end,
    so a truncated or altered archive is refused before anything is changed."""
    database = manifest["database"]
    try:
        names = set(archive.getnames())
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"The archive is damaged: {error}") from error
    expected = {database["file"]: database["sha256"]}
    if manifest["storage"] == "filesystem":
        expected.update(
            {FILES + name: entry["sha256"] for name, entry in manifest["files"].items()}
        )
    for name, sha in sorted(expected.items()):
        if name not in names:
            raise BackupError(f"The archive lacks {name}, which its manifest lists.")
        try:
            actual, _size = sha256_of(_member(archive, name))
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{name} in the archive cannot be read (damaged): {error}") from error
        if actual != sha:
            raise BackupError(
                f"Wrong checksum for {name}: the manifest says {sha[:12]}…, the archive holds "
                f"{actual[:12]}…. The archive was altered or damaged; nothing was restored."
            )


def _holds_data(counts: dict[str, int]) -> list[str]:
    return sorted(
        table
        for table, rows in counts.items()
        if rows
        and table not in MIGRATION_FILLED
        and not table.startswith(MIGRATION_FILLED_PREFIXES)
    )


@dataclass
class Restored:
    database: str
    tables: int
    rows: int
    files: int
    bytes: int
    checked_objects: int
    manifest: dict[str, Any]


def restore(path: Path, force: bool = False) -> Restored:
    """Check the archive, then bring back the database and the files; refuses a database
    that holds data, or files already in the storage, unless `force`."""
    kind = vendor()
    with _open_archive(path) as archive:
        manifest = read_manifest(archive)
        if manifest["database"].get("vendor") != kind:
            raise BackupError(
                f"The archive holds a {manifest['database'].get('vendor')} database; this "
                f"portal runs on {kind}. Restore it into a portal of the same kind."
            )
        verify(archive, manifest)
        current = pg_target_counts() if kind == "postgresql" else sqlite_target_counts()
        busy = _holds_data(current)
        storage = _storage()
        on_disk = manifest["storage"] == "filesystem"
        clashes = [name for name in manifest["files"] if on_disk and storage.exists(name)]
        if not force and (busy or clashes):
            parts = []
            if busy:
                parts.append(
                    f"the database holds data ({len(busy)} tables with rows, e.g. "
                    f"{', '.join(busy[:3])})"
                )
            if clashes:
                parts.append(f"{len(clashes)} of the files are already in the storage")
            raise BackupError(
                "Refusing to overwrite: " + "; ".join(parts) + ". Restore into an empty database "
                "and media store, or add --force to replace them."
            )
        with tempfile.TemporaryDirectory(prefix="portal-restore-") as scratch:
            dump = Path(scratch) / manifest["database"]["file"]
            with dump.open("wb") as out:
                shutil.copyfileobj(_member(archive, manifest["database"]["file"]), out, CHUNK)
            if kind == "postgresql":
                pg_restore_from(dump, clean=bool(current))
            else:
                sqlite_restore_from(dump)
        restored_files = 0
        if on_disk:
            for name in sorted(manifest["files"]):
                if storage.exists(name):
                    storage.delete(name)
                saved = storage.save(name, File(_member(archive, FILES + name)))
                if saved != name:
                    raise BackupError(f"The storage stored {name} as {saved}.")
                restored_files += 1
    after = pg_target_counts() if kind == "postgresql" else sqlite_target_counts()
    differ = {
        table: (rows, after.get(table))
        for table, rows in manifest["tables"].items()
        if after.get(table) != rows
    }
    if differ:
        table, (wanted, found) = sorted(differ.items())[0]
        raise BackupError(
            f"Restored, but {len(differ)} tables' row counts differ from the manifest "
            f"(e.g. {table}: {found} instead of {wanted})."
        )
    problems = check_files(manifest["files"])
    if problems:
        raise BackupError(
            f"The database is restored, but {len(problems)} of the manifest's files are missing "
            f"or differ in the storage, e.g. {problems[0]}."
        )
    return Restored(
        database=kind,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=restored_files,
        bytes=sum(entry["size"] for entry in manifest["files"].values()),
        checked_objects=len(manifest["files"]),
        manifest=manifest,
    )


def check_files(files: dict[str, dict[str, Any]]) -> list[str]:
    """The files (or bucket objects) of the manifest that the storage lacks or holds with
    another SHA-256."""
    storage = _storage()
    problems = []
    for name, entry in sorted(files.items()):
        try:
            with storage.open(name, "rb") as handle:
                sha, _size = sha256_of(handle)
        except (FileNotFoundError, OSError):
            problems.append(f"{name} is missing")
            continue
        except Exception as error:  # a bucket's error
            problems.append(f"{name}: {type(error).__name__}")
            continue
        if sha != entry["sha256"]:
            problems.append(f"{name} differs")
    return problems


def prune(folder: Path, keep_days: int, pattern: str = "portal-*.tar") -> list[Path]:
    """Remove the archives in `folder` older than `keep_days` (the daily service's retention);
    the newest is always kept."""
    archives = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime)
    limit = datetime.now(UTC).timestamp() - keep_days * 86400
    removed = [p for p in archives[:-1] if p.stat().st_mtime < limit]
    for archive in removed:
        archive.unlink()
    return removed
