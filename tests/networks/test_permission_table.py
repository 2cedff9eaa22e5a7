"""The permission table, generated: for every route the isolation walker knows and every role,
the status a person gets is exactly what networks.roles implies — 403 without the route's
action, 404 for a row the row-level actions hide from them, 405 for a method the route does
not answer, 200 otherwise. Nothing here repeats the table; a change to roles.py or to a view's
`required_action` changes what this test expects."""

from __future__ import annotations

import pytest
from django.urls import resolve

from networks.models import RegionalViewer
from networks.roles import Action, Role, can
from tests.factories import person
from tests.test_isolation import ROUTES, Route, urls_for

# The walker's objects in the victim network (tests/test_isolation.py) and the action that
# shows each to someone it is not addressed to: the meeting invites the default participants
# only, the working group has no members, the document is internal, the statement waits for
# clearance. A route naming the object is hidden (404) from a role without that action.
HIDDEN_WITHOUT: dict[str, Action] = {
    "meeting_id": Action.MEETINGS_VIEW_ALL,
    "working_group_id": Action.WORKING_GROUPS_VIEW_ALL,
    "document_id": Action.DOCUMENTS_OPEN_INTERNAL,
    "statement_id": Action.STATEMENTS_DRAFT_VIEW,
}
# Routes hidden by a row-level action of their own: the walker's meeting has a draft agenda,
# whose PDF only `agendas.draft_view` reads (the meeting page says it is being prepared).
ROUTE_HIDDEN_WITHOUT: dict[str, Action] = {"meetings:agenda-pdf": Action.AGENDA_DRAFT_VIEW}
# Routes whose object is a `pk` of one of those kinds.
PK_KIND = {
    "networks:working-group-detail": "working_group_id",
    "api:working-group-detail": "working_group_id",
    "api:meeting-detail": "meeting_id",
}
# Routes the walker fills with another object of that kind, one everyone may read (the
# statement PDF's statement is cleared).
SHOWN = {"decisions:statement-pdf": {"statement_id"}}
# A delivery is its recipient's (the walker mails the document to the member) and the
# secretariat's, who sees every mailing.
RECIPIENT_ONLY = {"delivery_id": ("member", Action.CIRCULATIONS_VIEW)}

PEOPLE = {
    "secretariat": Role.SECRETARIAT,
    "co_chair": Role.CO_CHAIR,
    "member": Role.MEMBER,
    "partner": Role.EXTERNAL_PARTNER,
    "rco": Role.RCO_REPORTER,
    "viewer": Role.REGIONAL_VIEWER,
}


def view_class(url: str):
    func = resolve(url).func
    return getattr(func, "view_class", None) or func.cls


def action_for(view, method: str) -> tuple[Action, ...]:
    per_method = getattr(view, "required_actions", None) or {}
    action = per_method.get(method, view.required_action)
    assert action is not None, f"{view.__name__} declares no action for {method}"
    return (action,) if isinstance(action, Action) else tuple(action)


def objects_of(route: Route) -> list[str]:
    kinds = [name for name in route.kwargs if name in HIDDEN_WITHOUT or name in RECIPIENT_ONLY]
    if route.name in PK_KIND:
        kinds.append(PK_KIND[route.name])
    return [kind for kind in kinds if kind not in SHOWN.get(route.name, set())]


def expected(route: Route, view, key: str, method: str) -> int:
    role = PEOPLE[key]
    if not any(can({role}, action) for action in action_for(view, method)):
        return 403
    if not hasattr(view, method.lower()):
        return 405
    for kind in objects_of(route):
        if kind in RECIPIENT_ONLY:
            recipient, or_action = RECIPIENT_ONLY[kind]
            if key != recipient and not can({role}, or_action):
                return 404
        if kind in HIDDEN_WITHOUT and not can({role}, HIDDEN_WITHOUT[kind]):
            return 404
    if route.name in ROUTE_HIDDEN_WITHOUT and not can({role}, ROUTE_HIDDEN_WITHOUT[route.name]):
        return 404
    return 200 if method == "GET" else -1  # a permitted write is not tried here


@pytest.fixture
def people(victim, eca):
    """The victim's people, and a regional viewer of its region (for this test only)."""
    network = victim.network
    network.region = eca
    network.save(update_fields=["region"])
    viewer = person("viewer@eca.test")
    RegionalViewer.objects.create(user=viewer, region=eca)
    return {**victim.people, "viewer": viewer}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.route)
def test_every_role_gets_the_status_the_table_implies(route, victim, people, client):
    real, _missing = urls_for(route, victim)
    view = view_class(real)
    wrong = {}
    for key in PEOPLE:
        client.force_login(people[key])
        for method in ("GET", "POST"):
            want = expected(route, view, key, method)
            if want == -1:
                continue
            got = client.generic(method, real).status_code
            if got != want:
                wrong[f"{key} {method}"] = (got, want)
        client.logout()
    assert not wrong, f"{real}: (got, expected) {wrong}"


def test_the_table_hides_rows_from_someone_in_the_victim_world():
    """The row-level expectations above are not vacuous: some role lacks each hiding action."""
    for action in [*HIDDEN_WITHOUT.values(), *ROUTE_HIDDEN_WITHOUT.values()]:
        assert any(not can({role}, action) for role in PEOPLE.values()), action


def test_the_services_ask_the_table_for_row_level_rules(kyrgyzstan, monkeypatch):
    """A UNDP focal point updates UNDP's action points, not UNHCR's; grant members
    `actions.update_any` in the table, and the same service lets them: nothing else
    decides."""
    from datetime import date

    from django.core.exceptions import ValidationError

    from decisions import services as decisions
    from networks.roles import PERMISSIONS
    from networks.scoping import network_scope

    net = kyrgyzstan
    with network_scope(net.network):
        point = decisions.action_point_add(
            network=net.network,
            by=net.secretariat,
            text="Share the study",
            owner_organisation=net.organisations["UNHCR"],
            due_date=date(2027, 1, 31),
        )

        def update():
            return decisions.action_point_update(
                action_point=point, by=net.member, status="in_progress", progress=10, note="x"
            )

        with pytest.raises(ValidationError) as refused:
            update()
        assert refused.value.error_list[0].code == "not_allowed"
        monkeypatch.setitem(
            PERMISSIONS,
            Action.ACTIONS_UPDATE_ANY,
            PERMISSIONS[Action.ACTIONS_UPDATE_ANY] | {Role.MEMBER},
        )
        assert update().progress == 10
