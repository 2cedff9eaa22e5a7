"""Signing off the agenda and the minutes under the network's rules (issue #14): one co-chair
approves an agenda and the others are told at once and may return it until it is circulated;
minutes need every co-chair in office unless the network says one is enough; a pending
sign-off names who signed and who is awaited; the approved minutes' PDF prints who approved
it, when, and the SHA-256 of what they approved."""

import io
from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from circulation.models import Circulation, Delivery
from meetings import services
from meetings.models import Meeting, MinutesApproval, MinutesVersion
from networks.scoping import network_scope
from tests.meetings.conftest import add_items, schedule
from tests.meetings.test_minutes import written


def url(meeting, name="detail", **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk, **kwargs}
    )


def submitted_agenda(net):
    meeting = schedule(net)
    add_items(net, meeting, "Welcome", "Labour migration study")
    with network_scope(net.network):
        services.agenda_submit(meeting=meeting, by=net.secretariat)
    return meeting


def choose_rules(net, login, **rules):
    """The co-chairs choose who signs, on their page (every kind must be given)."""
    chosen = {
        "agenda": "any_co_chair",
        "minutes": "all_co_chairs",
        "statement": "all_co_chairs",
        "report": "all_co_chairs",
        "workplan": "any_co_chair",
        **rules,
    }
    response = login(net.co_chair).post(
        reverse("networks:signoff-rules", kwargs={"network": "kyrgyzstan"}), chosen
    )
    assert response.status_code == 302
    net.network.refresh_from_db()


@pytest.fixture
def held(kyrgyzstan):
    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    return meeting


# The agenda ---------------------------------------------------------------------------------


def test_the_other_co_chair_is_told_when_one_approves_the_agenda(kyrgyzstan, login):
    meeting = submitted_agenda(kyrgyzstan)
    response = login(kyrgyzstan.co_chair).post(url(meeting, "agenda-approve"), follow=True)
    assert "the other co-chairs are told" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        meeting.refresh_from_db()
        [told] = Circulation.objects.filter(kind="signoff", about_id=meeting.pk)
        addresses = set(Delivery.objects.filter(circulation=told).values_list("address", flat=True))
    assert meeting.agenda_status == "approved"
    assert addresses == {kyrgyzstan.co_chair2.email}  # told at once; the approver is not
    text = told.rendered["en"]["text"]
    assert "Co Chair of Kyrgyzstan approved the agenda" in text and "return it" in text


