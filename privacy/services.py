"""Personal data under the UN's Personal Data Protection and Privacy Principles (2018),
across every bounded context: a person's export of everything the portal holds about them,
their erasure on request, and retention per record type (docs/adr/0005-personal-data.md).

An app of its own at the top layer (docs/apps.md): it reads and changes rows of every app,
so no app below may hold it. What the lower apps need of it — the pseudonym, recognising
a former address in a frozen record — is accounts.privacy.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress  # type: ignore[import-untyped]
from allauth.mfa.models import Authenticator  # type: ignore[import-untyped]
from allauth.socialaccount.models import SocialAccount  # type: ignore[import-untyped]
from allauth.usersessions.models import UserSession  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessToken, Erasure, User
from accounts.privacy import (
    MAX_REASON,
    PLACEHOLDER_DOMAIN,
    address_digest,
    pseudonym_for,
)
from networks.scoping import scopes_disabled

EXPORT_FORMAT = 1


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- Export ------------------------------------------------------------------------------


def person_export(user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, as plain JSON values: the person
    themself, from their account page. Only rows that are theirs (by their account, or
    addressed to their own address); of each network only its name and what the row names.
    No secrets: no password hash, no token or session key, no TOTP secret or recovery code.
    A fixed number of queries, whatever the person holds."""
    from circulation.models import Delivery, MailPreference
    from decisions.models import ActionNote, Position, PositionChange
    from documents.models import DocumentRead, DocumentVersion
    from meetings.models import Attendance, CalendarFeed, MinutesComment, Participant
    from networks.models import Invitation, Membership, RegionalViewer, WorkingGroupMember
    from workplans.models import ActivityUpdate

    with scopes_disabled():
        signed = _sign_offs(user)
        preference = MailPreference.objects.filter(user=user).first()
        return {
            "format": EXPORT_FORMAT,
            "exported_at": timezone.now().isoformat(),
            "account": {
                "email": user.email,
                "full_name": user.full_name,
                "job_title": user.job_title,
                "language": user.language,
                "time_zone": user.time_zone,
                "date_joined": _iso(user.date_joined),
                "last_login": _iso(user.last_login),
                "is_active": user.is_active,
                "platform_operator": user.is_staff,
                "password_set": user.has_usable_password(),
                "optional_mail": preference.optional_mail if preference else "immediate",
            },
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "identity_provider_accounts": [
                {
                    "provider": s.provider,
                    "uid": s.uid,
                    "date_joined": _iso(s.date_joined),
                    "last_login": _iso(s.last_login),
                }
                for s in SocialAccount.objects.filter(user=user).order_by("pk")
            ],
            "memberships": [
                {
                    "network": m.network.name,
                    "organisation": m.organisation.display_name,
                    "role": m.role,
                    "started_at": _iso(m.started_at),
                    "ended_at": _iso(m.ended_at),
                    "end_reason": m.end_reason,
                }
                for m in Membership.objects.filter(user=user)
                .select_related("network", "organisation")
                .order_by("started_at", "pk")
            ],
            "regional_roles": [
                {
                    "region": r.region.name,
                    "started_at": _iso(r.started_at),
                    "ended_at": _iso(r.ended_at),
                }
                for r in RegionalViewer.objects.filter(user=user)
                .select_related("region")
                .order_by("started_at", "pk")
            ],
            "working_groups": [
                {
                    "network": w.working_group.network.name,
                    "working_group": w.working_group.name,
                    "started_at": _iso(w.started_at),
                    "ended_at": _iso(w.ended_at),
                }
                for w in WorkingGroupMember.objects.filter(user=user)
                .select_related("working_group__network")
                .order_by("started_at", "pk")
            ],
            "invitations": [
                {
                    "network": i.network.name,
                    "email": i.email,
                    "full_name": i.full_name,
                    "organisation": i.organisation.display_name,
                    "role": i.role,
                    "created_at": _iso(i.created_at),
                    "expires_at": _iso(i.expires_at),
                    "accepted_at": _iso(i.accepted_at),
                    "revoked_at": _iso(i.revoked_at),
                }
                for i in Invitation.objects.filter(email__iexact=user.email)
                .select_related("network", "organisation")
                .order_by("created_at", "pk")
            ],
            "sign_offs": signed,
            "meeting_answers": [
                {
                    "network": p.meeting.network.name,
                    "meeting": p.meeting.title,
                    "starts_at": _iso(p.meeting.starts_at),
                    "invited": p.invited,
                    "answer": p.answer,
                    "comment": p.answer_comment,
                    "answered_at": _iso(p.answered_at),
                }
                for p in Participant.objects.filter(user=user)
                .select_related("meeting__network")
                .order_by("meeting__starts_at", "pk")
            ],
            "attendance": [
                {
                    "network": a.minutes.meeting.network.name,
                    "meeting": a.minutes.meeting.title,
                    "starts_at": _iso(a.minutes.meeting.starts_at),
                    "status": a.status,
                }
                for a in Attendance.objects.filter(user=user)
                .select_related("minutes__meeting__network")
                .order_by("minutes__meeting__starts_at", "pk")
            ],
            "calendar_feeds": [
                {"created_at": _iso(f.created_at), "revoked_at": _iso(f.revoked_at)}
                for f in CalendarFeed.objects.filter(user=user).order_by("pk")
            ],
            "positions_recorded": [
                {
                    "network": p.network.name,
                    "procedure": p.procedure_id,
                    "organisation": p.organisation.display_name,
                    "position": p.stance,
                    "reason": p.reason,
                    "recorded_at": _iso(p.recorded_at),
                }
                for p in Position.objects.filter(recorded_by=user)
                .select_related("network", "organisation")
                .order_by("recorded_at", "pk")
            ],
            "position_changes_recorded": [
                {
                    "network": p.network.name,
                    "procedure": p.procedure_id,
                    "organisation": p.organisation.display_name,
                    "position": p.stance,
                    "reason": p.reason,
                    "recorded_at": _iso(p.recorded_at),
                }
                for p in PositionChange.objects.filter(recorded_by=user)
                .select_related("network", "organisation")
                .order_by("recorded_at", "pk")
            ],
            "minutes_comments": [
                {
                    "network": c.network.name,
                    "meeting": c.version.minutes.meeting.title,
                    "version": c.version.number,
                    "text": c.text,
                    "created_at": _iso(c.created_at),
                }
                for c in MinutesComment.objects.filter(author=user)
                .select_related("network", "version__minutes__meeting")
                .order_by("created_at", "pk")
            ],
            "action_point_notes": [
                {
                    "network": n.network.name,
                    "action_point": n.action_point.text,
                    "text": n.text,
                    "status": n.status,
                    "progress": n.progress,
                    "written_at": _iso(n.written_at),
                }
                for n in ActionNote.objects.filter(written_by=user)
                .select_related("network", "action_point")
                .order_by("written_at", "pk")
            ],
            "activity_updates": [
                {
                    "network": u.network.name,
                    "activity": f"{u.activity.code} {u.activity.title}".strip(),
                    "quarter": u.quarter,
                    "status": u.status,
                    "narrative": u.narrative,
                    "spent_to_date": str(u.spent_to_date),
                    "written_at": _iso(u.written_at),
                }
                for u in ActivityUpdate.objects.filter(written_by=user)
                .select_related("network", "activity")
                .order_by("written_at", "pk")
            ],
            "documents_uploaded": [
                {
                    "network": v.network.name,
                    "document": v.document.title,
                    "version": v.number,
                    "filename": v.filename,
                    "content_type": v.content_type,
                    "size": v.size,
                    "uploaded_at": _iso(v.uploaded_at),
                }
                for v in DocumentVersion.objects.filter(uploaded_by=user)
                .select_related("network", "document")
                .order_by("uploaded_at", "pk")
            ],
            "documents_opened": [
                {
                    "network": r.network.name,
                    "document": r.version.document.title,
                    "version": r.version.number,
                    "opened_at": _iso(r.opened_at),
                }
                for r in DocumentRead.objects.filter(user=user)
                .select_related("network", "version__document")
                .order_by("opened_at", "pk")
            ],
            "deliveries": [
                {
                    "network": d.network.name,
                    "kind": d.circulation.kind,
                    "address": d.address,
                    "status": d.status,
                    "created_at": _iso(d.circulation.created_at),
                    "sent_at": _iso(d.sent_at),
                    "opened_at": _iso(d.opened_at),
                }
                for d in Delivery.objects.filter(Q(recipient=user) | Q(address__iexact=user.email))
                .select_related("network", "circulation")
                .order_by("circulation__created_at", "pk")
            ],
            "sessions": [
                {
                    "ip": s.ip,
                    "user_agent": s.user_agent,
                    "created_at": _iso(s.created_at),
                    "last_seen_at": _iso(s.last_seen_at),
                }
                for s in UserSession.objects.filter(user=user).order_by("created_at", "pk")
            ],
            "access_tokens": [
                {
                    "name": t.name,
                    "prefix": t.key_prefix,
                    "scope": t.scope,
                    "created_at": _iso(t.created_at),
                    "expires_at": _iso(t.expires_at),
                    "last_used_at": _iso(t.last_used_at),
                    "revoked_at": _iso(t.revoked_at),
                }
                for t in AccessToken.objects.filter(user=user).order_by("created_at", "pk")
            ],
            "two_factor": [
                {
                    "type": a.type,
                    "created_at": _iso(a.created_at),
                    "last_used_at": _iso(a.last_used_at),
                }
                for a in Authenticator.objects.filter(user=user).order_by("pk")
            ],
        }


