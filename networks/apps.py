from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from django.db import transaction

        from networks import home
        from workflow.signals import step_taken

        def forget_counts(sender, record, **kwargs) -> None:
            # A step changes what waits for people in the record's network: the counts kept
            # for its pages are stale now, and again once the step is committed (a page
            # counting in between would keep the old state).
            network_id = getattr(record, "network_id", None)
            if network_id is not None:
                home.forget_counts(network_id)
                transaction.on_commit(lambda: home.forget_counts(network_id))

        step_taken.connect(forget_counts, weak=False, dispatch_uid="networks.home.forget_counts")
