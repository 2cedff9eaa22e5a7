"""The network home's registry (networks.home): the apps above networks put their panels and
what waits for the person on the home, and each person is asked only what their roles allow."""

import pytest

from networks import home
from networks.access import access_for
from networks.roles import Action


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the apps' own registrations back afterwards."""
    monkeypatch.setattr(home, "_panels", {})
    monkeypatch.setattr(home, "_waiting", {})
    return home


def test_each_person_gets_the_panels_and_waiting_items_their_roles_allow(kyrgyzstan, registry):
    asked = []

    def panel(access):
        asked.append(access.user_id)
        return {"people": "secret"}

    registry.register_panel("people", action=Action.MEMBERS_VIEW, template="x.html", data=panel)
    registry.register_waiting(
        "late", action=Action.NETWORK_VIEW, items=lambda access: [home.Waiting(50, "l", "late")]
    )
    registry.register_waiting(
        "early",
        action=Action.NETWORK_VIEW,
        items=lambda access: [home.Waiting(10, "e", "first"), home.Waiting(50, "e", "second")],
    )
    member = access_for(kyrgyzstan.member, kyrgyzstan.network)
    partner = access_for(kyrgyzstan.partner, kyrgyzstan.network)

    assert [(p.name, p.data) for p in home.panels_for(member)] == [("people", {"people": "secret"})]
    assert home.panels_for(partner) == []  # the provider is not even asked
    assert asked == [kyrgyzstan.member.pk]
    # By rank, then each source in the order it registered.
    assert [w.item for w in home.waiting_for(partner)] == ["first", "late", "second"]


def test_the_apps_register_their_parts_of_the_home_when_they_start():
    assert list(home._panels) == ["meetings"]
    assert {"meetings", "positions"} <= set(home._waiting)