def _sign_offs(user: User) -> list[dict[str, Any]]:
    """What the person signed as a co-chair: agendas and minutes approved, statements
    cleared, reports signed, workplans endorsed; one query each."""
    from decisions.models import StatementClearance
    from meetings.models import AgendaApproval, MinutesApproval
    from reports.models import ReportSignature
    from workplans.models import WorkplanEndorsement

    rows: list[dict[str, Any]] = []
    for a in AgendaApproval.objects.filter(co_chair=user).select_related("network", "meeting"):
        rows.append(
            {
                "kind": "agenda",
                "network": a.network.name,
                "record": a.meeting.title,
                "signed_at": _iso(a.approved_at),
                "withdrawn_at": _iso(a.withdrawn_at),
            }
        )
    for m in MinutesApproval.objects.filter(co_chair=user).select_related(
        "network", "version__minutes__meeting"
    ):
        rows.append(
            {
                "kind": "minutes",
                "network": m.network.name,
                "record": f"{m.version.minutes.meeting.title} v{m.version.number}",
                "signed_at": _iso(m.approved_at),
                "content_sha256": m.content_sha256,
            }
        )
    for c in StatementClearance.objects.filter(co_chair=user).select_related("network", "version"):
        rows.append(
            {
                "kind": "statement",
                "network": c.network.name,
                "record": f"{c.version.title} v{c.version.number}",
                "signed_at": _iso(c.cleared_at),
                "content_sha256": c.content_sha256,
            }
        )
    for r in ReportSignature.objects.filter(co_chair=user).select_related("network", "report"):
        rows.append(
            {
                "kind": "report",
                "network": r.network.name,
                "record": r.report.label,
                "signed_at": _iso(r.signed_at),
                "content_sha256": r.content_sha256,
                "withdrawn_at": _iso(r.withdrawn_at),
            }
        )
    for e in WorkplanEndorsement.objects.filter(co_chair=user).select_related(
        "network", "workplan"
    ):
        rows.append(
            {
                "kind": "workplan",
                "network": e.network.name,
                "record": e.workplan.title,
                "signed_at": _iso(e.signed_at),
                "content_sha256": e.content_sha256,
                "withdrawn_at": _iso(e.withdrawn_at),
            }
        )
    return sorted(rows, key=lambda row: row["signed_at"] or "")


