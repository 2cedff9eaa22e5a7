"""The audit trail: append-only in the database itself, hash-chained per network so that a
removed, altered or moved row is found, and fed by the workflow's steps, role changes and
security events — each once, with the person."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit import triggers
from audit.chain import apply_retention, chain_key, record
from audit.models import AppendOnlyError, AuditChain, AuditEvent
from meetings import services as meetings
from meetings.models import AgendaItem, MinutesItem
from networks import services as networks
from networks.scoping import network_scope, scopes_disabled
from tests.factories import TEST_PASSWORD, person
from tests.meetings.conftest import schedule


def events(net, **filters):
    with network_scope(net.network):
        return list(AuditEvent.objects.filter(**filters).order_by("seq"))


def a_row(net) -> AuditEvent:
    with transaction.atomic():
        return record(
            kind=AuditEvent.Kind.STEP,
            event="test.step",
            network_id=net.network.pk,
            user_id=net.secretariat.pk,
            summary={"before": "draft", "leads_to": "submitted"},
        )


# --- Append-only in the database ---------------------------------------------------------


def test_the_database_refuses_to_update_an_audit_row(kyrgyzstan):
    row = a_row(kyrgyzstan)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {triggers.TABLE} SET event = %s WHERE id = %s", ["forged", row.pk])
    with scopes_disabled():
        assert AuditEvent.every_chain.get(pk=row.pk).event == "test.step"


def test_the_database_refuses_to_delete_an_audit_row(kyrgyzstan):
    row = a_row(kyrgyzstan)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {triggers.TABLE} WHERE id = %s", [row.pk])
    assert AuditEvent.every_chain.filter(pk=row.pk).exists()


def test_the_model_refuses_a_change_or_a_removal(kyrgyzstan):
    row = a_row(kyrgyzstan)
    row.event = "forged"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.every_chain.filter(pk=row.pk).update(event="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.every_chain.filter(pk=row.pk).delete()


# --- audit_verify ------------------------------------------------------------------------


def tamper(sql: str, params: list) -> None:
    """What someone with the database owner's rights could do: lift the trigger and edit."""
    with triggers.lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_verify(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_audit_verify_passes_an_untouched_chain_and_says_what_it_checked(kyrgyzstan):
    for _ in range(3):
        a_row(kyrgyzstan)
    code, out = run_verify("--network", "kyrgyzstan")
    assert code == 0, out
    count = AuditEvent.every_chain.filter(network=kyrgyzstan.network).count()
    assert f"{chain_key(kyrgyzstan.network.pk)} (kyrgyzstan): {count} rows, intact" in out


def test_audit_verify_catches_a_deleted_row(kyrgyzstan):
    rows = [a_row(kyrgyzstan) for _ in range(3)]
    tamper(f"DELETE FROM {triggers.TABLE} WHERE id = %s", [rows[1].pk])
    code, out = run_verify("--network", "kyrgyzstan")
    assert code == 1
    assert f"row #{rows[2].seq} (id {rows[2].pk})" in out
    assert "missing (removed)" in out


def test_audit_verify_catches_the_last_row_removed(kyrgyzstan):
    rows = [a_row(kyrgyzstan) for _ in range(2)]
    tamper(f"DELETE FROM {triggers.TABLE} WHERE id = %s", [rows[-1].pk])
    code, out = run_verify("--network", "kyrgyzstan")
    assert code == 1
    assert f"should end at row #{rows[-1].seq}: its last rows were removed" in out


def test_audit_verify_catches_an_altered_row(kyrgyzstan):
    rows = [a_row(kyrgyzstan) for _ in range(3)]
    tamper(
        f"UPDATE {triggers.TABLE} SET user_id = %s WHERE id = %s",
        [kyrgyzstan.co_chair.pk, rows[1].pk],
    )
    code, out = run_verify("--network", "kyrgyzstan")
    assert code == 1
    assert f"row #{rows[1].seq} (id {rows[1].pk}): was altered" in out


def test_audit_verify_catches_two_rows_swapped(kyrgyzstan):
    first, second = a_row(kyrgyzstan), a_row(kyrgyzstan)
    # Swap their places (through a free number, since each place is unique).
    tamper(f"UPDATE {triggers.TABLE} SET seq = 0 WHERE id = %s", [first.pk])
    tamper(f"UPDATE {triggers.TABLE} SET seq = %s WHERE id = %s", [first.seq, second.pk])
    tamper(f"UPDATE {triggers.TABLE} SET seq = %s WHERE id = %s", [second.seq, first.pk])
    code, out = run_verify("--network", "kyrgyzstan")
    assert code == 1
    assert f"row #{first.seq} (id {second.pk})" in out


def test_audit_verify_of_every_chain_includes_the_platform_chain(kyrgyzstan, client):
    client.force_login(kyrgyzstan.member)  # a sign-in: the platform's chain
    code, out = run_verify()
    assert code == 0, out
    assert "platform:" in out
    assert "kyrgyzstan" in out


# --- Retention of the platform's security events (audit.chain.apply_retention) ----------


def security_rows(count: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            record(kind=AuditEvent.Kind.SECURITY, event="signin.failed", summary={"n": n})
            for n in range(count)
        ]


def test_retention_cuts_the_platform_chain_at_a_prefix_and_it_still_verifies(kyrgyzstan):
    network_rows = [a_row(kyrgyzstan) for _ in range(2)]
    old = security_rows(3)
    later = timezone.now() + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(seconds=1)):
        kept = security_rows(1)[0]
    assert apply_retention(before=later) == 3
    head = AuditChain.objects.get(key="platform")
    assert (head.start, head.start_sha256) == (old[-1].seq, old[-1].sha256)
    assert not AuditEvent.every_chain.filter(pk__in=[row.pk for row in old]).exists()
    assert AuditEvent.every_chain.filter(pk=kept.pk).exists()
    assert AuditEvent.every_chain.filter(pk__in=[row.pk for row in network_rows]).count() == 2
    code, out = run_verify()
    assert code == 0, out
    assert "platform: 2 rows, intact" in out  # the kept event and the row recording the cut
    # The trigger is back: the database still refuses a DELETE.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {triggers.TABLE} WHERE id = %s", [kept.pk])


