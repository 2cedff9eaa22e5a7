from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from decisions import home, receivers
        from decisions.selectors import public_statements
        from documents import public
        from meetings import signals

        # Approved minutes bring their decisions and action points into the register.
        signals.minutes_approved.connect(
            receivers.minutes_approved, dispatch_uid="decisions.minutes_approved"
        )
        # The network's public page shows its public joint statements.
        public.register("statements", public_statements)
        home.register()  # what the network home shows of decisions (networks.home)