def person_erase(*, user: User, by: User | None, reason: str) -> Erasure:
    """An operator, on the person's request (or `manage.py erase_person`). In one
    transaction: the account's personal fields are replaced — the name by a pseudonym, the
    address by a placeholder that routes nowhere — the password made unusable, the account
    deactivated; sessions, access tokens, second factors, identity-provider links, email
    addresses, calendar feeds, mail preference and document grants deleted; every role
    ended; their invitations and deliveries no longer carry their address.

    Never touched: a frozen version (approved minutes, cleared statements, submitted
    reports) nor any approval, clearance, signature, endorsement, position or comment. They
    keep pointing at the same account, which now shows the pseudonym, so every stored
    SHA-256 still verifies. Refused, changing nothing: no reason, or a person already
    erased."""
    from circulation.models import Delivery, MailPreference
    from documents.models import DocumentAccess
    from meetings.models import CalendarFeed
    from networks.models import Invitation, Membership, RegionalViewer, WorkingGroupMember

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the erasure (the request).")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason is too long.")})
    now = timezone.now()
    with transaction.atomic(), scopes_disabled():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.erased_at is not None:
            raise ValidationError(_("This person's data has already been erased."))
        former = locked.email
        pseudonym = pseudonym_for(locked)
        placeholder = f"erased-{locked.pk}@{PLACEHOLDER_DOMAIN}"

        for session in UserSession.objects.filter(user=locked):
            session.end()  # the session itself too, not only allauth's row of it
        AccessToken.objects.filter(user=locked).delete()
        Authenticator.objects.filter(user=locked).delete()
        SocialAccount.objects.filter(user=locked).delete()
        EmailAddress.objects.filter(user=locked).delete()
        CalendarFeed.objects.filter(user=locked).delete()
        MailPreference.objects.filter(user=locked).delete()
        DocumentAccess.objects.filter(user=locked).delete()

        ended = _("Personal data erased on request.")
        Membership.objects.filter(user=locked, ended_at__isnull=True).update(
            ended_at=now, end_reason=ended
        )
        RegionalViewer.objects.filter(user=locked, ended_at__isnull=True).update(ended_at=now)
        WorkingGroupMember.objects.filter(user=locked, ended_at__isnull=True).update(ended_at=now)
        invitations = Invitation.objects.filter(email__iexact=former)
        invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        invitations.update(email=placeholder, full_name="")
        Delivery.objects.filter(Q(recipient=locked) | Q(address__iexact=former)).update(
            address=placeholder
        )

        locked.email = placeholder
        locked.full_name = pseudonym
        locked.job_title = ""
        locked.time_zone = ""
        locked.is_active = False
        locked.is_staff = False
        locked.is_superuser = False
        locked.erased_at = now
        locked.set_unusable_password()
        locked.save()
        locked.groups.clear()
        locked.user_permissions.clear()
        erasure = Erasure.objects.create(
            user=locked,
            pseudonym=pseudonym,
            address_digest=address_digest(former),
            reason=reason,
            erased_by=by,
            erased_at=now,
        )
    user.refresh_from_db()
    return erasure


