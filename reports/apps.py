from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Quarterly reports")

    def ready(self) -> None:
        from reports import home

        home.register()  # what the network home shows of reports (networks.home)
