"""The operators' admin: staff create networks (and the first secretariat invitation) and
manage regions, organisations and people, without seeing any network's content."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from accounts.models import hash_token
from networks.models import (
    Invitation,
    Membership,
    Network,
    Organisation,
    Participation,
    UNSDCFOutcome,
    WorkingGroup,
    WorkingGroupMember,
)
from networks.roles import Role
from networks.scoping import network_scope

# These tests are about the platform as a whole: they start from an empty database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

User = get_user_model()


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(email="operator@example.org", password="operator-pass-123")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def test_no_network_content_is_registered_in_the_admin():
    registered = set(admin.site._registry)
    for model in (
        Membership,
        Participation,
        WorkingGroup,
        WorkingGroupMember,
        Invitation,
        UNSDCFOutcome,
    ):
        assert model not in registered
    assert {Network, Organisation, User} <= registered


def test_operator_creates_a_network_with_its_first_secretariat_invitation(operator_client, eca):
    iom = Organisation.objects.create(
        name="International Organization for Migration", acronym="IOM", kind="un_agency"
    )
    response = operator_client.post(
        "/operators/networks/network/add/",
        {
            "name": "UN Network on Migration in Georgia",
            "slug": "Georgia",
            "code": "geo",
            "country": "Georgia",
            "region": eca.pk,
            "time_zone": "Asia/Tbilisi",
            "languages": ["en", "ru"],
            "meeting_cadence": "quarterly",
            "minutes_approval_rule": "all_co_chairs",
            "un_team_name": "UN Country Team",
            "coordinator_title": "Resident Coordinator",
            "secretariat_email": "nino@example.org",
            "secretariat_name": "Nino Beridze",
            "secretariat_organisation": iom.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    network = Network.objects.get(slug="georgia")
    assert network.code == "GEO"
    with network_scope(network):
        invitation = Invitation.objects.get()
        assert Participation.objects.active().filter(organisation=iom).exists()
    assert (invitation.email, invitation.role) == ("nino@example.org", Role.SECRETARIAT)
    page = response.content.decode()
    token = re.search(r"/accounts/invitations/([^/\s<]+)/", page).group(1)
    assert hash_token(token) == invitation.token_hash


def test_bad_network_details_show_errors_and_create_nothing(operator_client, kyrgyzstan):
    response = operator_client.post(
        "/operators/networks/network/add/",
        {
            "name": "Duplicate",
            "slug": "kyrgyzstan",
            "code": "NEW",
            "country": "Nowhere",
            "time_zone": "Mars/Olympus",
            "languages": ["en"],
            "meeting_cadence": "quarterly",
            "minutes_approval_rule": "all_co_chairs",
            "un_team_name": "UN Country Team",
            "coordinator_title": "Resident Coordinator",
            "secretariat_email": "someone@example.org",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "slug" in errors and "time_zone" in errors and "secretariat_organisation" in errors
    assert Network.objects.count() == 1


def test_operator_pages_open_without_entering_a_network(operator_client, kyrgyzstan):
    network = kyrgyzstan.network
    for url in [
        "/operators/",
        "/operators/networks/network/",
        f"/operators/networks/network/{network.pk}/change/",
        "/operators/networks/region/",
        f"/operators/networks/region/{network.region_id}/change/",
        "/operators/networks/organisation/",
        "/operators/accounts/user/",
        f"/operators/accounts/user/{kyrgyzstan.people['member'].pk}/change/",
        "/operators/accounts/user/add/",
        "/operators/reference/gcmobjective/",
    ]:
        assert operator_client.get(url).status_code == 200, url


def test_the_network_page_shows_no_members(operator_client, kyrgyzstan):
    page = operator_client.get(
        f"/operators/networks/network/{kyrgyzstan.network.pk}/change/"
    ).content.decode()
    assert kyrgyzstan.people["member"].email not in page
    assert "UNHCR" not in page


def test_networks_organisations_and_people_cannot_be_deleted_from_the_admin(
    operator_client, kyrgyzstan
):
    network = kyrgyzstan.network
    member = kyrgyzstan.people["member"]
    assert (
        operator_client.get(f"/operators/networks/network/{network.pk}/delete/").status_code == 403
    )
    assert operator_client.get(f"/operators/accounts/user/{member.pk}/delete/").status_code == 403
    org = kyrgyzstan.organisations["UNHCR"]
    assert (
        operator_client.get(f"/operators/networks/organisation/{org.pk}/delete/").status_code == 403
    )


def test_operator_adds_a_person_by_email(operator_client):
    response = operator_client.post(
        "/operators/accounts/user/add/",
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="new.person@example.org")
    # The operator chooses no password: the person gets a reset link (tests/operators/
    # test_privileged_access.py).
    assert not person.has_usable_password()


def test_a_second_account_for_the_same_email_is_refused(operator_client, kyrgyzstan):
    response = operator_client.post(
        "/operators/accounts/user/add/",
        {"email": kyrgyzstan.people["member"].email.upper(), "usable_password": "false"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_people_who_are_not_staff_are_sent_to_sign_in(client, kyrgyzstan):
    client.force_login(kyrgyzstan.people["secretariat"])
    response = client.get("/operators/networks/network/")
    assert response.status_code == 302
    assert "/operators/login/" in response["Location"]