# --- Retention ---------------------------------------------------------------------------

DEFAULT_RETENTION_DAYS = {
    "deliveries": 730,
    "opened_links": 730,
    "sessions": 365,
    "invitations": 365,
    "document_reads": 730,
    "security_events": 365,
}


def retention_days() -> dict[str, int]:
    """Days each kind of record is kept: DEFAULT_RETENTION_DAYS, with what the settings'
    PORTAL_RETENTION_DAYS say instead."""
    days = {**DEFAULT_RETENTION_DAYS, **getattr(settings, "PORTAL_RETENTION_DAYS", {})}
    for kind, value in days.items():
        if int(value) < 1:
            raise ValueError(f"PORTAL_RETENTION_DAYS[{kind!r}] must be at least 1 day.")
    return {kind: int(value) for kind, value in days.items()}


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """The daily beat job (privacy.tasks.apply_retention), across every network: removes
    exactly what is older than its kind's period, and nothing else; a second run finds
    nothing to do. Returns how many rows of each kind went.

    - deliveries: a mailing's delivery rows (address, status, opened) whose mailing was
      created before the cut-off; the mailing itself stays (it is the network's record);
    - opened_links: when a recipient opened a delivery, for deliveries not yet removed;
    - sessions: allauth's rows of a sign-in (address, browser) not seen since the cut-off;
    - invitations: invitations never accepted that expired (or were revoked) before it;
    - document_reads: who opened a document version, when, before it;
    - security_events: the audit trail's platform chain (sign-ins, failed sign-ins, second
      factors, tokens, operators' actions) recorded before it, oldest first, its anchor
      moved on so that `audit_verify` still proves what stays (audit.chain.apply_retention).
      The networks' chains (workflow steps, role changes, downloads) are their record and
      are kept."""
    from audit.chain import apply_retention as audit_retention
    from circulation.models import Delivery
    from documents.models import DocumentRead
    from networks.models import Invitation

    now = now or timezone.now()
    days = retention_days()

    def cut(kind: str) -> datetime:
        return now - timedelta(days=days[kind])

    removed: dict[str, int] = {}
    with scopes_disabled(), transaction.atomic():
        removed["deliveries"] = (
            Delivery.objects.filter(circulation__created_at__lt=cut("deliveries"))
            .delete()[1]
            .get(Delivery._meta.label, 0)
        )
        removed["opened_links"] = Delivery.objects.filter(opened_at__lt=cut("opened_links")).update(
            opened_at=None
        )
        stale = list(UserSession.objects.filter(last_seen_at__lt=cut("sessions")))
        for session in stale:
            session.end()
        removed["sessions"] = len(stale)
        unaccepted = Invitation.objects.filter(accepted_at__isnull=True)
        removed["invitations"] = unaccepted.filter(expires_at__lt=cut("invitations")).delete()[
            1
        ].get(Invitation._meta.label, 0) + unaccepted.filter(
            revoked_at__lt=cut("invitations")
        ).delete()[1].get(Invitation._meta.label, 0)
        removed["document_reads"] = (
            DocumentRead.objects.filter(opened_at__lt=cut("document_reads"))
            .delete()[1]
            .get(DocumentRead._meta.label, 0)
        )
        removed["security_events"] = audit_retention(before=cut("security_events"))
    return removed
