"""Template helpers of the portal's pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
def shows_person(network_access, person) -> bool:
    """`{% if network_access|shows_person:participant.user %}`: whether the page may name this
    person (name, email address). Only the roles the permission table lets see people
    (Action.PEOPLE_CONTACT_VIEW); the others (external partners, regional viewers) read the
    organisation instead. One's own name is never hidden from oneself."""
    if network_access is None or network_access == "":
        return False
    if network_access.can(Action.PEOPLE_CONTACT_VIEW):
        return True
    return person is not None and getattr(person, "pk", None) == network_access.user_id


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: a dict's value for a key a template computes."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)


# One colour per meaning, the same on every page; the badge always says its state in words,
# so colour is never the only sign (static/css/portal.css, .badge.<meaning>).
DRAFT, WAITING, DONE, SENT, REFUSED, NEUTRAL = (
    "draft",
    "waiting",
    "done",
    "sent",
    "refused",
    "neutral",
)
MEANINGS: dict[str, dict[str, str]] = {
    "agenda": {
        "draft": DRAFT,
        "submitted": WAITING,
        "approved": DONE,
        "circulated": SENT,
    },
    "minutes": {"draft": DRAFT, "submitted": WAITING, "approved": DONE},
    "statement": {
        "draft": DRAFT,
        "submitted": WAITING,
        "cleared": DONE,
        "silence": WAITING,
        "agreed": DONE,
        "not_agreed": REFUSED,
        "withdrawn": REFUSED,
        "issued": SENT,
    },
    "decision": {
        "draft": DRAFT,
        "consultation": WAITING,
        "adopted": DONE,
        "not_adopted": REFUSED,
        "withdrawn": REFUSED,
        "superseded": NEUTRAL,
    },
    "report": {"draft": DRAFT, "submitted": DONE},
    "workplan": {"draft": DRAFT, "endorsed": DONE, "active": SENT, "closed": NEUTRAL},
    "action": {"open": WAITING, "in_progress": WAITING, "done": DONE, "dropped": NEUTRAL},
    "activity": {
        "not_started": DRAFT,
        "on_track": DONE,
        "delayed": REFUSED,
        "completed": SENT,
        "cancelled": NEUTRAL,
    },
}


@register.filter
def badge(state: str, kind: str) -> str:
    """`<span class="badge {{ minutes.status|badge:'minutes' }}">`: the meaning class of a
    record's state. An unknown kind or state fails loudly, so no badge goes grey unseen."""
    return MEANINGS[kind][str(state)]


class ScrollableNode(template.Node):
    def __init__(self, label: template.base.FilterExpression, nodelist: template.NodeList):
        self.label = label
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return format_html(
            '<div class="table-scroll" tabindex="0" role="region" aria-label="{}">{}</div>',
            self.label.resolve(context),
            mark_safe(self.nodelist.render(context)),  # noqa: S308 (rendered, so escaped)
        )


@register.tag
def scrollable(parser: template.base.Parser, token: template.base.Token) -> ScrollableNode:
    """`{% scrollable _("Meetings") %}<table>…</table>{% endscrollable %}`: a wide table
    scrolls sideways inside its own region on a phone, never the page; the region takes the
    keyboard's focus (so arrow keys scroll it) and is named for screen readers."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% scrollable %} takes one argument: the label.")
    nodelist = parser.parse(("endscrollable",))
    parser.delete_first_token()
    return ScrollableNode(parser.compile_filter(bits[1]), nodelist)
