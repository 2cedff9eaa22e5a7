from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirculationConfig(AppConfig):
    name = "circulation"
    verbose_name = _("Circulation")

    def ready(self) -> None:
        from circulation import receivers  # noqa: F401  (mails what networks asks for)
