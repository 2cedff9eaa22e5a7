"""People's names and email addresses in the API only for the roles the permission table
lets see them (Action.PEOPLE_CONTACT_VIEW, networks.roles); the others get organisations,
and a null where a person would be. One's own row is never hidden from oneself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from networks.roles import Action

if TYPE_CHECKING:
    from networks.access import NetworkAccess


def access_of(context: Mapping[str, Any]) -> NetworkAccess | None:
    """The caller's NetworkAccess, from the serializer's context (its view or `access`)."""
    access: NetworkAccess | None = context.get("access")
    if access is None:
        access = getattr(context.get("view"), "network_access", None)
    return access


def may_see_people(context: Mapping[str, Any]) -> bool:
    access = access_of(context)
    return access is not None and access.can(Action.PEOPLE_CONTACT_VIEW)


def hide_people(
    data: dict, context: Mapping[str, Any], fields: Iterable[str], *, own: bool = False
) -> dict:
    """`data` with `fields` set to None unless the caller may see people (or it is `own`)."""
    if own or may_see_people(context):
        return data
    for name in fields:
        if name in data:
            data[name] = None
    return data
