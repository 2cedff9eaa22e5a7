from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo loader (`manage.py load_demo`) and the volume generator (`generate_scale`).
    The top layer: it fills every bounded context, and no app imports it (docs/apps.md)."""

    name = "demo"
    verbose_name = _("Demo")
