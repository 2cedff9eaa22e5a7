"""The network home's registry (networks.home): the apps above networks put their panels and
what waits for the person on the home, and each person is asked only what their roles allow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from networks import home
from networks.access import access_for
from networks.roles import Action


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the apps' own registrations back afterwards."""
    monkeypatch.setattr(home, "_panels", {})
    monkeypatch.setattr(home, "_sources", {})
    return home


def test_each_person_gets_the_panels_and_inbox_items_their_roles_allow(kyrgyzstan, registry):
    asked = []

    def panel(access):
        asked.append(access.user_id)
        return {"people": "secret"}

    def item(access, title, **fields):
        return home.InboxItem(access.network, "test", title, "/", **fields)

    now = timezone.now()
    registry.register_panel("people", action=Action.MEMBERS_VIEW, template="x.html", data=panel)
    registry.register_panel(
        "first", action=Action.MEMBERS_VIEW, template="y.html", data=lambda a: {}, order=1
    )
    registry.register_inbox(
        "late",
        action=Action.NETWORK_VIEW,
        items=lambda accesses: [
            item(accesses[0], "no deadline, older", since=now - timedelta(days=3)),
            item(accesses[0], "overdue", deadline=now - timedelta(hours=1)),
        ],
    )
    registry.register_inbox(
        "early",
        action=Action.NETWORK_VIEW,
        items=lambda accesses: [
            item(accesses[0], "in two days", deadline=now + timedelta(days=2)),
            item(accesses[0], "tomorrow", deadline=now + timedelta(days=1)),
            item(accesses[0], "no deadline, newest", since=now),
            item(accesses[0], "long overdue", deadline=now - timedelta(days=5)),
        ],
    )
    registry.register_inbox(
        "people only",
        action=Action.MEMBERS_VIEW,
        items=lambda accesses: [item(accesses[0], "for members")],
    )
    member = access_for(kyrgyzstan.member, kyrgyzstan.network)
    partner = access_for(kyrgyzstan.partner, kyrgyzstan.network)

    assert [p.name for p in home.panels_for(member)] == ["first", "people"]
    assert home.panels_for(partner) == []  # the provider is not even asked
    assert asked == [kyrgyzstan.member.pk]
    # Overdue first (the longest overdue first), then the nearest deadline, then newest.
    assert [i.title for i in home.inbox_for([partner])] == [
        "long overdue",
        "overdue",
        "tomorrow",
        "in two days",
        "no deadline, newest",
        "no deadline, older",
    ]
    assert "for members" in [i.title for i in home.inbox_for([member])]


def test_the_apps_register_their_parts_of_the_home_when_they_start():
    assert list(home._panels) == [
        "meetings",
        "decisions",
        "consultations",
        "workplans",
        "reports",
        "documents",
    ]
    assert set(home._sources) == {"meetings", "decisions", "workplans", "reports"}
