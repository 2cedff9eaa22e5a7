"""Tenant isolation that fails closed.

Every tenant-owned model uses `NetworkScopedManager`. Its queries are filtered to the network
that the current request, task or command has *entered*; with no network entered they raise
`ScopeError` instead of returning every network's rows. Code that really means "all networks"
(the platform's own jobs, data migrations, benchmarks) says so with `scopes_disabled()`.

Why our own and not django-scopes: see docs/adr/0002-tenant-scoping.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from portal import clock

if TYPE_CHECKING:
    from networks.models import Network


class ScopeError(RuntimeError):
    """A tenant-owned table was queried with no network entered."""


class _AllNetworks:
    def __repr__(self) -> str:
        return "<all networks>"


ALL_NETWORKS = _AllNetworks()

_entered: ContextVar[int | frozenset[int] | _AllNetworks | None] = ContextVar(
    "portal_network", default=None
)


def current_network_id() -> int:
    """The id of the entered network; raises when none (or every one) is entered."""
    value = _entered.get()
    if not isinstance(value, int):
        raise ScopeError("No network has been entered.")
    return value


@contextmanager
def network_scope(network: Network | int) -> Iterator[None]:
    """Enter one network for the duration of the block (tasks, commands, tests)."""
    network_id = network if isinstance(network, int) else network.pk
    if network_id is None:
        raise ScopeError("Cannot enter a network that has not been saved.")
    token = _entered.set(network_id)
    try:
        yield
    finally:
        _entered.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Query across every network. Only for platform code that means it."""
    token = _entered.set(ALL_NETWORKS)
    try:
        yield
    finally:
        _entered.reset(token)


@contextmanager
def networks_read_scope(network_ids: frozenset[int]) -> Iterator[None]:
    """Read the rows of these networks (and of no other) for the block: a page that lists
    what several of the person's networks hold at once (the landing page's inbox), one
    query for all of them. Saving is refused inside it, and so is anything that needs one
    entered network (`current_network_id`)."""
    token = _entered.set(frozenset(network_ids))
    try:
        yield
    finally:
        _entered.reset(token)


@contextmanager
def request_scope() -> Iterator[None]:
    """Start a request with nothing entered (no network, and UTC on the clock), and forget
    whatever it entered at the end."""
    token = _entered.set(None)
    try:
        with clock.request_clock():
            yield
    finally:
        _entered.reset(token)


def enter_network_for_request(network: Network, *, reader_zone: str = "") -> None:
    """Enter a network, its rows and its clock, until the end of the current
    `request_scope` (used by views). `reader_zone`: the person's own time zone, shown beside
    the network's on pages (portal.clock)."""
    _entered.set(network.pk)
    clock.enter_for_request(network, reader_zone=reader_zone)


@contextmanager
def network_entered(network: Network | int) -> Iterator[None]:
    """Enter a network's rows and its clock for the block: how a task or a command works in
    one network, so that what it writes, mails and renders reads in the network's time."""
    if isinstance(network, int):
        # networks.models imports this module: the model is found when a task runs.
        from networks import models as network_models

        network = network_models.Network.objects.get(pk=network)
    with network_scope(network), clock.network_time(network):
        yield


_M = TypeVar("_M", bound=models.Model, covariant=True)


class NetworkScopedQuerySet(models.QuerySet[_M]):
    pass


# A module-level name, so that django-stubs' mypy plugin can follow from_queryset().
_NetworkScopedBaseManager = models.Manager.from_queryset(NetworkScopedQuerySet)


class NetworkScopedManager(_NetworkScopedBaseManager[_M]):
    """Filters every query to the entered network; raises when none is entered."""

    def get_queryset(self) -> models.QuerySet[_M]:
        value = _entered.get()
        queryset = super().get_queryset()
        if value is ALL_NETWORKS:
            return queryset
        if value is None:
            raise ScopeError(
                f"{self.model.__name__} is owned by a network: enter one with network_scope() "
                "before querying it."
            )
        if isinstance(value, frozenset):
            return queryset.filter(network_id__in=value)
        return queryset.filter(network_id=value)

    def none(self) -> models.QuerySet[_M]:
        # An empty queryset cannot leak: tools that only need the model (schema generation,
        # filter introspection) may have one without entering a network.
        # The stubs do not declare the manager's _queryset_class (set by from_queryset()).
        queryset_class = self._queryset_class  # type: ignore[attr-defined]
        return queryset_class(model=self.model, using=self._db).none()


class NetworkOwned(models.Model):
    """Base for every tenant-owned row: it carries its network, and saves only inside it."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")

    objects = NetworkScopedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        value = _entered.get()
        if value is None or isinstance(value, frozenset):
            raise ScopeError(f"Saving {type(self).__name__} needs an entered network.")
        if value is not ALL_NETWORKS and self.network_id != value:
            raise ScopeError(
                f"Saving {type(self).__name__} of network {self.network_id} while network "
                f"{value} is entered."
            )
        super().save(*args, **kwargs)