def test_retention_never_cuts_a_broken_platform_chain(kyrgyzstan):
    rows = security_rows(3)
    tamper(f"DELETE FROM {triggers.TABLE} WHERE id = %s", [rows[1].pk])
    assert apply_retention(before=timezone.now() + timedelta(days=1)) == 0
    assert AuditEvent.every_chain.filter(pk__in=[rows[0].pk, rows[2].pk]).count() == 2
    assert AuditChain.objects.get(key="platform").start == 0
    assert run_verify()[0] == 1


def test_audit_verify_catches_the_oldest_rows_removed_and_the_anchor_moved_by_hand(kyrgyzstan):
    rows = security_rows(3)
    tamper(f"DELETE FROM {triggers.TABLE} WHERE id = %s", [rows[0].pk])
    code, out = run_verify()
    assert code == 1
    assert "missing (removed)" in out
    # Moving the anchor over the gap, as retention would, is not enough: no row records it.
    AuditChain.objects.filter(key="platform").update(start=rows[0].seq, start_sha256=rows[0].sha256)
    code, out = run_verify()
    assert code == 1
    assert "no audit.retention row records that cut" in out


def test_audit_verify_refuses_an_unknown_network(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("audit_verify", "--network", "atlantis")


# --- What is recorded --------------------------------------------------------------------


def minutes_submitted(net):
    meeting = schedule(net, start=timezone.now() - timedelta(days=1))
    with network_scope(net.network):
        AgendaItem.objects.create(network=net.network, meeting=meeting, title="Welcome")
        minutes = meetings.minutes_start(meeting=meeting, by=net.secretariat)
        meetings.minutes_item_save(
            item=MinutesItem.objects.get(minutes=minutes),
            by=net.secretariat,
            version=None,
            summary="The chair opened the meeting.",
            decisions="",
            action_points=[],
        )
        version = meetings.minutes_submit(minutes=minutes, by=net.secretariat)
    return minutes, version


def test_a_co_chairs_approval_of_the_minutes_is_recorded_once_with_who_and_for_whom(kyrgyzstan):
    net = kyrgyzstan
    minutes, version = minutes_submitted(net)
    with network_scope(net.network):
        meetings.minutes_approve(
            minutes=minutes, by=net.co_chair, content_sha256=version.content_sha256
        )
    approvals = events(net, event="minutes.approve")
    assert len(approvals) == 1
    approval = approvals[0]
    assert approval.user_id == net.co_chair.pk
    assert approval.organisation_id == net.organisations["RCO"].pk
    assert (approval.object_type, approval.object_id) == ("meetings.minutes", str(minutes.pk))
    assert approval.summary == {"before": "submitted", "leads_to": "approved"}
    assert approval.kind == AuditEvent.Kind.STEP
    assert [e.user_id for e in events(net, event="minutes.submit")] == [net.secretariat.pk]


def test_a_refused_step_records_nothing(kyrgyzstan):
    from django.core.exceptions import ValidationError

    net = kyrgyzstan
    minutes, _version = minutes_submitted(net)
    before = len(events(net))
    with network_scope(net.network), pytest.raises(ValidationError):
        meetings.minutes_approve(minutes=minutes, by=net.co_chair, content_sha256="0" * 64)
    # The stale hash was refused after require() had let the step through: its record went
    # with the rolled-back change.
    assert len(events(net)) == before


def test_asking_which_steps_apply_records_nothing(kyrgyzstan, client):
    net = kyrgyzstan
    minutes, _version = minutes_submitted(net)
    before = len(events(net))
    client.force_login(net.co_chair)
    page = client.get(reverse("meetings:minutes", args=[net.network.slug, minutes.meeting_id]))
    assert page.status_code == 200
    assert len(events(net)) == before


def test_a_report_submitted_by_a_co_chair_is_recorded(kyrgyzstan):
    from common import quarters
    from reports import services

    net = kyrgyzstan
    with network_scope(net.network):
        period = quarters.last_ended_quarter(net.network)
        report, _created = services.report_open(
            network=net.network, by=net.secretariat, year=period.year, quarter=period.quarter
        )
        services.report_submit(report=report, by=net.co_chair)
    submitted = events(net, event="report.submit")
    assert [(e.user_id, e.object_id) for e in submitted] == [(net.co_chair.pk, str(report.pk))]


def test_a_membership_started_and_ended_is_recorded_without_the_persons_name(kyrgyzstan):
    net = kyrgyzstan
    newcomer = person("newcomer@undp.test", full_name="Aida Newcomer")
    membership = networks.membership_start(
        network=net.network,
        user=newcomer,
        organisation=net.organisations["UNDP"],
        role="member",
        started_by=net.secretariat,
    )
    networks.membership_end(membership=membership, ended_by=net.secretariat, reason="Moved")
    started, ended = events(net, object_type="networks.membership", object_id=str(membership.pk))
    assert (started.event, ended.event) == ("membership.start", "membership.end")
    assert started.user_id == net.secretariat.pk
    assert started.organisation_id == net.organisations["IOM"].pk
    assert started.summary["person"] == newcomer.pk
    assert started.summary["role"] == "member"
    assert "Aida" not in started.object_label and "UNDP" in started.object_label


def test_a_failed_sign_in_is_recorded_on_the_platform_chain(kyrgyzstan, client):
    response = client.post(
        reverse("account_login"), {"login": kyrgyzstan.member.email, "password": "wrong"}
    )
    assert response.status_code == 200
    failed = AuditEvent.every_chain.filter(event="signin.failed").get()
    assert failed.network_id is None
    assert failed.user_id == kyrgyzstan.member.pk
    assert failed.kind == AuditEvent.Kind.SECURITY
    assert kyrgyzstan.member.email not in str(failed.summary)


def test_sign_in_and_sign_out_are_recorded(kyrgyzstan, client):
    client.post(
        reverse("account_login"), {"login": kyrgyzstan.member.email, "password": TEST_PASSWORD}
    )
    client.post(reverse("account_logout"))
    recorded = AuditEvent.every_chain.filter(user=kyrgyzstan.member).values_list("event", flat=True)
    assert {"signin", "signout"} <= set(recorded)


def test_an_access_token_is_recorded_when_made_and_at_its_first_use_of_the_day(kyrgyzstan, client):
    from accounts.services import access_token_create

    token, raw = access_token_create(user=kyrgyzstan.member, name="Script", scope="read")
    for _ in range(2):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
    recorded = AuditEvent.every_chain.filter(object_type="accounts.accesstoken").order_by("seq")
    assert [e.event for e in recorded] == ["token.create", "token.use"]
    assert "np_" not in str([e.summary for e in recorded]) + recorded[0].object_label


def test_an_operators_admin_action_is_recorded_from_djangos_log(kyrgyzstan, client):
    operator = person("operator@un.test", is_staff=True, is_superuser=True)
    client.force_login(operator)
    organisation = kyrgyzstan.organisations["UNHCR"]
    url = reverse("admin:networks_organisation_change", args=[organisation.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = "UNHCR, the UN Refugee Agency"
    client.post(url, data)
    change = AuditEvent.every_chain.filter(event="operator.change").get()
    assert change.user_id == operator.pk
    assert (change.object_type, change.object_id) == ("networks.organisation", str(organisation.pk))


def test_a_bulk_delete_in_the_admin_records_every_deleted_object(kyrgyzstan, client):
    """ "Delete selected …" writes Django's log with one bulk insert, which no signal reports:
    each deleted object must still be an operator action in the audit trail."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    operator = person("operator@un.test", is_staff=True, is_superuser=True)
    client.force_login(operator)
    phones = [
        TOTP.activate(user, generate_totp_secret()).instance
        for user in (kyrgyzstan.member, kyrgyzstan.member_unhcr, kyrgyzstan.rco)
    ]
    response = client.post(
        reverse("admin:mfa_authenticator_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in phones], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk__in=[p.pk for p in phones]).exists()
    deleted = AuditEvent.every_chain.filter(event="operator.delete").order_by("seq")
    assert sorted(e.object_id for e in deleted) == sorted(str(p.pk) for p in phones)
    assert {(e.user_id, e.object_type) for e in deleted} == {(operator.pk, "mfa.authenticator")}
    call_command("audit_verify", stdout=io.StringIO())


def test_every_admin_of_the_operators_records_its_deletions_one_by_one():
    from django.contrib import admin

    from common.admin import RecordedDeletions

    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, RecordedDeletions), model._meta.label


def test_downloading_a_restricted_document_is_recorded_and_an_internal_one_is_not(victim, client):
    from documents import services
    from documents.models import Document

    net = victim
    with network_scope(net.network):
        document = Document.objects.get(title="Labour migration study")
    url = reverse("documents:download", args=[net.network.slug, document.pk, 1])
    client.force_login(net.member)
    assert client.get(url).status_code == 200
    assert not events(net, event="document.download")
    with network_scope(net.network):
        services.confidentiality_set(
            document=document,
            by=net.secretariat,
            confidentiality="restricted",
            reason="Draft figures",
            organisations=[net.organisations["UNDP"]],
        )
    assert client.get(url).status_code == 200
    (download,) = events(net, event="document.download")
    assert download.kind == AuditEvent.Kind.DOWNLOAD
    assert (download.user_id, download.organisation_id) == (
        net.member.pk,
        net.organisations["UNDP"].pk,
    )
    assert download.summary == {"version": 1}


def test_a_second_factor_added_and_removed_is_recorded(
    kyrgyzstan, client, django_capture_on_commit_callbacks
):
    from tests.accounts.test_mfa import current_code

    member = kyrgyzstan.member
    client.post(reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD})
    to_confirm = client.get(reverse("mfa_activate_totp"))
    client.post(to_confirm["Location"], {"password": TEST_PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    # allauth announces an added factor once its transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    client.post(reverse("mfa_deactivate_totp"))
    recorded = AuditEvent.every_chain.filter(user=member, event__startswith="mfa.")
    events = list(recorded.order_by("seq").values_list("event", "object_label"))
    assert events.index(("mfa.add", "totp")) < events.index(("mfa.remove", "totp"))
    # Nothing of the secret is kept.
    assert secret not in str(list(recorded.values_list("summary", "object_label")))
