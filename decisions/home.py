"""What decisions shows on the network home (networks.home): the written procedures waiting
for the person's organisation's position. Registered in DecisionsConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from decisions.selectors import awaiting_my_position
from networks.home import Waiting, register_waiting
from networks.roles import Action

if TYPE_CHECKING:
    from networks.access import NetworkAccess

RANK = 30  # after the agendas and minutes to approve (meetings.home.RANKS)


def _waiting(access: NetworkAccess) -> Iterator[Waiting]:
    for procedure in awaiting_my_position(access=access):
        yield Waiting(RANK, "decisions/home_waiting.html", procedure)


def register() -> None:
    register_waiting("positions", action=Action.POSITION_STATE, items=_waiting)
