"""Separation of duties over who holds which role (docs/roles.md): nobody gives themselves a
role; only a serving co-chair grants or ends the co-chair role (the platform operator, while
the network has none); one person is never both secretariat and co-chair of a network; the
last secretariat and the last co-chair cannot be ended. Every refusal says why, in the
pages, the API and the services alike, and changes nothing."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from networks import services
from networks.models import Invitation, Membership, Participation
from networks.roles import Role
from networks.scoping import network_scope, scopes_disabled
from tests.factories import organisation, person

User = get_user_model()
KG = "/api/v1/networks/kyrgyzstan"
NEWCOMER = "newcomer@iom.test"


# --- Helpers ----------------------------------------------------------------------------------


def page(name, **kwargs):
    return reverse(f"networks:{name}", kwargs={"network": "kyrgyzstan", **kwargs})


def role_of(net, key, role=None) -> Membership:
    with network_scope(net.network):
        rows = Membership.objects.active().filter(user=net.people[key])
        return rows.get(role=role) if role else rows.get()


def memberships(net) -> list[tuple]:
    """Every membership row of the network as it stands, to prove a refusal changed none."""
    with network_scope(net.network):
        return list(
            Membership.objects.order_by("pk").values_list("pk", "user_id", "role", "ended_at")
        )


def invitations(net) -> list[tuple]:
    with network_scope(net.network):
        return list(
            Invitation.objects.order_by("pk").values_list("pk", "email", "role", "accepted_at")
        )


def invite(net, inviter, email=NEWCOMER, role=Role.CO_CHAIR, org="IOM"):
    with network_scope(net.network):
        return services.invitation_create(
            network=net.network,
            email=email,
            organisation=net.organisations[org],
            role=role,
            invited_by=inviter,
        )


def invite_form(net, email=NEWCOMER, role="co_chair", org="IOM"):
    return {
        "email": email,
        "full_name": "New Person",
        "organisation": net.organisations[org].pk,
        "role": role,
    }


def post_json(client, url, payload=None):
    return client.post(url, payload or {}, content_type="application/json")


def form_errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


# --- Nobody gives themselves a role ---------------------------------------------------------


def test_a_secretariat_cannot_invite_itself_as_co_chair(kyrgyzstan, login):
    officer = kyrgyzstan.secretariat
    before = invitations(kyrgyzstan)
    with pytest.raises(ValidationError, match="You cannot invite yourself"):
        invite(kyrgyzstan, officer, email=officer.email)

    client = login(officer)
    response = post_json(client, f"{KG}/invitations/", invite_form(kyrgyzstan, officer.email))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["You cannot invite yourself: nobody gives themselves a role."]
    }
    # The page does not even offer the co-chair role to the secretariat.
    form = client.post(page("invite"), invite_form(kyrgyzstan, officer.email))
    assert form.status_code == 400
    assert "a serving co-chair grants the co-chair role" in form_errors(form)
    assert invitations(kyrgyzstan) == before


@pytest.mark.parametrize("key, role", [("secretariat", "member"), ("co_chair", "co_chair")])
def test_nobody_invites_themselves_into_any_role(kyrgyzstan, login, key, role):
    someone = kyrgyzstan.people[key]
    before = invitations(kyrgyzstan)
    response = login(someone).post(page("invite"), invite_form(kyrgyzstan, someone.email, role))
    # Bad input: the form again, with the API's status for the same refusal.
    assert response.status_code == 400
    assert "You cannot invite yourself" in form_errors(response)
    assert invitations(kyrgyzstan) == before


def test_nobody_accepts_an_invitation_they_made_themselves(kyrgyzstan, login):
    # Made for a colleague whose address was then given to the inviter's own account.
    invitation, token = invite(kyrgyzstan, kyrgyzstan.secretariat, role=Role.MEMBER)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(email=kyrgyzstan.secretariat.email)
    before = memberships(kyrgyzstan)
    response = login(kyrgyzstan.secretariat).post(
        reverse("invitation-accept", kwargs={"token": token})
    )
    assert response.status_code == 409
    assert "Nobody gives themselves a role" in response.content.decode()
    assert memberships(kyrgyzstan) == before


# --- Granting the co-chair role needs a serving co-chair -------------------------------------


def test_a_secretariat_cannot_invite_a_colleague_of_its_own_organisation_as_co_chair(
    kyrgyzstan, login
):
    before = invitations(kyrgyzstan)
    with pytest.raises(ValidationError, match="Only a serving co-chair may grant the co-chair"):
        invite(kyrgyzstan, kyrgyzstan.secretariat)
    client = login(kyrgyzstan.secretariat)
    response = post_json(client, f"{KG}/invitations/", invite_form(kyrgyzstan))
    assert response.status_code == 403
    assert response.json()["error"] == {
        "status": 403,
        "code": "not_allowed",
        "message": "Only a serving co-chair may grant the co-chair role: ask a co-chair.",
    }
    form = client.post(page("invite"), invite_form(kyrgyzstan))
    assert form.status_code == 400 and "role" in form.context["form"].errors
    assert invitations(kyrgyzstan) == before


def test_the_invitation_page_offers_the_co_chair_role_only_to_co_chairs(kyrgyzstan, login):
    offered = login(kyrgyzstan.secretariat).get(page("invite")).context["form"]
    assert "co_chair" not in dict(offered.fields["role"].choices)
    assert {"secretariat", "member", "external_partner", "rco_reporter"} <= set(
        dict(offered.fields["role"].choices)
    )
    offered = login(kyrgyzstan.co_chair).get(page("invite")).context["form"]
    assert list(dict(offered.fields["role"].choices)) == ["co_chair"]
    # A member is offered nothing: the page is not theirs.
    assert login(kyrgyzstan.member).get(page("invite")).status_code == 403


def test_a_serving_co_chair_invites_the_next_co_chair(kyrgyzstan, login, client):
    co_chair = login(kyrgyzstan.co_chair)
    response = co_chair.post(page("invite"), invite_form(kyrgyzstan))
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get(email=NEWCOMER)
    assert (invitation.role, invitation.invited_by) == ("co_chair", kyrgyzstan.co_chair)
    # The co-chair sees it pending, and may not invite into the secretariat's roles.
    assert NEWCOMER in co_chair.get(page("invite")).content.decode()
    refused = post_json(co_chair, f"{KG}/invitations/", invite_form(kyrgyzstan, role="member"))
    assert refused.status_code == 403

    _invitation, token = invite(kyrgyzstan, kyrgyzstan.co_chair, email="second@iom.test")
    client.logout()
    accepted = client.post(
        reverse("invitation-accept", kwargs={"token": token}),
        {
            "full_name": "Second",
            "password1": "a-Long-pass-phrase-1",
            "password2": "a-Long-pass-phrase-1",
        },
    )
    assert accepted.status_code == 302
    with network_scope(kyrgyzstan.network):
        started = Membership.objects.get(user__email="second@iom.test")
    assert (started.role, started.started_by) == ("co_chair", kyrgyzstan.co_chair)


def test_a_co_chair_invitation_not_made_by_a_serving_co_chair_cannot_be_accepted(kyrgyzstan):
    # Made by the secretariat before the rule (its role changed in place to say so).
    invitation, token = invite(kyrgyzstan, kyrgyzstan.secretariat, role=Role.MEMBER)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(role=Role.CO_CHAIR)
    before = memberships(kyrgyzstan)
    with pytest.raises(ValidationError, match="not made by a serving co-chair"):
        services.invitation_accept(token=token, full_name="N", password="a-Long-pass-phrase-1")
    assert memberships(kyrgyzstan) == before
    assert not User.objects.filter(email=NEWCOMER).exists()
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_a_co_chair_withdraws_a_co_chair_invitation_the_secretariat_cannot(kyrgyzstan, login):
    invitation, _token = invite(kyrgyzstan, kyrgyzstan.co_chair)
    revoke = page("invitation-revoke", invitation_id=invitation.pk)
    refused = login(kyrgyzstan.secretariat).post(revoke, follow=True)
    assert "Only a serving co-chair may grant the co-chair role" in refused.content.decode()
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    login(kyrgyzstan.co_chair).post(revoke)
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None


# --- One person is never both secretariat and co-chair ---------------------------------------


def test_one_person_cannot_be_secretariat_and_co_chair_of_a_network(kyrgyzstan, mongolia):
    officer = kyrgyzstan.secretariat
    before = memberships(kyrgyzstan), invitations(kyrgyzstan)
    with pytest.raises(ValidationError, match="cannot be both the secretariat and a co-chair"):
        services.membership_start(
            network=kyrgyzstan.network,
            user=officer,
            organisation=kyrgyzstan.organisations["IOM"],
            role=Role.CO_CHAIR,
        )
    # A serving co-chair cannot make the secretariat a co-chair either, nor a co-chair the
    # secretariat.
    with pytest.raises(ValidationError, match="already holds the role Secretariat here"):
        invite(kyrgyzstan, kyrgyzstan.co_chair, email=officer.email)
    with pytest.raises(ValidationError, match="already holds the role Co-chair here"):
        invite(
            kyrgyzstan, kyrgyzstan.secretariat, email=kyrgyzstan.co_chair2.email, role="secretariat"
        )
    assert (memberships(kyrgyzstan), invitations(kyrgyzstan)) == before
    # In another network the same person may co-chair.
    services.membership_start(
        network=mongolia.network,
        user=officer,
        organisation=mongolia.organisations["IOM"],
        role=Role.CO_CHAIR,
    )


def test_someone_invited_as_co_chair_is_not_also_invited_as_secretariat(kyrgyzstan):
    invite(kyrgyzstan, kyrgyzstan.co_chair)
    with pytest.raises(ValidationError, match="is already invited as Co-chair here"):
        invite(kyrgyzstan, kyrgyzstan.secretariat, role=Role.SECRETARIAT)


def test_accepting_an_invitation_that_would_make_a_secretariat_co_chair_is_refused(
    kyrgyzstan, login
):
    _invitation, token = invite(kyrgyzstan, kyrgyzstan.co_chair)
    # Meanwhile the invitee joined the secretariat.
    newcomer = person(NEWCOMER)
    services.membership_start(
        network=kyrgyzstan.network,
        user=newcomer,
        organisation=kyrgyzstan.organisations["IOM"],
        role=Role.SECRETARIAT,
    )
    before = memberships(kyrgyzstan)
    response = login(newcomer).post(reverse("invitation-accept", kwargs={"token": token}))
    assert response.status_code == 409
    assert (
        "One person cannot be both the secretariat and a co-chair of a network"
        in response.content.decode()
    )
    assert memberships(kyrgyzstan) == before
    with scopes_disabled():
        assert Invitation.objects.get(email=NEWCOMER).accepted_at is None


# --- Ending the co-chair role needs a serving co-chair --------------------------------------


def test_a_co_chair_cannot_be_ended_by_the_secretariat(kyrgyzstan, login):
    target = role_of(kyrgyzstan, "co_chair2")
    before = memberships(kyrgyzstan)
    with pytest.raises(ValidationError, match="Only a serving co-chair may end"):
        services.membership_end(membership=target, ended_by=kyrgyzstan.secretariat)
    client = login(kyrgyzstan.secretariat)
    response = post_json(client, f"{KG}/members/{target.pk}/end/")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Only a serving co-chair may end a co-chair's membership."
    )
    form = client.post(page("membership-end", membership_id=target.pk), {"reason": "x"})
    assert form.status_code == 403  # the page answers as the API does
    assert "Only a serving co-chair may end" in form_errors(form)
    assert memberships(kyrgyzstan) == before


def test_a_serving_co_chair_ends_another_co_chair(kyrgyzstan, login):
    target = role_of(kyrgyzstan, "co_chair2")
    response = login(kyrgyzstan.co_chair).post(
        page("membership-end", membership_id=target.pk), {"reason": "Left IOM"}
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        target.refresh_from_db()
    assert target.ended_at is not None and target.ended_by == kyrgyzstan.co_chair


def test_the_member_list_offers_to_end_only_the_roles_one_may_end(kyrgyzstan, login):
    def end_link(key):
        return page("membership-end", membership_id=role_of(kyrgyzstan, key).pk)

    secretariat = login(kyrgyzstan.secretariat).get(page("members")).content.decode()
    assert end_link("member") in secretariat and end_link("co_chair") not in secretariat
    co_chair = login(kyrgyzstan.co_chair).get(page("members")).content.decode()
    assert end_link("co_chair2") in co_chair and end_link("member") not in co_chair
    assert page("invite") in co_chair


# --- The last secretariat and the last co-chair cannot be ended -----------------------------


def test_the_last_co_chair_cannot_be_ended(kyrgyzstan, login):
    services.membership_end(
        membership=role_of(kyrgyzstan, "co_chair2"), ended_by=kyrgyzstan.co_chair
    )
    last = role_of(kyrgyzstan, "co_chair")
    before = memberships(kyrgyzstan)
    with pytest.raises(ValidationError, match="is the last co-chair of this network"):
        services.membership_end(membership=last, ended_by=kyrgyzstan.co_chair)
    with pytest.raises(ValidationError, match="is the last co-chair"):
        services.membership_end(membership=last, ended_by=None)  # not the system either
    client = login(kyrgyzstan.co_chair)
    response = post_json(client, f"{KG}/members/{last.pk}/end/")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        f"{kyrgyzstan.co_chair} is the last co-chair of this network: a co-chair invites the "
        "next one before this membership can end."
    )
    form = client.post(page("membership-end", membership_id=last.pk), {"reason": "Leaving"})
    assert form.status_code == 409 and "is the last co-chair" in form_errors(form)
    assert memberships(kyrgyzstan) == before


def test_the_last_secretariat_cannot_be_ended_not_even_by_itself(kyrgyzstan, login):
    own = role_of(kyrgyzstan, "secretariat")
    before = memberships(kyrgyzstan)
    with pytest.raises(ValidationError, match="is the last secretariat officer"):
        services.membership_end(membership=own, ended_by=kyrgyzstan.secretariat)
    client = login(kyrgyzstan.secretariat)
    response = post_json(client, f"{KG}/members/{own.pk}/end/")
    assert response.status_code == 409
    assert "is the last secretariat officer of this network" in response.json()["error"]["message"]
    form = client.post(page("membership-end", membership_id=own.pk), {"reason": "Leaving"})
    assert form.status_code == 409 and "invite the next one" in form_errors(form)
    assert memberships(kyrgyzstan) == before

    # With a successor in place, the officer hands over and leaves.
    services.membership_start(
        network=kyrgyzstan.network,
        user=person("successor@iom.test"),
        organisation=kyrgyzstan.organisations["IOM"],
        role=Role.SECRETARIAT,
    )
    left = client.post(page("membership-end", membership_id=own.pk), {"reason": "Handed over"})
    assert left.status_code == 302
    with network_scope(kyrgyzstan.network):
        own.refresh_from_db()
    assert own.ended_at is not None and own.ended_by == kyrgyzstan.secretariat


# --- The platform operator, while the network has no co-chair -------------------------------


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(email="operator@example.org", password="operator-pw-1")


@pytest.fixture
def without_co_chairs(kyrgyzstan):
    """Kyrgyzstan with no serving co-chair (as a network created before the rule was)."""
    with network_scope(kyrgyzstan.network):
        Membership.objects.filter(role=Role.CO_CHAIR).delete()
    return kyrgyzstan


def test_the_operator_grants_co_chair_to_a_network_with_none(without_co_chairs, operator, client):
    net = without_co_chairs
    change = f"/operators/networks/network/{net.network.pk}/change/"
    client.force_login(operator)
    form = client.get(change).content.decode()
    assert 'name="co_chair_email"' in form
    assert 'name="secretariat_email"' not in form  # it has a secretariat
    rco = net.organisations["RCO"]
    response = client.post(
        change,
        {
            "name": net.network.name,
            "slug": net.network.slug,
            "country": net.network.country,
            "region": net.network.region_id or "",
            "time_zone": net.network.time_zone,
            "languages": net.network.languages,
            "meeting_cadence": net.network.meeting_cadence,
            "minutes_approval_rule": net.network.minutes_approval_rule,
            "un_team_name": net.network.un_team_name,
            "coordinator_title": net.network.coordinator_title,
            "co_chair_email": "rc@un.test",
            "co_chair_name": "Resident Coordinator",
            "co_chair_organisation": rco.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    with scopes_disabled():
        invitation = Invitation.objects.get(email="rc@un.test")
    # Recorded: the operator invited, and the membership says who started it.
    assert (invitation.role, invitation.invited_by, invitation.organisation) == (
        "co_chair",
        operator,
        rco,
    )
    token = re.search(r"/accounts/invitations/([^/\s<]+)/", response.content.decode()).group(1)
    services.invitation_accept(token=token, full_name="RC", password="a-Long-pass-phrase-1")
    with network_scope(net.network):
        started = Membership.objects.get(user__email="rc@un.test")
    assert (started.role, started.started_by) == ("co_chair", operator)
    # Now it has one: the operator's way is closed, the co-chair invites the next one.
    assert 'name="co_chair_email"' not in client.get(change).content.decode()
    with pytest.raises(ValidationError, match="has a serving co-chair"):
        with network_scope(net.network):
            services.invitation_create(
                network=net.network,
                email="other@un.test",
                organisation=rco,
                role=Role.CO_CHAIR,
                invited_by=operator,
                as_operator=True,
            )


def test_the_operator_cannot_grant_co_chair_where_one_serves(kyrgyzstan, operator):
    before = invitations(kyrgyzstan)
    with pytest.raises(ValidationError, match="has a serving co-chair"):
        with network_scope(kyrgyzstan.network):
            services.invitation_create(
                network=kyrgyzstan.network,
                email="other@un.test",
                organisation=kyrgyzstan.organisations["RCO"],
                role=Role.CO_CHAIR,
                invited_by=operator,
                as_operator=True,
            )
    assert invitations(kyrgyzstan) == before


def test_create_network_invites_the_first_secretariat_and_the_first_co_chair(db):
    organisation("IOM", name="International Organization for Migration")
    out = StringIO()
    call_command(
        "create_network",
        *("--name", "UN Network on Migration in Georgia", "--slug", "georgia"),
        *("--code", "GEO", "--country", "Georgia", "--time-zone", "Asia/Tbilisi"),
        *("--languages", "en", "--secretariat-email", "nino@iom.test"),
        *("--co-chair-email", "head@iom.test", "--co-chair-organisation", "IOM"),
        stdout=out,
    )
    with scopes_disabled():
        rows = list(
            Invitation.objects.filter(network__slug="georgia")
            .order_by("role")
            .values_list("email", "role", "invited_by")
        )
        assert Participation.objects.filter(network__slug="georgia").count() == 1
    assert rows == [("head@iom.test", "co_chair", None), ("nino@iom.test", "secretariat", None)]
    assert out.getvalue().count("/accounts/invitations/") == 2
