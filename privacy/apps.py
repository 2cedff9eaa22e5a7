from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data across every bounded context: export, erasure, retention (the top
    layer, docs/apps.md)."""

    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from accounts import privacy as lower
        from privacy import services

        # The operators' admin action (accounts/admin.py) erases through the one service.
        lower.register_eraser(services.person_erase)
