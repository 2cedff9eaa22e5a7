"""Template helpers of the portal's pages."""

from __future__ import annotations

from django import template

from networks.roles import Action

register = template.Library()


@register.filter
def can(network_access, action: str) -> bool:
    """`{% if network_access|can:"members.manage" %}`: the permission table, asked from a
    template. An action name that is not in the table fails loudly instead of hiding a link
    forever."""
    wanted = Action(action)
    if network_access is None or network_access == "":
        return False
    return network_access.can(wanted)


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: a dict's value for a key a template computes."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)
