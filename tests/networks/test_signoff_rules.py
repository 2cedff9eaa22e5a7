"""Who signs each kind of record is the network's choice: the co-chairs set it on a page, the
platform operator in the admin; without a choice each kind follows its default."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from networks import signoff
from networks.models import Network, SignoffRule
from networks.scoping import network_scope


def rules_url(slug="kyrgyzstan"):
    return reverse("networks:signoff-rules", kwargs={"network": slug})


def test_by_default_one_co_chair_approves_an_agenda_and_every_co_chair_the_rest(kyrgyzstan):
    with network_scope(kyrgyzstan.network):
        assert signoff.rules_of(kyrgyzstan.network) == {
            "agenda": "any_co_chair",
            "minutes": "all_co_chairs",
            "statement": "all_co_chairs",
            "report": "all_co_chairs",
            "workplan": "any_co_chair",
        }


def test_a_co_chair_sets_who_signs_and_the_network_keeps_it(kyrgyzstan, login):
    client = login(kyrgyzstan.co_chair)
    page = client.get(rules_url())
    assert page.status_code == 200 and "Quarterly report" in page.content.decode()
    response = client.post(
        rules_url(),
        {
            "agenda": "all_co_chairs",
            "minutes": "any_co_chair",
            "statement": "all_co_chairs",
            "report": "all_co_chairs",
            "workplan": "any_co_chair",
        },
    )
    assert response.status_code == 302
    kyrgyzstan.network.refresh_from_db()
    with network_scope(kyrgyzstan.network):
        rules = signoff.rules_of(kyrgyzstan.network)
        stored = SignoffRule.objects.get(kind="agenda")
    assert rules["agenda"] == "all_co_chairs" and rules["minutes"] == "any_co_chair"
    assert kyrgyzstan.network.minutes_approval_rule == "any_co_chair"  # the minutes' own field
    assert stored.changed_by == kyrgyzstan.co_chair and stored.network == kyrgyzstan.network


@pytest.mark.parametrize("person", ["secretariat", "member", "partner", "rco"])
def test_nobody_but_a_co_chair_changes_the_rules_on_the_page(kyrgyzstan, login, person):
    client = login(kyrgyzstan.people[person])
    assert client.get(rules_url()).status_code == 403
    assert client.post(rules_url(), {"agenda": "all_co_chairs"}).status_code == 403
    with network_scope(kyrgyzstan.network):
        assert not SignoffRule.objects.exists()


def test_an_unknown_rule_is_refused_and_changes_nothing(kyrgyzstan, login):
    client = login(kyrgyzstan.co_chair)
    response = client.post(rules_url(), {**signoff.DEFAULTS, "agenda": "whoever", "minutes": "x"})
    assert response.status_code == 400 and response.context["form"].errors
    with network_scope(kyrgyzstan.network):
        assert not SignoffRule.objects.exists()


def test_the_platform_operator_sets_the_rules_in_the_admin(kyrgyzstan, client):
    operator = get_user_model().objects.create_superuser(
        email="operator-rules@example.org", password="operator-pass-123"
    )
    client.force_login(operator)
    network = kyrgyzstan.network
    response = client.post(
        f"/operators/networks/network/{network.pk}/change/",
        {
            "name": network.name,
            "slug": network.slug,
            "country": network.country,
            "region": network.region_id or "",
            "time_zone": network.time_zone,
            "languages": network.languages,
            "meeting_cadence": network.meeting_cadence,
            "minutes_approval_rule": "all_co_chairs",
            "un_team_name": network.un_team_name,
            "coordinator_title": network.coordinator_title,
            "designation_footnote": network.designation_footnote,
            "national_policy": network.national_policy,
            "signoff_agenda": "all_co_chairs",
            "signoff_statement": "any_co_chair",
            "signoff_report": "all_co_chairs",
            "signoff_workplan": "all_co_chairs",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with network_scope(network):
        rules = signoff.rules_of(Network.objects.get(pk=network.pk))
    assert rules["agenda"] == "all_co_chairs" and rules["statement"] == "any_co_chair"
    assert rules["workplan"] == "all_co_chairs"
