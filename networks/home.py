"""The network home's dashboard panels and the personal inbox ("Waiting for you"), filled by
the apps above.

networks imports none of them (the layering in docs/architecture.md): each app registers in
its AppConfig.ready()
- panels: a section of the home from its own template, for the roles its action allows;
- inbox sources: the steps waiting for the person — what the app's workflow table lets them
  take now (`workflow.Workflow.allows`, with what its guards check done in the source's own
  batched query) and the app's other due items (answers, updates, action points). A source
  is given the person's access in *every* network it is asked about (one on a network's
  home, all the person's networks on the landing page) and answers for all of them in a
  fixed number of queries, so that the home and the landing page cost the same whatever the
  number of networks, records or items. Each item names its network, a title, a link the
  person may open (never a page that would answer 404 or 403), and its deadline.

The inbox is ordered the way a person works through it: overdue first (the longest overdue
first), then by the nearest deadline, then the items without a deadline, newest first.
It is computed once per request (`request_inbox`) where a page lists it — the network's home
and the landing page — and the count in the navigation shares it. Every other page of the
network shows the count the person's last look at the list left (`remembered_count`, in the
cache for COUNT_SECONDS, no query at all), forgotten at once when a step of the workflow is
taken in the network (`forget_counts`, on `workflow.signals.step_taken`): a page that is not
the inbox stays within its own query budget, and a count is either fresh or not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks.roles import Action
from portal import clock

if TYPE_CHECKING:
    from django.http import HttpRequest

    from networks.access import NetworkAccess
    from networks.models import Network

# How a deadline reads beside its item.
DUE, CLOSES, STARTS = "due", "closes", "starts"


@dataclass(frozen=True)
class InboxItem:
    """One step or due item waiting for the person in `network`.

    `title` is what to do, in the person's language, naming the record; `url` a page the
    person may open; `deadline` by when (None: none), read as `verb` ("due", "closes",
    "starts"); `since` when it began to wait (orders the items without a deadline, newest
    first); `count` how many records one grouped item stands for."""

    network: Network
    kind: str
    title: str
    url: str
    deadline: datetime | None = None
    verb: str = DUE
    since: datetime | None = None
    count: int = 1

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.deadline is not None and self.deadline < (now or timezone.now())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def deadline_shown(self) -> str:
        """The deadline in the network's time with its label, whichever page lists it."""
        return clock.when_in(self.deadline, self.network, "short")

    @property
    def deadline_iso(self) -> str:
        if self.deadline is None:
            return ""
        return clock.network_local(self.deadline, self.network).isoformat()

    @property
    def relative(self) -> str:
        """ "Closes tomorrow", "Due in 3 days", "Overdue by 2 days" — counted in the
        network's days."""
        if self.deadline is None:
            return ""
        days = clock.days_until(self.deadline, self.network)
        if self.is_overdue():
            late = -days
            if late <= 0:
                return _("Overdue since today")
            return ngettext("Overdue by %(count)d day", "Overdue by %(count)d days", late) % {
                "count": late
            }
        if days == 0:
            return {CLOSES: _("Closes today"), STARTS: _("Starts today")}.get(
                self.verb, _("Due today")
            )
        if days == 1:
            return {CLOSES: _("Closes tomorrow"), STARTS: _("Starts tomorrow")}.get(
                self.verb, _("Due tomorrow")
            )
        if self.verb == CLOSES:
            return ngettext("Closes in %(count)d day", "Closes in %(count)d days", days) % {
                "count": days
            }
        if self.verb == STARTS:
            return ngettext("Starts in %(count)d day", "Starts in %(count)d days", days) % {
                "count": days
            }
        return ngettext("Due in %(count)d day", "Due in %(count)d days", days) % {"count": days}


@dataclass(frozen=True)
class Panel:
    name: str
    action: Action
    template: str
    data: Callable[[NetworkAccess], Mapping[str, Any]]
    order: int


@dataclass(frozen=True)
class InboxSource:
    name: str
    action: Action
    items: Callable[[Sequence[NetworkAccess]], Iterable[InboxItem]]


@dataclass(frozen=True)
class ShownPanel:
    """A panel as the home draws it: `{% include panel.template with data=panel.data %}`."""

    name: str
    template: str
    data: Mapping[str, Any]


_panels: dict[str, Panel] = {}
_sources: dict[str, InboxSource] = {}


def register_panel(
    name: str,
    *,
    action: Action,
    template: str,
    data: Callable[[NetworkAccess], Mapping[str, Any]],
    order: int = 100,
) -> None:
    """A section of the home for people whose roles allow `action`: `template`, given what
    `data(access)` returns as `data` (in a fixed number of queries). Panels show by `order`,
    then in the order they were registered; registering a name again replaces it."""
    _panels[name] = Panel(name, action, template, data, order)


