"""manage.py sweep_document_files — an operator removes the stored files that no document
version references (what uploads whose transaction rolled back left behind). Beat runs the
same sweep daily (documents.tasks.sweep_orphan_files)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.services import orphan_files_remove


class Command(BaseCommand):
    help = (
        "Remove files under the documents' folder of the storage (MEDIA_ROOT or the bucket) "
        "that no document version references and that are older than the grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=settings.DOCUMENTS_ORPHAN_GRACE_HOURS,
            help="keep files younger than this: their upload may still be under way "
            f"(default {settings.DOCUMENTS_ORPHAN_GRACE_HOURS}, at least 1)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed; remove nothing"
        )

    def handle(self, *args, grace_hours: int, dry_run: bool, **options):
        if grace_hours < 1:
            raise CommandError(
                "--grace-hours must be at least 1: younger files may belong to "
                "an upload that has not committed yet."
            )
        removed = orphan_files_remove(older_than=timedelta(hours=grace_hours), dry_run=dry_run)
        for name in removed:
            self.stdout.write(name)
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{len(removed)} unreferenced file(s) {verb}.")
