from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from meetings import home, receivers
        from networks.models import Invitation
        from networks.signals import invitation_accepted

        home.register()  # what the network home shows of meetings (networks.home)
        receivers.connect()  # a meeting's pack is rebuilt when what it shows changes
        invitation_accepted.connect(
            receivers.invitation_accepted, sender=Invitation, dispatch_uid="meetings.colleague"
        )
