"""A person downloads everything the portal holds about them (privacy.services.
person_export) from their account, in a fixed number of queries, holding only their own
data; everyone reads the privacy page, in English and Russian."""

from __future__ import annotations

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import access_token_create
from circulation.models import Circulation, Delivery
from networks import services as networks
from networks.scoping import network_scope

EXPORT = "/accounts/personal-data/export.json"


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export_of(user) -> tuple[dict, int]:
    client = as_(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content), len(captured)


def deliver(net, user, number: int) -> None:
    with network_scope(net.network):
        circulation = Circulation.objects.create(
            network=net.network, kind=Circulation.Kind.DOCUMENT, template="test"
        )
        Delivery.objects.create(
            network=net.network,
            circulation=circulation,
            recipient=user,
            address=user.email,
            language="en",
            message_id=f"<test-{user.pk}-{number}@portal.test>",
        )


def test_the_account_page_offers_the_download_with_a_heading_and_a_labelled_link(kyrgyzstan):
    page = as_(kyrgyzstan.member).get(reverse("account-personal-data"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Your personal data</h1>" in text
    assert f'href="{EXPORT}"' in text and "Download your personal data (JSON)" in text
    assert (
        reverse("account-personal-data")
        in as_(kyrgyzstan.member).get(reverse("account-profile")).content.decode()
    )


def test_an_anonymous_caller_is_sent_to_sign_in(client, db):
    response = client.get(EXPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_export_holds_the_persons_roles_mail_and_tokens_and_no_secret(kyrgyzstan):
    member = kyrgyzstan.member
    _token, secret = access_token_create(user=member, name="my script", scope="read")
    deliver(kyrgyzstan, member, 1)
    data, _queries = export_of(member)
    assert data["account"]["email"] == member.email
    assert data["account"]["full_name"] == member.full_name
    assert [m["network"] for m in data["memberships"]] == [kyrgyzstan.network.name]
    assert data["memberships"][0]["role"] == "member"
    assert data["access_tokens"][0]["name"] == "my script"
    assert len(data["deliveries"]) >= 1
    assert data["two_factor"] == []
    text = json.dumps(data)
    assert secret not in text and secret[:20] not in text
    assert member.password not in text  # no password hash
    assert "key_hash" not in text and "session_key" not in text


def test_the_export_holds_only_the_persons_own_data(kyrgyzstan, mongolia):
    """Another network's data, and other people of the person's own network, never appear."""
    member = kyrgyzstan.member
    deliver(mongolia, mongolia.member, 1)
    text = json.dumps(export_of(member)[0], ensure_ascii=False)
    assert mongolia.network.name not in text
    for other in (*mongolia.people.values(), kyrgyzstan.secretariat, kyrgyzstan.co_chair):
        assert other.email not in text, other.email
        assert other.full_name not in text, other.full_name


def test_the_export_runs_the_same_queries_whatever_the_person_holds(kyrgyzstan, mongolia):
    member = kyrgyzstan.member
    _data, few = export_of(member)
    # More of everything: a role in a second network, tokens, mail in both networks.
    networks.membership_start(
        network=mongolia.network,
        user=member,
        organisation=mongolia.organisations["UNDP"],
        role="member",
    )
    for number in range(3):
        access_token_create(user=member, name=f"script {number}", scope="read")
        deliver(kyrgyzstan, member, 10 + number)
        deliver(mongolia, member, 20 + number)
    data, many = export_of(member)
    assert len(data["memberships"]) == 2 and len(data["deliveries"]) >= 6
    assert many == few


def test_the_privacy_page_is_open_to_everyone_and_linked_from_every_page(client, db, settings):
    settings.PORTAL_RETENTION_DAYS = {**settings.PORTAL_RETENTION_DAYS, "sessions": 180}
    page = client.get("/privacy/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Privacy: what the portal keeps about you</h1>" in text
    assert "<caption>Personal data in the portal</caption>" in text
    assert "2 years" in text and "6 months" in text and "1 year" in text
    assert "Ask for erasure" in text
    assert 'href="/privacy/"' in client.get(reverse("account_login")).content.decode()


def test_the_privacy_page_names_the_contact_and_reads_in_russian(client, db, settings):
    settings.PORTAL_PRIVACY_CONTACT = "privacy@portal.test"
    assert "privacy@portal.test" in client.get("/privacy/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    russian = client.get("/privacy/").content.decode()
    assert "Конфиденциальность" in russian and "2 года" in russian


def test_a_person_who_must_have_a_second_factor_sets_it_up_before_the_export(kyrgyzstan, settings):
    settings.PORTAL_REQUIRE_MFA = True
    secretariat = as_(kyrgyzstan.secretariat)
    assert secretariat.get(reverse("account-personal-data")).status_code == 200
    response = secretariat.get(EXPORT)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert as_(kyrgyzstan.member).get(EXPORT).status_code == 200  # members are not forced
