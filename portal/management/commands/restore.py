"""manage.py restore <path>: the archive of `manage.py backup` back into an empty database and
media store (portal.backup). The archive is checked whole first (every SHA-256 of its
manifest); a database that holds data or files already there are replaced only with --force."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media store."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a database that is not empty and files already stored",
        )

    def handle(self, *args, path: str, force: bool, **options):
        try:
            done = backup.restore(Path(path), force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Could not restore from {path}: {error}") from None
        manifest = done.manifest
        self.stdout.write(
            f"Restored {path} (portal {manifest.get('portal_version')}, written "
            f"{manifest.get('created_at')}): the {done.database} database, {done.tables} tables "
            f"and {done.rows} rows, every row count equal to the manifest's."
        )
        if manifest["storage"] == "filesystem":
            self.stdout.write(
                f"{done.files} files ({done.bytes} bytes) written to the storage, each with its "
                "manifest's SHA-256."
            )
        else:
            self.stdout.write(
                f"The bucket holds every one of the manifest's {done.checked_objects} objects "
                "with its SHA-256."
            )
