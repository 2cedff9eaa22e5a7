"""manage.py load_demo — the four demo networks, their organisations, people and logins."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from demo.loader import demo_load, demo_password
from demo.mode import require_demo_mode


class Command(BaseCommand):
    help = (
        "Load the demo networks (Kyrgyzstan, Belarus, Mongolia, Kosovo) with their member "
        "organisations, people and logins, and years of history (meetings, minutes, "
        "decisions, procedures, workplan, reports, documents, mail). Idempotent; only in "
        "demo mode (PORTAL_DEMO=1 or DEBUG). Every login's password is DEMO_PASSWORD, or demo-portal-2026 when unset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Only the networks, organisations, people and logins, without their "
            "meetings, decisions, workplans, reports, documents and mail (quicker; a later "
            "run without this option adds the history).",
        )

    def handle(self, *args, **options):
        require_demo_mode("load_demo")
        password = demo_password()
        try:
            result = demo_load(password=password, history_too=not options["without_history"])
        except ValidationError as exc:
            # e.g. a network created by hand under a demo slug, with its own national authority
            raise CommandError(
                f"The demo could not be loaded: {' '.join(exc.messages)} Nothing was changed."
            ) from exc
        if options["verbosity"] < 1:
            return
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Demo loaded ({result.created} rows created)."))
        else:
            self.stdout.write("Demo already loaded: nothing changed.")
        self.stdout.write("")
        shown = "the value of DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else password
        self.stdout.write(f"Demo logins (password: {shown}):")
        width = max(len(login.email) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.full_name} — {login.what}")
