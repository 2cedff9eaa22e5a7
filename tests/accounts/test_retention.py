"""Retention (privacy.services.apply_retention, the beat job privacy.tasks.apply_retention):
each kind of record goes once older than its period in PORTAL_RETENTION_DAYS — exactly
those, with rows a day either side of each cut-off — and a second run removes nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from audit.chain import chain_key, record
from audit.models import AuditChain, AuditEvent
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
    # Security events on the platform's chain a day either side of its cut-off, and a step
    # as old on a network's chain (kept: the networks' trail is their record).
    for side in ("due", "kept"):
        made[side]["security"] = recorded_at(
            cut("security_events", side), kind=AuditEvent.Kind.SECURITY, event="signin.failed"
        ).pk
    made["network"] = {
        "step": recorded_at(
            cut("security_events", "due"),
            kind=AuditEvent.Kind.STEP,
            event="test.step",
            network_id=net.pk,
        ).pk
    }
    return made


def recorded_at(moment, **event) -> AuditEvent:
    """An audit row recorded at `moment` (its time is the clock's when written: rows are
    never changed afterwards)."""
    with mock.patch("django.utils.timezone.now", return_value=moment), transaction.atomic():
        return record(**event)


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
                "security": AuditEvent.every_chain.filter(pk=ids["security"]).exists(),
            }
            for side, ids in rows.items()
            if side in ("due", "kept")
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
        "security_events": 1,
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


def test_security_events_go_and_the_audit_trail_still_verifies_from_its_anchor(rows, kyrgyzstan):
    net = kyrgyzstan.network
    with scopes_disabled():
        network_chain = list(
            AuditEvent.every_chain.filter(network=net).order_by("seq").values_list("pk", "sha256")
        )
        network_head = AuditChain.objects.values().get(key=chain_key(net.pk))
        due = AuditEvent.every_chain.get(pk=rows["due"]["security"])
        # Everything on the platform's chain up to the due event is due (it is the oldest).
        older = AuditEvent.every_chain.filter(network__isnull=True, seq__lte=due.seq).count()
    assert apply_retention(now=NOW)["security_events"] == older

    with scopes_disabled():
        # The anchor: the platform chain now starts after the last row removed…
        platform = AuditChain.objects.get(key="platform")
        assert (platform.start, platform.start_sha256) == (due.seq, due.sha256)
        # …and says so in a row of its own, hashed with the rest.
        cut = AuditEvent.every_chain.get(network__isnull=True, event="audit.retention")
        assert cut.summary["through"] == due.seq
        assert cut.summary["through_sha256"] == due.sha256
        assert cut.summary["removed"] == older
        assert cut.seq == platform.length
        # No network's chain touched, not even its rows as old as the removed ones.
        assert (
            list(
                AuditEvent.every_chain.filter(network=net)
                .order_by("seq")
                .values_list("pk", "sha256")
            )
            == network_chain
        )
        assert rows["network"]["step"] in {pk for pk, _sha in network_chain}
        assert AuditChain.objects.values().get(key=chain_key(net.pk)) == network_head

    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "BROKEN" not in out.getvalue()
    assert "platform: 2 rows, intact" in out.getvalue()  # the kept event and the cut's row
    assert "chains are intact" in out.getvalue()
    # A second run finds nothing due, and the chain still verifies.
    assert apply_retention(now=NOW)["security_events"] == 0
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "chains are intact" in out.getvalue()


def test_a_longer_period_for_security_events_keeps_them(rows, settings):
    days = settings.PORTAL_RETENTION_DAYS
    settings.PORTAL_RETENTION_DAYS = {**days, "security_events": days["security_events"] * 10}
    assert apply_retention(now=NOW)["security_events"] == 0
    assert state(rows)["due"]["security"] is True
    with scopes_disabled():
        assert AuditChain.objects.get(key="platform").start == 0
