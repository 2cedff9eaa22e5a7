"""Erasing a person on their request (privacy.services.person_erase, the operators' admin
action, `manage.py erase_person`): the account is pseudonymised and can no longer sign in,
while every frozen version — approved minutes, cleared statements, submitted reports — stays
byte for byte as signed, its stored SHA-256 still equal to the hash of its stored content,
and the pages name the pseudonym."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessToken, Erasure, User
from accounts.services import access_token_create
from decisions.models import StatementClearance, StatementVersion
from decisions.services import statement_content_hash
from meetings import services as meetings
from meetings.models import MinutesApproval, MinutesItem, MinutesVersion
from networks.models import Membership
from networks.scoping import network_scope, scopes_disabled
from privacy.services import person_erase
from reports import services as report_services
from reports.models import ReportSignature, ReportVersion
from tests.decisions.test_statements import cleared
from tests.factories import TEST_PASSWORD
from tests.meetings.conftest import add_items, schedule
from tests.reports import conftest as reports
from workflow import content_hash

q3 = reports.q3
KG = "/n/kyrgyzstan"
PSEUDONYM = "a former focal point of RCO"  # the Kyrgyz co-chair speaks for the RCO


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def signed(kyrgyzstan, q3):
    """The co-chair approved minutes (with their attendance in them), signed the quarterly
    report and cleared a joint statement, all three frozen."""
    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    with network_scope(kyrgyzstan.network):
        minutes = meetings.minutes_start(meeting=meeting, by=kyrgyzstan.secretariat)
        item = MinutesItem.objects.get(minutes=minutes, title="Labour migration study")
        # No decision taken: the quarter of q3 numbers its decisions by hand.
        meetings.minutes_item_save(
            item=item,
            by=kyrgyzstan.secretariat,
            version=None,
            summary="IOM presented it.",
            decisions="",
            action_points=[],
        )
        minutes.refresh_from_db()
        version = meetings.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
            meetings.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=version.content_sha256
            )
        version.refresh_from_db()
    assert version.approved_at is not None
    names = {row["email"] for row in version.content["attendance"]}
    assert kyrgyzstan.co_chair.email in names  # the frozen content names the co-chair
    _expected, report = q3
    with network_scope(kyrgyzstan.network):
        # Every co-chair signs; the RCO's co-chair last, so the version names them.
        report_services.report_submit(report=report, by=kyrgyzstan.co_chair2)
        assert report_services.report_submit(report=report, by=kyrgyzstan.co_chair) is not None
    statement_version = cleared(kyrgyzstan)
    return {
        "meeting": meeting,
        "minutes": version,
        "report": report,
        "statement": statement_version,
    }


def frozen_rows() -> dict[str, list[dict]]:
    with scopes_disabled():
        return {
            "minutes": list(MinutesVersion.objects.order_by("pk").values()),
            "statements": list(StatementVersion.objects.order_by("pk").values()),
            "reports": list(ReportVersion.objects.order_by("pk").values()),
        }


def assert_every_frozen_hash_verifies() -> int:
    """Each frozen version's stored SHA-256 equals the hash recomputed from what it stores."""
    checked = 0
    with scopes_disabled():
        for v in MinutesVersion.objects.filter(approved_at__isnull=False):
            assert content_hash(v.content) == v.content_sha256, v
            assert hashlib.sha256(bytes(v.pdf)).hexdigest() == v.pdf_sha256, v
            for approval in MinutesApproval.objects.filter(version=v):
                assert approval.content_sha256 == v.content_sha256
            checked += 1
        for v in StatementVersion.objects.filter(cleared_at__isnull=False):
            assert statement_content_hash(v.title, v.text) == v.content_sha256, v
            for clearance in StatementClearance.objects.filter(version=v):
                assert clearance.content_sha256 == v.content_sha256
            checked += 1
        for v in ReportVersion.objects.all():
            recomputed = content_hash({"figures": v.figures, "narrative": v.narrative})
            signatures = ReportSignature.objects.filter(version=v)
            assert signatures and all(s.content_sha256 == recomputed for s in signatures), v
            checked += 1
    return checked


def test_erasing_a_co_chair_who_signed_leaves_every_frozen_version_and_hash_as_signed(
    kyrgyzstan, signed
):
    co_chair = kyrgyzstan.co_chair
    before = frozen_rows()
    assert assert_every_frozen_hash_verifies() >= 3

    erasure = person_erase(user=co_chair, by=None, reason="Request of 3 March, ref. DP-12")

    assert frozen_rows() == before  # not one stored byte of a frozen version changed
    assert assert_every_frozen_hash_verifies() >= 3
    assert erasure.pseudonym == PSEUDONYM
    # The signatures still name the same account: now the pseudonymised one.
    with scopes_disabled():
        assert MinutesApproval.objects.filter(co_chair=co_chair).count() == 1
        assert ReportSignature.objects.filter(co_chair=co_chair).count() == 1
        assert StatementClearance.objects.filter(co_chair=co_chair).count() == 1


