"""A person lists the places they are signed in and ends the others; ending a membership
takes effect on the person's next request."""

from django.test import Client
from django.urls import reverse

from networks import services as network_services
from networks.models import Membership
from networks.scoping import network_scope
from tests.factories import TEST_PASSWORD

HOME = "/n/kyrgyzstan/"


def sign_in(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    return client


def test_a_person_sees_their_sessions_and_ends_the_other_one(kyrgyzstan, client):
    laptop = sign_in(client, kyrgyzstan.member)
    phone = sign_in(Client(HTTP_USER_AGENT="PhoneBrowser/1.0"), kyrgyzstan.member)
    sign_in(Client(), kyrgyzstan.secretariat)  # someone else's session
    assert phone.get(HOME).status_code == 200
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    assert "PhoneBrowser/1.0" in page.content.decode()
    laptop.post(reverse("usersessions_list"), {"action": "logout"})
    assert laptop.get(HOME).status_code == 200  # this one stays
    after = phone.get(HOME)
    assert after.status_code == 302  # the other one is signed out
    assert after["Location"].startswith(reverse("account_login"))


def test_the_account_menu_links_to_the_sessions(kyrgyzstan, login):
    page = login(kyrgyzstan.member).get(reverse("account-profile")).content.decode()
    assert reverse("usersessions_list") in page


def test_ending_a_membership_takes_effect_on_the_next_request(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    assert client.get(HOME).status_code == 200
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    network_services.membership_end(membership=membership, ended_by=kyrgyzstan.secretariat)
    assert client.get(HOME).status_code == 404
    assert kyrgyzstan.network.name not in client.get("/").content.decode()


def test_a_session_is_seen_at_once_when_its_address_changes_and_otherwise_once_per_resolution(
    kyrgyzstan, monkeypatch
):
    from allauth.usersessions.models import UserSession
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts import middleware

    laptop = sign_in(Client(REMOTE_ADDR="10.0.0.1"), kyrgyzstan.member)
    laptop.get(HOME)
    first = UserSession.objects.get(user=kyrgyzstan.member)
    with CaptureQueriesContext(connection) as again:
        laptop.get(HOME)
    assert not [q for q in again.captured_queries if "usersession" in q["sql"]]
    assert UserSession.objects.get(pk=first.pk).last_seen_at == first.last_seen_at

    laptop.get(HOME, REMOTE_ADDR="10.0.0.2")  # another address: written at once
    assert UserSession.objects.get(pk=first.pk).ip == "10.0.0.2"

    seen = UserSession.objects.get(pk=first.pk).last_seen_at
    later = middleware._now() + middleware.activity_resolution() + 1
    monkeypatch.setattr(middleware, "_now", lambda: later)
    laptop.get(HOME, REMOTE_ADDR="10.0.0.2")  # the resolution later: written again
    assert UserSession.objects.get(pk=first.pk).last_seen_at > seen
