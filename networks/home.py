"""The network home's panels and its "Waiting for you" list, filled by the apps above.

networks imports none of them (the layering in docs/architecture.md): each app registers what
it shows on the home in its AppConfig.ready() — a panel (its own section, from its own
template) or a source of things waiting for the person (each item drawn by its own template,
the list ordered by the items' rank). The home asks only the panels and sources whose action
the person's roles allow; each answers in a fixed number of queries, so the home does too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from networks.roles import Action

if TYPE_CHECKING:
    from networks.access import NetworkAccess


@dataclass(frozen=True)
class Waiting:
    """One thing waiting for the person: `template` draws it (an `<li>`) from `item` (and
    `kind`, when one template draws several kinds); the list shows the lowest `rank` first,
    and keeps each source's order within a rank."""

    rank: int
    template: str
    item: Any
    kind: str = ""


@dataclass(frozen=True)
class Panel:
    name: str
    action: Action
    template: str
    data: Callable[[NetworkAccess], Mapping[str, Any]]


@dataclass(frozen=True)
class WaitingSource:
    name: str
    action: Action
    items: Callable[[NetworkAccess], Iterable[Waiting]]


@dataclass(frozen=True)
class ShownPanel:
    """A panel as the home draws it: `{% include panel.template with data=panel.data %}`."""

    name: str
    template: str
    data: Mapping[str, Any]


_panels: dict[str, Panel] = {}
_waiting: dict[str, WaitingSource] = {}


def register_panel(
    name: str,
    *,
    action: Action,
    template: str,
    data: Callable[[NetworkAccess], Mapping[str, Any]],
) -> None:
    """A section of the home for people whose roles allow `action`: `template`, given what
    `data(access)` returns as `data`. Panels show in the order they were registered (that of
    INSTALLED_APPS); registering a name again replaces it."""
    _panels[name] = Panel(name, action, template, data)


def register_waiting(
    name: str, *, action: Action, items: Callable[[NetworkAccess], Iterable[Waiting]]
) -> None:
    """A source of "Waiting for you" items for people whose roles allow `action`."""
    _waiting[name] = WaitingSource(name, action, items)


def panels_for(access: NetworkAccess) -> list[ShownPanel]:
    return [
        ShownPanel(panel.name, panel.template, panel.data(access))
        for panel in _panels.values()
        if access.can(panel.action)
    ]


def waiting_for(access: NetworkAccess) -> list[Waiting]:
    found = [
        item
        for source in _waiting.values()
        if access.can(source.action)
        for item in source.items(access)
    ]
    return sorted(found, key=lambda waiting: waiting.rank)