def register_inbox(
    name: str,
    *,
    action: Action,
    items: Callable[[Sequence[NetworkAccess]], Iterable[InboxItem]],
) -> None:
    """A source of inbox items. `items(accesses)` is given the person's access in each
    network whose roles allow `action` (never called with none) and answers for all of them
    in a fixed number of queries, each item naming its network."""
    _sources[name] = InboxSource(name, action, items)


def panels_for(access: NetworkAccess) -> list[ShownPanel]:
    shown = sorted(
        (panel for panel in _panels.values() if access.can(panel.action)),
        key=lambda panel: panel.order,
    )
    return [ShownPanel(panel.name, panel.template, panel.data(access)) for panel in shown]


def ordered(items: Iterable[InboxItem], now: datetime | None = None) -> list[InboxItem]:
    """Overdue first (the longest overdue first), then the nearest deadline, then the items
    without one, newest first."""
    now = now or timezone.now()

    def key(item: InboxItem) -> tuple[int, float]:
        if item.deadline is not None:
            return (0 if item.deadline < now else 1, item.deadline.timestamp())
        return (2, -(item.since.timestamp() if item.since else 0.0))

    return sorted(items, key=key)


def inbox_for(accesses: Sequence[NetworkAccess]) -> list[InboxItem]:
    """Every item waiting for the person in these networks (each access one network the
    rows of which are entered or readable), ordered."""
    found: list[InboxItem] = []
    for source in _sources.values():
        allowed = [access for access in accesses if access.can(source.action)]
        if allowed:
            found.extend(source.items(allowed))
    return ordered(found)


def inbox_across(accesses: Sequence[NetworkAccess]) -> list[InboxItem]:
    """`inbox_for` over several networks at once, reading their rows and no other's."""
    from networks.scoping import networks_read_scope

    if not accesses:
        return []
    with networks_read_scope(frozenset(access.network.pk for access in accesses)):
        return inbox_for(accesses)


def request_inbox(request: HttpRequest) -> list[InboxItem]:
    """The inbox of this request, computed once: in the network the page entered, or
    across the person's networks on pages outside any network (the landing page)."""
    cached: list[InboxItem] | None = getattr(request, "_inbox", None)
    if cached is None:
        access = getattr(request, "network_access", None)
        accesses: list[NetworkAccess]
        if access is not None:
            accesses = [access]
            cached = inbox_for(accesses)
        else:
            from networks.access import my_networks

            accesses = [item.access for item in my_networks(request) if item.access is not None]
            cached = inbox_across(accesses)
        counts = {a.network.pk: 0 for a in accesses}
        for item in cached:
            counts[item.network.pk] = counts.get(item.network.pk, 0) + 1
        if accesses:
            remember_counts(accesses[0].user_id, counts)
        # The request's own cache, as networks.access.my_networks keeps its own.
        setattr(request, "_inbox", cached)  # noqa: B010
    return cached


# The count beside "Home" on the network's other pages -------------------------------------

COUNT_SECONDS = 300


def _count_key(user_id: int, network_id: int) -> str:
    return f"inbox-count:{network_id}:{user_id}"


def _generation_key(network_id: int) -> str:
    return f"inbox-generation:{network_id}"


def remember_counts(user_id: int, counts: Mapping[int, int]) -> None:
    """Keep how many items wait for the person in each network ({network id: count}), under
    the network's current generation."""
    generations = cache.get_many([_generation_key(pk) for pk in counts])
    cache.set_many(
        {
            _count_key(user_id, pk): (generations.get(_generation_key(pk), 0), count)
            for pk, count in counts.items()
        },
        COUNT_SECONDS,
    )


def remembered_count(access: NetworkAccess) -> int | None:
    """The count kept for the person in this network, or None when there is none or a step
    has been taken there since (one cache read, no query)."""
    count_key, generation_key = (
        _count_key(access.user_id, access.network.pk),
        _generation_key(access.network.pk),
    )
    found = cache.get_many([count_key, generation_key])
    kept = found.get(count_key)
    if kept is None or kept[0] != found.get(generation_key, 0):
        return None
    return int(kept[1])


def forget_counts(network_id: int) -> None:
    """Every count kept in the network is stale: a step changed what waits there."""
    cache.set(_generation_key(network_id), timezone.now().timestamp(), None)


def inbox_count(request: HttpRequest) -> int | None:
    """The count in the navigation of a network's page: the list's own length when the page
    computed it, else the remembered count."""
    listed: list[InboxItem] | None = getattr(request, "_inbox", None)
    if listed is not None:
        return len(listed)
    access = getattr(request, "network_access", None)
    return remembered_count(access) if access is not None else None