def test_the_other_co_chair_may_return_an_approved_agenda_until_it_is_circulated(kyrgyzstan, login):
    meeting = submitted_agenda(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
    other = login(kyrgyzstan.co_chair2)
    page = other.get(url(meeting)).content.decode()
    assert "Return to the secretariat" in page and "Approve the agenda" not in page
    other.post(url(meeting, "agenda-return"), {"comment": "Add the UNHCR briefing."})
    with network_scope(kyrgyzstan.network):
        meeting.refresh_from_db()
    assert (meeting.agenda_status, meeting.agenda_note) == ("draft", "Add the UNHCR briefing.")
    assert meeting.agenda_approved_by is None
    page = login(kyrgyzstan.secretariat).get(url(meeting)).content.decode()
    assert "Add the UNHCR briefing." in page and "Circulate the agenda" not in page


def test_a_second_co_chair_returning_a_circulated_agenda_is_refused_and_nothing_changes(
    kyrgyzstan, login
):
    meeting = submitted_agenda(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
        services.agenda_circulate(meeting=meeting, by=kyrgyzstan.secretariat)
        before = Meeting.objects.get(pk=meeting.pk)
        with pytest.raises(ValidationError) as refused:
            services.agenda_return(meeting=meeting, by=kyrgyzstan.co_chair2, comment="Too late?")
    assert "already been circulated" in " ".join(refused.value.messages)
    assert refused.value.code == "wrong_state"
    other = login(kyrgyzstan.co_chair2)
    assert "Return to the secretariat" not in other.get(url(meeting)).content.decode()
    response = other.post(url(meeting, "agenda-return"), {"comment": "Too late?"}, follow=True)
    assert "already been circulated" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        after = Meeting.objects.get(pk=meeting.pk)
    assert (after.agenda_status, after.version, after.agenda_note) == (
        "circulated",
        before.version,
        "",
    )


def test_where_every_co_chair_approves_agendas_the_page_names_who_signed_and_who_is_awaited(
    kyrgyzstan, login
):
    choose_rules(kyrgyzstan, login, agenda="all_co_chairs")
    meeting = submitted_agenda(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
        meeting.refresh_from_db()
        assert meeting.agenda_status == "submitted"
        with pytest.raises(ValidationError, match="already approved"):
            services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
    page = login(kyrgyzstan.secretariat).get(url(meeting)).content.decode()
    assert "Signed by: Co Chair of Kyrgyzstan." in page
    assert "Still awaited: Co Chair2 of Kyrgyzstan." in page
    api = (
        login(kyrgyzstan.co_chair2)
        .get(f"/api/v1/networks/kyrgyzstan/meetings/{meeting.pk}/")
        .json()
    )
    assert api["agenda_steps"] == ["approve", "return"]
    assert api["agenda_signoff"]["awaited"] == ["Co Chair2 of Kyrgyzstan"]
    with network_scope(kyrgyzstan.network):
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair2)
        meeting.refresh_from_db()
    assert meeting.agenda_status == "approved"


# The minutes --------------------------------------------------------------------------------


def test_minutes_need_every_co_chair_and_the_pending_page_names_who_signed_and_who_is_awaited(
    kyrgyzstan, held, login
):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        services.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair, content_sha256=version.content_sha256
        )
        version.refresh_from_db()
    assert version.approved_at is None
    page = login(kyrgyzstan.secretariat).get(url(held, "minutes")).content.decode()
    assert "Every co-chair in office approves." in page
    assert "Signed by: Co Chair of Kyrgyzstan." in page
    assert "Still awaited: Co Chair2 of Kyrgyzstan." in page
    mine = login(kyrgyzstan.co_chair).get(url(held, "minutes")).content.decode()
    assert "You approved this version." in mine and "Approve this version" not in mine
    assert (
        "Approve this version"
        in login(kyrgyzstan.co_chair2).get(url(held, "minutes")).content.decode()
    )


@pytest.mark.parametrize("case", ["stale_hash", "twice"])
def test_approving_with_a_stale_hash_or_twice_is_refused_and_records_nothing(
    kyrgyzstan, held, login, case
):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        services.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair, content_sha256=version.content_sha256
        )
        before = MinutesApproval.objects.count()
    who, seen = {
        "stale_hash": (kyrgyzstan.co_chair2, "0" * 64),
        "twice": (kyrgyzstan.co_chair, version.content_sha256),
    }[case]
    response = login(who).post(url(held, "minutes-approve"), {"content_sha256": seen}, follow=True)
    message = {"stale_hash": "changed since you opened them", "twice": "already approved"}[case]
    assert message in response.content.decode()
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError) as refused:
            services.minutes_approve(minutes=minutes, by=who, content_sha256=seen)
        version.refresh_from_db()
        assert MinutesApproval.objects.count() == before
        assert not Circulation.objects.filter(kind="minutes").exists()
    assert refused.value.code == {"stale_hash": "stale", "twice": "already_signed"}[case]
    assert version.approved_at is None


def test_a_network_whose_rule_for_minutes_is_any_one_co_chair_freezes_them_on_the_first_approval(
    kyrgyzstan, held, login
):
    choose_rules(kyrgyzstan, login, minutes="any_co_chair")
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        services.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair2, content_sha256=version.content_sha256
        )
        version.refresh_from_db()
        minutes.refresh_from_db()
        assert Circulation.objects.filter(kind="minutes").count() == 1
    assert version.approved_at is not None and minutes.status == "approved"


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_approved_minutes_pdf_prints_who_approved_them_when_and_the_sha256(
    kyrgyzstan, held, login
):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
            services.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=version.content_sha256
            )
        version = MinutesVersion.objects.get(pk=version.pk)
        approvals = list(version.approvals.order_by("approved_at"))
    pdf = login(kyrgyzstan.member).get(url(held, "minutes-pdf", number=1)).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Approval record" in text
    for approval, name, organisation in zip(
        approvals,
        ["Co Chair of Kyrgyzstan", "Co Chair2 of Kyrgyzstan"],
        ["RCO", "IOM"],
        strict=True,
    ):
        utc = approval.approved_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        local = timezone.localtime(approval.approved_at, kyrgyzstan.network.zone)
        assert name in text and organisation in text
        assert f"{utc} UTC" in text
        assert f"{local:%Y-%m-%d %H:%M} Bishkek time (UTC+6)" in text
        assert "Asia/Bishkek" not in text
    assert "Co-chair" in text.replace("Co- chair", "Co-chair")  # the PDF may break the word
    assert version.content_sha256 in text.replace(" ", "")
