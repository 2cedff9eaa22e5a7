"""What circulation does when an app below it asks for a mail (its signals): connected in
CirculationConfig.ready()."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver

from circulation.mail import INVITATION_URL_PLACEHOLDER
from circulation.models import Circulation
from circulation.services import Recipient, circulation_create
from networks.signals import invitation_to_mail


@receiver(invitation_to_mail, dispatch_uid="circulation-mails-the-invitation")
def mail_invitation(sender, *, invitation, by, language: str, **kwargs) -> Circulation:
    """The invitation's email as a stored mailing with one delivery, sent after the commit
    (circulation_create). The stored message holds a placeholder where the link goes; the
    delivery task puts in the link it rebuilds from the row (circulation.mail.invitation_url),
    so neither the database nor the queue holds the token."""
    return circulation_create(
        network=invitation.network,
        kind=Circulation.Kind.INVITATION,
        sender=by,
        recipients=[Recipient(address=invitation.email, language=language)],
        template="invitation",
        context={
            "invitation": invitation,
            "invitation_url": INVITATION_URL_PLACEHOLDER,
            "invitation_days": settings.PORTAL_INVITATION_DAYS,
        },
        about=invitation,
    )
