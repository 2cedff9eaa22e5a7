"""What meetings shows on the network home (networks.home): the cadence panel, and the
agendas, minutes and invitations waiting for the person. Registered in MeetingsConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meetings import selectors
from networks.home import Waiting, register_panel, register_waiting
from networks.roles import Action

if TYPE_CHECKING:
    from networks.access import NetworkAccess

# Where each kind stands in "Waiting for you", among the other apps' (decisions' positions
# come between the minutes to approve and those to comment on).
RANKS = {"approve": 10, "minutes": 20, "comment": 40, "answer": 50}


def _panel(access: NetworkAccess) -> dict:
    return {"cadence": selectors.cadence(network=access.network, access=access)}


def _waiting(access: NetworkAccess) -> Iterator[Waiting]:
    for kind, meetings in selectors.waiting_for(access=access).items():
        for meeting in meetings:
            yield Waiting(RANKS[kind], "meetings/home_waiting.html", meeting, kind)


def register() -> None:
    register_panel(
        "meetings", action=Action.MEETINGS_VIEW, template="meetings/home_panel.html", data=_panel
    )
    register_waiting("meetings", action=Action.MEETINGS_VIEW, items=_waiting)
