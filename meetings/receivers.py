"""What meetings does when something happens below it: connected in MeetingsConfig.ready()
to the domain signals of networks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from meetings.services import colleague_joined

if TYPE_CHECKING:
    from accounts.models import User
    from networks.models import Invitation


def invitation_accepted(sender: Any, *, invitation: Invitation, user: User, **kwargs: Any) -> None:
    """A colleague invited to attend a meeting in someone's place accepted: they are the one
    sent — inside the acceptance's transaction."""
    colleague_joined(invitation=invitation, user=user)