def test_the_erased_person_is_a_pseudonym_with_an_address_that_leads_nowhere(kyrgyzstan, signed):
    co_chair = kyrgyzstan.co_chair
    former_email, former_name = co_chair.email, co_chair.full_name
    browser = Client()
    assert sign_in(browser, former_email).status_code == 302
    assert browser.get(f"{KG}/").status_code == 200
    assert UserSession.objects.filter(user=co_chair).exists()
    access_token_create(user=co_chair, name="script", scope="read")
    Authenticator.objects.create(user=co_chair, type=Authenticator.Type.TOTP, data={})

    person_erase(user=co_chair, by=None, reason="Request by email")

    fresh = User.objects.get(pk=co_chair.pk)
    assert fresh.full_name == PSEUDONYM and fresh.get_full_name() == PSEUDONYM
    assert fresh.email == f"erased-{co_chair.pk}@erased.invalid"
    assert fresh.job_title == "" and not fresh.is_active and not fresh.has_usable_password()
    assert fresh.erased_at is not None
    assert not AccessToken.objects.filter(user=co_chair).exists()
    assert not Authenticator.objects.filter(user=co_chair).exists()
    assert not UserSession.objects.filter(user=co_chair).exists()
    with scopes_disabled():
        assert not Membership.objects.active().filter(user=co_chair).exists()
        assert Membership.objects.filter(user=co_chair).exists()  # dated, kept, ended
    # The session they had is over, and neither the old nor the new address signs in.
    assert browser.get(f"{KG}/").status_code == 302
    assert sign_in(Client(), former_email).status_code != 302
    assert sign_in(Client(), fresh.email).status_code != 302
    assert not Client().login(email=former_email, password=TEST_PASSWORD)
    # Nothing of the former name or address stays on the account.
    assert former_name not in str(User.objects.filter(pk=co_chair.pk).values().get())
    assert former_email not in str(User.objects.filter(pk=co_chair.pk).values().get())


def test_the_pages_and_the_api_name_the_pseudonym_not_the_person(kyrgyzstan, signed):
    co_chair = kyrgyzstan.co_chair
    former_email, former_name = co_chair.email, co_chair.full_name
    person_erase(user=co_chair, by=None, reason="Request by email")

    secretariat = as_(kyrgyzstan.secretariat)
    meeting, report = signed["meeting"], signed["report"]
    statement = signed["statement"].statement
    pages = {
        "minutes": f"{KG}/meetings/{meeting.pk}/minutes/",
        "report": f"{KG}/reports/{report.pk}/",
        "statement": f"{KG}/decisions/statements/{statement.pk}/",
        "minutes API": f"/api/v1/networks/kyrgyzstan/meetings/{meeting.pk}/minutes/",
        "statement API": f"/api/v1/networks/kyrgyzstan/statements/{statement.pk}/",
    }
    for name, url in pages.items():
        response = secretariat.get(url)
        assert response.status_code == 200, (name, response.status_code)
        text = response.content.decode()
        assert former_name not in text, name
        assert former_email not in text, name
        if "API" not in name:
            assert PSEUDONYM in text, name
    # The stored content still holds the attendance as signed.
    with network_scope(kyrgyzstan.network):
        stored = MinutesVersion.objects.get(pk=signed["minutes"].pk).content
    assert former_email in {row["email"] for row in stored["attendance"]}


def test_an_erasure_needs_a_reason_and_happens_once(kyrgyzstan):
    member = kyrgyzstan.member
    with pytest.raises(ValidationError):
        person_erase(user=member, by=None, reason="  ")
    assert User.objects.get(pk=member.pk).erased_at is None
    assert not Erasure.objects.exists()
    person_erase(user=member, by=None, reason="Asked in writing")
    with pytest.raises(ValidationError):
        person_erase(user=member, by=None, reason="Again")
    assert Erasure.objects.filter(user=member).count() == 1


def test_the_operator_erases_from_the_admin_after_a_confirmation_page_with_a_reason(
    kyrgyzstan, client
):
    operator = User.objects.create_superuser("ops@portal.test", TEST_PASSWORD)
    client.force_login(operator)
    member = kyrgyzstan.member
    url = reverse("admin:accounts_user_changelist")
    chosen = {"action": "erase_personal_data", "_selected_action": [member.pk]}

    page = client.post(url, chosen)
    assert page.status_code == 200
    text = page.content.decode()
    assert "a former focal point of UNDP" in text and kyrgyzstan.network.name in text
    assert User.objects.get(pk=member.pk).erased_at is None  # nothing yet

    refused = client.post(url, {**chosen, "confirm": "1", "reason": ""})
    assert refused.status_code == 200
    assert User.objects.get(pk=member.pk).erased_at is None

    done = client.post(url, {**chosen, "confirm": "1", "reason": "Request of 3 March"})
    assert done.status_code == 302
    erased = User.objects.get(pk=member.pk)
    assert erased.erased_at is not None and erased.full_name == "a former focal point of UNDP"
    erasure = Erasure.objects.get(user=member)
    assert erasure.erased_by == operator and erasure.reason == "Request of 3 March"
    assert (
        "Request of 3 March"
        in client.get(reverse("admin:accounts_operatoraction_changelist")).content.decode()
    )


def test_the_command_erases_with_a_reason_and_says_what_it_did(kyrgyzstan, capsys):
    member = kyrgyzstan.member
    email = member.email
    with pytest.raises(CommandError):
        call_command("erase_person", "nobody@nowhere.test", reason="x", yes=True)
    call_command("erase_person", email.upper(), reason="Ticket 42", yes=True)
    out = capsys.readouterr().out
    assert "a former focal point of UNDP" in out and "Erased" in out
    assert User.objects.get(pk=member.pk).erased_at is not None
    assert not User.objects.filter(email=email).exists()
    with pytest.raises(CommandError):
        call_command("erase_person", User.objects.get(pk=member.pk).email, reason="x", yes=True)
