"""Minutes: attendance and items written by the secretariat, submitted as a version with
the SHA-256 of its content and PDF, approved under the network's rule, circulated, and then
frozen; a correction is a new version with a reason."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from circulation.models import Circulation, Delivery
from meetings import services
from meetings.models import (
    Attendance,
    Minutes,
    MinutesItem,
    MinutesVersion,
    Participant,
)
from networks.models import Network
from networks.scoping import network_scope
from tests.meetings.conftest import add_items, schedule
from workflow import FrozenError


def url(meeting, name="minutes", **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk, **kwargs}
    )


@pytest.fixture
def held(kyrgyzstan):
    """A meeting held yesterday with two agenda items; the member said they attend."""
    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    with network_scope(kyrgyzstan.network):
        services.rsvp(meeting=meeting, user=kyrgyzstan.member, answer="accepted")
    return meeting


def written(net, meeting):
    """Start the minutes and write the second item, with a decision and an action point."""
    with network_scope(net.network):
        minutes = services.minutes_start(meeting=meeting, by=net.secretariat)
        item = MinutesItem.objects.get(minutes=minutes, title="Labour migration study")
        services.minutes_item_save(
            item=item,
            by=net.secretariat,
            version=None,
            summary="IOM presented the study.",
            decisions="The network endorses the study.\nUNDP leads the follow-up.",
            action_points=[
                {
                    "text": "Share the study with the government",
                    "owner_organisation": net.organisations["UNDP"],
                    "due_date": date(2027, 1, 31),
                }
            ],
        )
        minutes.refresh_from_db()
    return minutes


@pytest.mark.real_pdf  # reads what the PDF says
def test_from_draft_to_approved_and_circulated_minutes_a_member_reads(
    kyrgyzstan, held, login, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    secretariat = login(kyrgyzstan.secretariat)
    secretariat.post(url(held, "minutes-start"))
    with network_scope(kyrgyzstan.network):
        minutes = Minutes.objects.get(meeting=held)
        attendance = dict(Attendance.objects.filter(minutes=minutes).values_list("user", "status"))
    assert attendance[kyrgyzstan.member.pk] == "present"  # said they attend
    assert attendance[kyrgyzstan.member_unhcr.pk] == "absent"  # did not answer

    secretariat.post(
        url(held, "minutes-attendance"),
        {"version": minutes.version, **{f"status_{uid}": "present" for uid in attendance}},
    )
    with network_scope(kyrgyzstan.network):
        minutes.refresh_from_db()
        item = MinutesItem.objects.get(minutes=minutes, title="Labour migration study")
    response = secretariat.post(
        url(held, "minutes-item", minutes_item_id=item.pk),
        {
            "version": minutes.version,
            "summary": "IOM presented the study.",
            "decisions": "The network endorses the study.",
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-text": "Share the study with the government",
            "form-0-owner_organisation": kyrgyzstan.organisations["UNDP"].pk,
            "form-0-due_date": "2027-01-31",
        },
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        minutes.refresh_from_db()
    secretariat.post(url(held, "minutes-submit"), {"version": minutes.version})
    with network_scope(kyrgyzstan.network):
        version = MinutesVersion.objects.get(minutes=minutes)
    pages = PdfReader(io.BytesIO(bytes(version.pdf))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Labour migration study" in text and "Share the study with the government" in text
    assert version.content["representation"] == {
        "member_organisations": 4,
        "represented": 4,
        "missing": [],
    }

    first = login(kyrgyzstan.co_chair)
    page = first.get(url(held)).content.decode()
    assert version.content_sha256 in page and "Approve this version" in page
    response = first.post(
        url(held, "minutes-approve"), {"content_sha256": version.content_sha256}, follow=True
    )
    assert "the other co-chair" in response.content.decode()
    assert mail.outbox == []  # all co-chairs approve, by default

    second = login(kyrgyzstan.co_chair2)
    with django_capture_on_commit_callbacks(execute=True):
        second.post(url(held, "minutes-approve"), {"content_sha256": version.content_sha256})
    with network_scope(kyrgyzstan.network):
        version.refresh_from_db()
        approvals = list(version.approvals.values_list("co_chair", "content_sha256"))
    assert version.approved_at is not None
    assert sorted(approvals) == sorted(
        [
            (kyrgyzstan.co_chair.pk, version.content_sha256),
            (kyrgyzstan.co_chair2.pk, version.content_sha256),
        ]
    )
    recipients = {m.to[0] for m in mail.outbox}
    assert kyrgyzstan.member.email in recipients and len(mail.outbox) == 5
    message = next(m for m in mail.outbox if m.to == [kyrgyzstan.member.email])
    assert message.subject.startswith("Minutes: Q3 regular meeting")
    assert message.attachments == []  # internal: linked, never attached

    member = login(kyrgyzstan.member)
    page = member.get(url(held)).content.decode()
    assert "Approved minutes (version 1)" in page and "IOM presented the study." in page
    pdf = member.get(url(held, "minutes-pdf", number=1))
    assert pdf.status_code == 200 and pdf.content == bytes(version.pdf)


def test_any_one_co_chair_approves_when_the_network_says_so(kyrgyzstan, held):
    Network.objects.filter(pk=kyrgyzstan.network.pk).update(minutes_approval_rule="any_co_chair")
    kyrgyzstan.network.refresh_from_db()
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        services.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair, content_sha256=version.content_sha256
        )
        version.refresh_from_db()
        assert version.approved_at is not None
        assert Circulation.objects.filter(kind="minutes").count() == 1


def test_an_approved_version_cannot_change_through_the_model_in_any_way(kyrgyzstan, held):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
            services.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=version.content_sha256
            )
        version.refresh_from_db()
        stored = (version.content, bytes(version.pdf), version.content_sha256)
        version.content = {"items": []}
        with pytest.raises(FrozenError):
            version.save()
        with pytest.raises(FrozenError):
            MinutesVersion.objects.filter(pk=version.pk).update(content={})
        with pytest.raises(FrozenError):
            MinutesVersion.objects.filter(pk=version.pk).delete()
        with pytest.raises(FrozenError):
            version.delete()
        fresh = MinutesVersion.objects.get(pk=version.pk)
    assert (fresh.content, bytes(fresh.pdf), fresh.content_sha256) == stored


def test_nor_through_a_form_the_api_or_the_admin(kyrgyzstan, held, login, admin_client):
    from django.contrib import admin

    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
            services.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=version.content_sha256
            )
        item = MinutesItem.objects.get(minutes=minutes, title="Labour migration study")
        minutes.refresh_from_db()
    # The form: the item editor refuses while the minutes are approved.
    response = login(kyrgyzstan.secretariat).post(
        url(held, "minutes-item", minutes_item_id=item.pk),
        {
            "version": minutes.version,
            "summary": "Rewritten history",
            "decisions": "",
            "form-TOTAL_FORMS": "0",
            "form-INITIAL_FORMS": "0",
        },
    )
    assert "can no longer be edited" in response.content.decode()
    # The API: minutes are read-only there.
    api = f"/api/v1/networks/kyrgyzstan/meetings/{held.pk}/minutes/"
    client = login(kyrgyzstan.secretariat)
    for method in ("put", "patch", "delete", "post"):
        assert getattr(client, method)(api, {}, content_type="application/json").status_code == 405
    # The admin: operators have no page for a network's minutes.
    assert not admin.site.is_registered(MinutesVersion)
    assert admin_client.get("/operators/meetings/minutesversion/").status_code == 404
    with network_scope(kyrgyzstan.network):
        version.refresh_from_db()
        item.refresh_from_db()
    assert item.summary == "IOM presented the study."
    assert "Rewritten history" not in str(version.content)


def test_a_correction_is_a_new_version_with_its_reason_and_approval(kyrgyzstan, held):
    minutes = written(kyrgyzstan, held)
    people = kyrgyzstan.people
    with network_scope(kyrgyzstan.network):
        first = services.minutes_submit(minutes=minutes, by=people["secretariat"])
        for key in ("co_chair", "co_chair2"):
            services.minutes_approve(
                minutes=minutes, by=people[key], content_sha256=first.content_sha256
            )
        with pytest.raises(ValidationError):
            services.minutes_correct(minutes=minutes, by=people["secretariat"], reason=" ")
        services.minutes_correct(
            minutes=minutes, by=people["secretariat"], reason="UNHCR's name was misspelt"
        )
        item = MinutesItem.objects.get(minutes=minutes, title="Labour migration study")
        services.minutes_item_save(
            item=item,
            by=people["secretariat"],
            version=None,
            summary="IOM and UNHCR presented the study.",
            decisions="The network endorses the study.",
            action_points=[],
        )
        second = services.minutes_submit(minutes=minutes, by=people["secretariat"])
        assert (second.number, second.reason) == (2, "UNHCR's name was misspelt")
        assert second.content_sha256 != first.content_sha256
        for key in ("co_chair", "co_chair2"):
            services.minutes_approve(
                minutes=minutes, by=people[key], content_sha256=second.content_sha256
            )
        first.refresh_from_db()
        subjects = [
            c.rendered["en"]["subject"]
            for c in Circulation.objects.filter(kind="minutes").order_by("pk")
        ]
    assert first.content["items"][1]["summary"] == "IOM presented the study."
    assert subjects[1].startswith("Corrected minutes (version 2)")


@pytest.mark.parametrize(
    "case, message",
    [
        ("empty", "The minutes are empty"),
        ("twice", "You have already approved this version."),
        ("stale_hash", "These minutes changed since you opened them"),
        ("not_submitted", "Only submitted minutes can be approved or returned."),
        ("return_without_note", "Say what should change."),
        ("stale_edit", "Someone else changed these minutes"),
    ],
)
def test_bad_steps_are_refused_with_a_clear_message_and_change_nothing(
    kyrgyzstan, held, case, message
):
    people = kyrgyzstan.people
    with network_scope(kyrgyzstan.network):
        if case == "empty":
            minutes = services.minutes_start(meeting=held, by=people["secretariat"])
        else:
            minutes = written(kyrgyzstan, held)
        if case in ("twice", "stale_hash", "return_without_note"):
            version = services.minutes_submit(minutes=minutes, by=people["secretariat"])
        if case == "twice":
            services.minutes_approve(
                minutes=minutes, by=people["co_chair"], content_sha256=version.content_sha256
            )
        minutes.refresh_from_db()
        before = (minutes.status, minutes.version, MinutesVersion.objects.count())
        actions = {
            "empty": lambda: services.minutes_submit(minutes=minutes, by=people["secretariat"]),
            "twice": lambda: services.minutes_approve(
                minutes=minutes, by=people["co_chair"], content_sha256=version.content_sha256
            ),
            "stale_hash": lambda: services.minutes_approve(
                minutes=minutes, by=people["co_chair"], content_sha256="0" * 64
            ),
            "not_submitted": lambda: services.minutes_approve(
                minutes=minutes, by=people["co_chair"], content_sha256="0" * 64
            ),
            "return_without_note": lambda: services.minutes_return(
                minutes=minutes, by=people["co_chair"], note="  "
            ),
            "stale_edit": lambda: services.minutes_item_save(
                item=MinutesItem.objects.filter(minutes=minutes).first(),
                by=people["secretariat"],
                version=minutes.version - 1,
                summary="Typed over an older copy",
                decisions="",
                action_points=[],
            ),
        }
        with pytest.raises(ValidationError) as error:
            actions[case]()
        assert message in " ".join(error.value.messages)
        minutes.refresh_from_db()
        assert (minutes.status, minutes.version, MinutesVersion.objects.count()) == before
        assert not Delivery.objects.filter(circulation__kind="minutes").exists()


def test_attendees_comment_until_the_deadline_and_the_co_chairs_read_it(kyrgyzstan, held, login):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        services.minutes_submit(
            minutes=minutes,
            by=kyrgyzstan.secretariat,
            comment_deadline=timezone.now() + timedelta(days=3),
        )
    member = login(kyrgyzstan.member)
    home = reverse("networks:home", kwargs={"network": "kyrgyzstan"})
    assert (
        "Comment on the draft minutes of “Q3 regular meeting”" in member.get(home).content.decode()
    )
    assert "Send my comment" in member.get(url(held)).content.decode()
    member.post(url(held, "minutes-comment"), {"text": "Please add UNDP's offer of support."})
    assert "Please add UNDP" not in member.get(url(held)).content.decode()
    co_chair_page = login(kyrgyzstan.co_chair).get(url(held)).content.decode()
    assert "Please add UNDP&#x27;s offer of support." in co_chair_page
    with network_scope(kyrgyzstan.network):
        Minutes.objects.filter(pk=minutes.pk).update(comment_deadline=timezone.now())
        with pytest.raises(ValidationError, match="comment period has ended"):
            services.minutes_comment(minutes=minutes, by=kyrgyzstan.member, text="Late")
        outsider = Participant.objects.filter(meeting=held).count()
    assert outsider == 5


def test_a_co_chair_returns_the_minutes_with_comments(kyrgyzstan, held, login):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
    login(kyrgyzstan.co_chair).post(url(held, "minutes-return"), {"note": "Name the presenters."})
    page = login(kyrgyzstan.secretariat).get(url(held)).content.decode()
    assert "Returned by a co-chair" in page and "Name the presenters." in page
    with network_scope(kyrgyzstan.network):
        minutes.refresh_from_db()
        [version] = MinutesVersion.objects.filter(minutes=minutes)
    assert minutes.status == "draft" and version.returned_at and not version.approved_at


def test_members_do_not_see_a_draft(kyrgyzstan, held, login):
    written(kyrgyzstan, held)
    page = login(kyrgyzstan.member).get(url(held)).content.decode()
    assert "IOM presented the study." not in page
    assert "being written" in page


def test_the_home_page_tells_each_co_chair_what_waits_for_their_approval(kyrgyzstan, held, login):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        services.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair, content_sha256=version.content_sha256
        )
    home = reverse("networks:home", kwargs={"network": "kyrgyzstan"})
    waiting = "Approve the minutes of “Q3 regular meeting”"
    assert waiting not in login(kyrgyzstan.co_chair).get(home).content.decode()
    assert waiting in login(kyrgyzstan.co_chair2).get(home).content.decode()
    assert waiting not in login(kyrgyzstan.member).get(home).content.decode()


def test_the_minutes_page_runs_the_same_queries_as_the_minutes_grow(kyrgyzstan, held, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from networks import services as network_services
    from tests.factories import person

    minutes = written(kyrgyzstan, held)
    client = login(kyrgyzstan.co_chair)
    client.get(url(held))

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(held)).status_code == 200
        return len(context)

    small = count()
    with network_scope(kyrgyzstan.network):
        for index in range(8):
            item = MinutesItem.objects.create(
                network=kyrgyzstan.network,
                minutes=minutes,
                position=10 + index,
                title=f"Item {index}",
            )
            services.minutes_item_save(
                item=item,
                by=kyrgyzstan.secretariat,
                version=None,
                summary="Discussed.",
                decisions="One.\nTwo.",
                action_points=[
                    {
                        "text": "Follow up",
                        "owner_organisation": kyrgyzstan.organisations["UNHCR"],
                        "due_date": date(2027, 3, 1),
                    }
                ]
                * 3,
            )
    for index in range(5):
        someone = person(f"extra{index}@unhcr.test")
        network_services.membership_start(
            network=kyrgyzstan.network,
            user=someone,
            organisation=kyrgyzstan.organisations["UNHCR"],
            role="member",
            started_by=kyrgyzstan.secretariat,
        )
        with network_scope(kyrgyzstan.network):
            Attendance.objects.create(
                network=kyrgyzstan.network, minutes=minutes, user=someone, status="present"
            )
    assert count() == small


@pytest.mark.parametrize(
    "key, name, allowed",
    [
        ("secretariat", "minutes-start", True),
        ("co_chair", "minutes-start", False),
        ("member", "minutes-start", False),
        ("co_chair", "minutes-submit", False),
        ("member", "minutes-attendance", False),
        ("co_chair", "minutes-attendance", False),
        ("secretariat", "minutes-approve", False),
        ("member", "minutes-approve", False),
        ("rco", "minutes-approve", False),
        ("secretariat", "minutes-return", False),
        ("member", "minutes-correct", False),
        ("co_chair", "minutes-correct", False),
        ("rco", "minutes-comment", False),
    ],
)
def test_each_minutes_step_is_allowed_only_to_its_roles(
    kyrgyzstan, held, login, key, name, allowed
):
    """Who may take each step is the permission table's answer: 403 for the others, and
    nothing changes."""
    client = login(kyrgyzstan.people[key])
    response = client.post(url(held, name), {})
    assert (response.status_code == 302) is allowed, response.status_code
    if not allowed:
        assert response.status_code == 403
        with network_scope(kyrgyzstan.network):
            assert not MinutesVersion.objects.exists()


def test_a_stale_item_save_keeps_what_was_typed_in_the_form(kyrgyzstan, held, login):
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        item = MinutesItem.objects.get(minutes=minutes, title="Labour migration study")
    response = login(kyrgyzstan.secretariat).post(
        url(held, "minutes-item", minutes_item_id=item.pk),
        {
            "version": minutes.version - 1,
            "summary": "My long careful summary",
            "decisions": "",
            "form-TOTAL_FORMS": "0",
            "form-INITIAL_FORMS": "0",
        },
    )
    page = response.content.decode()
    assert "Someone else changed these minutes" in page
    assert "My long careful summary" in page
    with network_scope(kyrgyzstan.network):
        item.refresh_from_db()
    assert item.summary == "IOM presented the study."
