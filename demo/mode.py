"""The guard shared by the commands that fill a database with invented data."""

from django.conf import settings
from django.core.management.base import CommandError


def require_demo_mode(command: str) -> None:
    """Refuse unless the portal runs in demo mode (PORTAL_DEMO=1) or with DEBUG on, so invented
    people and well-known demo passwords never reach a production database."""
    if not (settings.DEBUG or settings.PORTAL_DEMO):
        raise CommandError(
            f"{command} only runs in demo mode: set PORTAL_DEMO=1 (or DEBUG=1) for a demo or "
            "development database. Nothing was changed."
        )
