"""Resolving "this person, in this network": the roles they hold there right now.

A network the person has no role in is indistinguishable from one that does not exist:
both raise the same Http404. Pages and API views come through `network_access_or_404`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from networks.models import Membership, Network, Organisation, Region, RegionalViewer
from networks.roles import Action, Role, allowed_actions, can, may_manage_role
from networks.scoping import enter_network_for_request, network_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass(frozen=True)
class NetworkAccess:
    network: Network
    user_id: int
    roles: frozenset[Role]
    organisation: Organisation | None
    actions: frozenset[Action] = field(default=frozenset())
    # Every organisation the person acts for here (one per membership; usually one).
    organisation_ids: frozenset[int] = field(default=frozenset())

    def can(self, action: Action) -> bool:
        return can(self.roles, action)

    def can_any(self, actions: Action | tuple[Action, ...]) -> bool:
        """`can` for a view that declares several actions, any one of which lets one in."""
        wanted = (actions,) if isinstance(actions, Action) else actions
        return any(can(self.roles, action) for action in wanted)

    def may_manage_role(self, role: Role | str) -> bool:
        """May grant `role` (invite someone into it) and end it here (networks.roles)."""
        return may_manage_role(self.roles, role)


def actor_of(by: User, network: Network) -> NetworkAccess:
    """The person's roles in `network` now, as a service asks them before a step (the shared
    workflow reads its `actions`); someone with no role there is refused like someone
    without the step's action."""
    from workflow import Refusal

    access = access_for(by, network)
    if access is None:
        raise Refusal(_("You may not take this step."), code=Refusal.NOT_ALLOWED)
    return access


NOT_FOUND_MESSAGE = "Not found."


def not_found() -> Http404:
    """The one 404 for 'no such network', 'not yours' and 'no such thing in it'."""
    return Http404(_(NOT_FOUND_MESSAGE))


def access_for(user: User | AnonymousUser, network: Network) -> NetworkAccess | None:
    """The person's roles in `network` right now, or None when they hold none."""
    if not user.is_authenticated or not user.is_active:
        return None
    with network_scope(network):
        memberships = list(
            Membership.objects.active().filter(user=user).select_related("organisation")
        )
    roles = {Role(m.role) for m in memberships}
    if (
        network.region_id
        and RegionalViewer.objects.active().filter(user=user, region_id=network.region_id).exists()
    ):
        roles.add(Role.REGIONAL_VIEWER)
    if not roles:
        return None
    organisation = memberships[0].organisation if memberships else None
    return NetworkAccess(
        network=network,
        user_id=user.pk,
        roles=frozenset(roles),
        organisation=organisation,
        actions=allowed_actions(roles),
        organisation_ids=frozenset(m.organisation_id for m in memberships),
    )


def network_access_or_404(
    user: User | AnonymousUser, slug: str, request: HttpRequest | None = None
) -> NetworkAccess:
    """Find the network by slug, check the person holds a role in it, and enter it — its
    rows and its clock, with the person's own zone beside — for the rest of the request.
    Raises the same Http404 whether or not the network exists.

    With the request, the access comes from the person's networks computed once for it
    (my_networks: two queries, which the header's network switcher reuses), instead of three
    queries of its own."""
    access: NetworkAccess | None
    if request is not None and request.user is user:
        found = (
            next((mine for mine in my_networks(request) if mine.network.slug == slug), None)
            if user.is_authenticated and user.is_active
            else None
        )
        access = found.access if found else None
    else:
        network = Network.objects.filter(slug=slug).select_related("region").first()
        access = access_for(user, network) if network else None
    if access is None:
        raise not_found()
    enter_network_for_request(access.network, reader_zone=getattr(user, "time_zone", ""))
    return access


def region_or_404(user: User | AnonymousUser, slug: str) -> Region:
    """The region `slug` when the person views it now; otherwise the same Http404 whether
    or not the region exists (the regional pages' one way in)."""
    viewing = RegionalViewer.objects.active().filter(user=user, region__slug=slug)
    region = Region.objects.filter(viewers__in=viewing).distinct().first()
    if region is None or not user.is_active:
        raise not_found()
    return region


@dataclass(frozen=True)
class MyNetwork:
    network: Network
    roles: frozenset[Role]
    # The person's access there, as `access_for` would give it (the landing page's inbox
    # asks every network's sources with it, without a query per network).
    access: NetworkAccess | None = None

    @property
    def sorted_roles(self) -> list[str]:
        return sorted(str(role.value) for role in self.roles)

    @property
    def role_labels(self) -> list[str]:
        return sorted(str(Role(role).label) for role in self.roles)


def networks_of(user: User | AnonymousUser) -> list[MyNetwork]:
    """Every network the person holds a role in (including through a region), with those
    roles and the access they give, in two queries whatever the number of networks."""
    if not user.is_authenticated:
        return []
    from networks.scoping import scopes_disabled

    by_network: dict[int, tuple[Network, set[Role], list[Membership]]] = {}
    with scopes_disabled():
        rows = (
            Membership.objects.active()
            .filter(user=user)
            .select_related("network__region", "organisation")
        )
        for membership in rows:
            entry = by_network.setdefault(membership.network_id, (membership.network, set(), []))
            entry[1].add(Role(membership.role))
            entry[2].append(membership)
    regional = (
        Network.objects.filter(
            region__viewers__in=RegionalViewer.objects.active().filter(user=user)
        )
        .select_related("region")
        .distinct()
    )
    for network in regional:
        entry = by_network.setdefault(network.pk, (network, set(), []))
        entry[1].add(Role.REGIONAL_VIEWER)
    found = []
    for network, roles, memberships in by_network.values():
        access = NetworkAccess(
            network=network,
            user_id=user.pk,
            roles=frozenset(roles),
            organisation=memberships[0].organisation if memberships else None,
            actions=allowed_actions(roles),
            organisation_ids=frozenset(m.organisation_id for m in memberships),
        )
        found.append(MyNetwork(network, frozenset(roles), access))
    return sorted(found, key=lambda item: item.network.name)


def my_networks(request: HttpRequest) -> list[MyNetwork]:
    """networks_of() for the signed-in person, computed once per request."""
    cached: list[MyNetwork] | None = getattr(request, "_my_networks", None)
    if cached is None:
        cached = networks_of(request.user)
        # The request's own cache: HttpRequest declares no such attribute, hence setattr.
        setattr(request, "_my_networks", cached)  # noqa: B010
    return cached
