"""What the audit trail records, and from where. Every receiver runs inside the transaction
of what it records (a signal is sent in it), so an event is kept exactly when the change is.

- Workflow steps: `workflow.signals.step_taken`, sent by `Workflow.require()` — every service
  of meetings, decisions, workplans and reports calls it on the locked row before the change
  (docs/adr/0005-audit-trail.md). Nothing here knows those apps.
- Role changes: `networks.signals.role_changed` (memberships started and ended, invitations
  made and revoked).
- Downloads of restricted documents: `workflow.signals.happened` from the download view.
- Security (the platform's chain): sign-in, failed sign-in, sign-out; second factors added,
  removed, reset and failing, recovery codes spent; personal access tokens created, revoked
  and used (the first use of a day); every entry of the operators' admin log (Django's
  LogEntry), bulk deletions included (common.admin.RecordedDeletions).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import AccessToken, OperatorAction, User
from accounts.signals import access_token_used
from audit.chain import record as record_event
from audit.models import AuditEvent
from networks.signals import role_changed
from workflow.signals import happened, step_taken

K = AuditEvent.Kind


def _organisation_id(actor: Any) -> int | None:
    organisation = getattr(actor, "organisation", None)
    return getattr(organisation, "pk", None)


@receiver(step_taken, dispatch_uid="audit-workflow-step")
def workflow_step(
    sender, flow, record: Any, step: str, actor: Any, before: str, transition, **kwargs
) -> None:
    if getattr(record, "_meta", None) is None or record.pk is None:
        return  # not a stored record (the workflow's own tests use plain objects)
    record_event(
        kind=K.STEP,
        event=f"{flow.kind}.{step}",
        network_id=getattr(record, "network_id", None),
        user_id=actor.user_id,
        organisation_id=_organisation_id(actor),
        obj=record,
        summary={"before": str(before), "leads_to": str(transition.target)},
    )


@receiver(happened, dispatch_uid="audit-happened")
def fact(sender, network_id, user, organisation_id, record, event: str, summary, **kwargs) -> None:
    kind = K.DOWNLOAD if event.endswith(".download") else K.STEP
    record_event(
        kind=kind,
        event=event,
        network_id=network_id,
        user_id=getattr(user, "pk", None),
        organisation_id=organisation_id,
        obj=record,
        summary=summary,
    )


@receiver(role_changed, dispatch_uid="audit-role-changed")
def role_change(sender, network, by, event: str, obj, person_id, summary, **kwargs) -> None:
    # The label names the role and the organisation, never the person: a person's name would
    # stay in a log that cannot change after they are erased. `person` is their account's id.
    label = f"{obj.get_role_display()} — {obj.organisation}"
    record_event(
        kind=K.ROLE,
        event=event,
        network_id=network.pk,
        user_id=getattr(by, "pk", None),
        organisation_id=_acting_for(by, network),
        obj=obj,
        label=label,
        summary={**summary, "person": person_id},
    )


def _acting_for(by: User | None, network: Any) -> int | None:
    if by is None:
        return None
    from networks.models import Membership
    from networks.scoping import network_scope

    with network_scope(network):
        return (
            Membership.objects.active()
            .filter(user=by)
            .order_by("started_at", "pk")
            .values_list("organisation_id", flat=True)
            .first()
        )


def _security(event: str, user: Any, *, obj: Any = None, label: str = "", **summary: Any) -> None:
    record_event(
        kind=K.SECURITY,
        event=event,
        user_id=getattr(user, "pk", None),
        obj=obj,
        label=label,
        summary=summary,
    )


@receiver(auth_signals.user_logged_in, dispatch_uid="audit-signin")
def signed_in(sender, request, user, **kwargs) -> None:
    _security("signin", user)


@receiver(auth_signals.user_logged_out, dispatch_uid="audit-signout")
def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _security("signout", user)


@receiver(auth_signals.user_login_failed, dispatch_uid="audit-signin-failed")
def sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    # The address typed is not kept (it may be anyone's, or a typo); the account it names is.
    typed = str(credentials.get("email") or credentials.get("username") or "").strip()
    account = User.objects.filter(email__iexact=typed).first() if typed else None
    _security("signin.failed", account, known_account=account is not None)


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit-mfa-added")
def mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    _security("mfa.add", user, obj=authenticator, label=str(authenticator.type))


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit-mfa-removed")
def mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    _security("mfa.remove", user, obj=authenticator, label=str(authenticator.type))


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit-mfa-reset")
def mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    _security("mfa.reset", user, obj=authenticator, label=str(authenticator.type))


@receiver(mfa_signals.authenticator_used, dispatch_uid="audit-mfa-recovery-code")
def mfa_recovery_code_used(sender, request, user, authenticator, **kwargs) -> None:
    """A recovery code spent (a lost phone, or someone else holding the codes): recorded with
    how many are left, never the code. allauth marks it used in the authenticator's row; an
    app's code is not recorded here, its sign-in is."""
    if authenticator.type != authenticator.Type.RECOVERY_CODES:
        return
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    # Read again: allauth marks the code used on a row of its own (select_for_update).
    fresh = type(authenticator).objects.get(pk=authenticator.pk)
    left = len(RecoveryCodes(fresh).get_unused_codes())
    _security(
        "mfa.recovery_code", user, obj=authenticator, label=str(authenticator.type), left=left
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit-mfa-failed")
def mfa_failed(sender, request, user, authenticator, **kwargs) -> None:
    _security("mfa.failed", user, obj=authenticator, label=str(authenticator.type))


@receiver(post_save, sender=AccessToken, dispatch_uid="audit-token-saved")
def token_saved(
    sender, instance: AccessToken, created: bool, raw=False, update_fields=None, **kwargs
) -> None:
    if raw:
        return
    if created:
        _security(
            "token.create", instance.user, obj=instance, label=instance.name, scope=instance.scope
        )
    elif update_fields and "revoked_at" in update_fields and instance.revoked_at is not None:
        _security("token.revoke", instance.user, obj=instance, label=instance.name)


@receiver(access_token_used, dispatch_uid="audit-token-used")
def token_used(sender, token: AccessToken, **kwargs) -> None:
    _security("token.use", token.user, obj=token, label=token.name, scope=token.scope)


OPERATOR_ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit-operator-action")
@receiver(post_save, sender=OperatorAction, dispatch_uid="audit-operator-action-proxy")
def operator_action(sender, instance: LogEntry, created: bool, raw=False, **kwargs) -> None:
    if raw or not created:
        return
    content_type = instance.content_type
    record_event(
        kind=K.SECURITY,
        event=f"operator.{OPERATOR_ACTIONS.get(instance.action_flag, 'action')}",
        user_id=instance.user_id,
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=str(instance.object_id or ""),
        label=instance.object_repr,
        summary={"log_entry": instance.pk},
    )
