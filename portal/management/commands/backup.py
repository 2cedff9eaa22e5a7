"""manage.py backup <path>: one consistent archive of the database and the documents' files
(portal.backup). A folder as <path> (an existing one, or one ending in "/") gets
portal-<UTC time>.tar inside it; --keep-days N then removes the archives there older than N
days (the daily compose service, docker-compose.yml)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Write one archive of the database and the uploaded files, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, or a folder to write it in")
        parser.add_argument("--force", action="store_true", help="replace an archive of that name")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="with a folder: remove its archives older than this many days",
        )

    def handle(self, *args, path: str, force: bool, keep_days: int | None, **options):
        target = Path(path)
        folder = None
        if target.is_dir() or path.endswith("/"):
            folder = target
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            target = folder / f"portal-{stamp}.tar"
        elif keep_days is not None:
            raise CommandError("--keep-days needs a folder as the path.")
        if keep_days is not None and keep_days < 1:
            raise CommandError("--keep-days must be 1 or more.")
        if target.exists() and not force:
            raise CommandError(f"{target} exists: refusing to overwrite it without --force.")
        try:
            summary = backup.write_backup(target)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Could not write {target}: {error}") from None
        where = (
            "files in the archive" if summary.storage == "filesystem" else "bucket objects listed"
        )
        self.stdout.write(
            f"Backed up to {target}: the {summary.database} database ({summary.tables} tables, "
            f"{summary.rows} rows) and {summary.files} {where} ({summary.bytes} bytes), "
            "with their SHA-256 in manifest.json."
        )
        if folder is not None and keep_days is not None:
            removed = backup.prune(folder, keep_days)
            self.stdout.write(
                f"Kept the archives of the last {keep_days} days; removed {len(removed)}"
                + (": " + ", ".join(p.name for p in removed) if removed else ".")
            )
