"""Retention (privacy.services.apply_retention, the beat job privacy.tasks.apply_retention):
each kind of record goes once older than its period in PORTAL_RETENTION_DAYS — exactly
those, with rows a day either side of each cut-off — and a second run removes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.utils import timezone

from circulation.models import Circulation, Delivery
from documents.models import DocumentRead, DocumentVersion
from networks.models import Invitation
from networks.scoping import scopes_disabled
from privacy.services import apply_retention
from privacy.tasks import apply_retention as apply_retention_task

NOW = timezone.now()
DAY = timedelta(days=1)


def test_the_job_is_on_the_daily_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "privacy.tasks.apply_retention"


@pytest.fixture
def rows(kyrgyzstan, victim):
    """For each kind, one row a day before its cut-off (due) and one a day after (kept)."""
    net, member = kyrgyzstan.network, kyrgyzstan.member
    days = django_settings.PORTAL_RETENTION_DAYS
    made: dict[str, dict[str, int]] = {}

    def cut(kind: str, side: str):
        return NOW - timedelta(days=days[kind]) + (-DAY if side == "due" else DAY)

    with scopes_disabled():
        for side in ("due", "kept"):
            circulation = Circulation.objects.create(
                network=net, kind=Circulation.Kind.DOCUMENT, template="test"
            )
            Circulation.objects.filter(pk=circulation.pk).update(created_at=cut("deliveries", side))
            delivery = Delivery.objects.create(
                network=net,
                circulation=circulation,
                recipient=member,
                address=member.email,
                language="en",
                message_id=f"<retention-{side}@portal.test>",
            )
            # A recent mailing opened long ago: only its opened-link data is due.
            recent = Circulation.objects.create(
                network=net, kind=Circulation.Kind.DOCUMENT, template="test"
            )
            opened = Delivery.objects.create(
                network=net,
                circulation=recent,
                recipient=member,
                address=member.email,
                language="en",
                message_id=f"<opened-{side}@portal.test>",
                opened_at=cut("opened_links", side),
            )
            session = UserSession.objects.create(
                user=member,
                ip="192.0.2.1",
                session_key=f"retention-{side}",
                user_agent="test",
                last_seen_at=cut("sessions", side),
            )
            invitation = Invitation.objects.create(
                network=net,
                email=f"invited-{side}@example.test",
                organisation=kyrgyzstan.organisations["UNDP"],
                role="member",
                token_hash=f"retention-{side}",
                expires_at=cut("invitations", side),
            )
            version = DocumentVersion.objects.filter(network=victim.network).first()
            read = DocumentRead.objects.create(
                network=victim.network, version=version, user=victim.people[side_user(side)]
            )
            DocumentRead.objects.filter(pk=read.pk).update(opened_at=cut("document_reads", side))
            made[side] = {
                "delivery": delivery.pk,
                "opened": opened.pk,
                "session": session.pk,
                "invitation": invitation.pk,
                "read": read.pk,
            }
        # An invitation accepted long ago stays with the account it made.
        accepted = Invitation.objects.create(
            network=net,
            email=member.email,
            organisation=kyrgyzstan.organisations["UNDP"],
            role="member",
            token_hash="retention-accepted",
            expires_at=NOW - timedelta(days=days["invitations"] * 3),
            accepted_at=NOW - timedelta(days=days["invitations"] * 3),
            accepted_by=member,
        )
        made["accepted"] = {"invitation": accepted.pk}
    return made


def side_user(side: str) -> str:
    return "member" if side == "due" else "member_unhcr"


def state(rows) -> dict[str, dict[str, bool]]:
    with scopes_disabled():
        return {
            side: {
                "delivery": Delivery.objects.filter(pk=ids["delivery"]).exists(),
                "opened": Delivery.objects.get(pk=ids["opened"]).opened_at is not None,
                "session": UserSession.objects.filter(pk=ids["session"]).exists(),
                "invitation": Invitation.objects.filter(pk=ids["invitation"]).exists(),
                "read": DocumentRead.objects.filter(pk=ids["read"]).exists(),
            }
            for side, ids in rows.items()
            if side != "accepted"
        }


def test_retention_removes_exactly_what_is_due_and_a_second_run_nothing(rows):
    with scopes_disabled():
        before = {
            "deliveries": Delivery.objects.count(),
            "reads": DocumentRead.objects.count(),
            "invitations": Invitation.objects.count(),
        }
    removed = apply_retention(now=NOW)
    assert removed == {
        "deliveries": 1,
        "opened_links": 1,
        "sessions": 1,
        "invitations": 1,
        "document_reads": 1,
    }
    after = state(rows)
    assert after["due"] == dict.fromkeys(after["due"], False)
    assert after["kept"] == dict.fromkeys(after["kept"], True)
    with scopes_disabled():
        assert Invitation.objects.filter(pk=rows["accepted"]["invitation"]).exists()
        assert Delivery.objects.count() == before["deliveries"] - 1
        assert DocumentRead.objects.count() == before["reads"] - 1
        assert Invitation.objects.count() == before["invitations"] - 1
    assert apply_retention(now=NOW) == dict.fromkeys(removed, 0)


def test_each_period_comes_from_the_settings(rows, settings):
    # Sessions kept ten times longer: neither session row is due any more.
    days = settings.PORTAL_RETENTION_DAYS
    settings.PORTAL_RETENTION_DAYS = {**days, "sessions": days["sessions"] * 10}
    assert apply_retention(now=NOW)["sessions"] == 0
    assert state(rows)["due"]["session"] is True


def test_the_beat_task_applies_it(rows):
    assert apply_retention_task.apply().get()["deliveries"] == 1
    assert state(rows)["due"]["delivery"] is False
