from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from decisions.selectors import public_statements
        from documents import public

        # The network's public page shows its public joint statements.
        public.register("statements", public_statements)
