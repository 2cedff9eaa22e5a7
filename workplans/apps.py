from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Workplans")

    def ready(self) -> None:
        from workplans import home

        home.register()  # what the network home shows of workplans (networks.home)
