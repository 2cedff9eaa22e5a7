"""Writes on networks, participations, memberships and invitations.

Each service is keyword-only, runs in one transaction, and says who may call it; the view
that calls it has already checked the action in networks.roles.
"""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User, hash_token
from networks.models import (
    Invitation,
    Membership,
    Network,
    Organisation,
    Participation,
    Region,
    UNSDCFOutcome,
)
from networks.roles import Role
from networks.scoping import network_scope

if TYPE_CHECKING:
    from circulation.models import Circulation


@transaction.atomic
def network_create(
    *,
    name: str,
    slug: str,
    code: str,
    country: str,
    time_zone: str,
    languages: list[str],
    region: Region | None = None,
    meeting_cadence: str = Network.Cadence.QUARTERLY,
    minutes_approval_rule: str = Network.ApprovalRule.ALL_CO_CHAIRS,
    designation_footnote: str = "",
    national_policy: str = "",
    un_team_name: str = "UN Country Team",
    coordinator_title: str = "Resident Coordinator",
    unsdcf_outcomes: list[tuple[str, str]] | None = None,
) -> Network:
    """Platform operators only (admin, `manage.py create_network`). Validates everything
    before writing; a taken slug or code is a ValidationError and nothing is created."""
    slug = slug.strip().lower()
    if slugify(slug) != slug or not slug:
        raise ValidationError({"slug": _("Use lower-case letters, digits and hyphens only.")})
    network = Network(
        name=name.strip(),
        slug=slug,
        code=code.strip().upper(),
        country=country.strip(),
        time_zone=time_zone,
        languages=languages,
        region=region,
        meeting_cadence=meeting_cadence,
        minutes_approval_rule=minutes_approval_rule,
        designation_footnote=designation_footnote.strip(),
        national_policy=national_policy.strip(),
        un_team_name=un_team_name,
        coordinator_title=coordinator_title,
    )
    network.full_clean()
    network.save()
    with network_scope(network):
        for position, (outcome_code, title) in enumerate(unsdcf_outcomes or [], start=1):
            UNSDCFOutcome.objects.create(
                network=network, code=outcome_code, title=title, position=position
            )
    return network


def participation_add(
    *,
    network: Network,
    organisation: Organisation,
    type: str,
    is_national_authority: bool = False,
) -> Participation:
    """Secretariat. An organisation already taking part is a ValidationError."""
    with network_scope(network):
        if Participation.objects.active().filter(organisation=organisation).exists():
            raise ValidationError(
                _("%(organisation)s already takes part in this network.")
                % {"organisation": organisation}
            )
        if (
            is_national_authority
            and Participation.objects.active().filter(is_national_authority=True).exists()
        ):
            raise ValidationError(_("This network already has a national authority."))
        return Participation.objects.create(
            network=network,
            organisation=organisation,
            type=type,
            is_national_authority=is_national_authority,
        )


def membership_start(
    *,
    network: Network,
    user: User,
    organisation: Organisation,
    role: Role | str,
    started_by: User | None = None,
) -> Membership:
    """Secretariat (and invitation acceptance). The organisation must take part in the
    network; a person acts for one organisation per network; a role already held is a
    ValidationError."""
    with network_scope(network), transaction.atomic():
        if not Participation.objects.active().filter(organisation=organisation).exists():
            raise ValidationError(
                _("%(organisation)s does not take part in this network.")
                % {"organisation": organisation}
            )
        other = (
            Membership.objects.active()
            .filter(user=user)
            .exclude(organisation=organisation)
            .select_related("organisation")
            .first()
        )
        if other is not None:
            raise ValidationError(
                _("%(person)s already acts for %(organisation)s in this network.")
                % {"person": user, "organisation": other.organisation}
            )
        if Membership.objects.active().filter(user=user, role=role).exists():
            raise ValidationError(_("This person already holds that role in this network."))
        try:
            with transaction.atomic():
                return Membership.objects.create(
                    network=network,
                    user=user,
                    organisation=organisation,
                    role=role,
                    started_by=started_by,
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("This person already holds that role in this network.")
            ) from exc


def membership_end(*, membership: Membership, ended_by: User, reason: str = "") -> Membership:
    """Secretariat. Dates the end and keeps the row; the person loses the role on their
    next request. Ending an ended membership is a ValidationError."""
    with network_scope(membership.network_id), transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.ended_at is not None:
            raise ValidationError(_("This membership has already ended."))
        locked.ended_at = timezone.now()
        locked.ended_by = ended_by
        locked.end_reason = reason.strip()
        locked.save(update_fields=["ended_at", "ended_by", "end_reason"])
        return locked


def invitation_create(
    *,
    network: Network,
    email: str,
    organisation: Organisation,
    role: Role | str,
    invited_by: User | None,
    full_name: str = "",
) -> tuple[Invitation, str]:
    """Secretariat. Returns the invitation and the raw token for the link (only its hash is
    stored; `invitation_link_token` rebuilds the token from the row). Sending the email is
    the caller's, after commit."""
    email = email.strip().lower()
    with network_scope(network), transaction.atomic():
        if not Participation.objects.active().filter(organisation=organisation).exists():
            raise ValidationError(
                _("%(organisation)s does not take part in this network.")
                % {"organisation": organisation}
            )
        if Membership.objects.active().filter(user__email__iexact=email, role=role).exists():
            raise ValidationError(_("This person already holds that role in this network."))
        invitation = Invitation.objects.create(
            network=network,
            email=email,
            full_name=full_name.strip(),
            organisation=organisation,
            role=role,
            # A random stand-in until the row has the id its token is derived from.
            token_hash=secrets.token_hex(32),
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS),
        )
        raw = _invitation_token(invitation, secret=settings.SECRET_KEY)
        invitation.token_hash = hash_token(raw)
        invitation.save(update_fields=["token_hash"])
        return invitation, raw


def _invitation_token(invitation: Invitation, *, secret: str | bytes) -> str:
    # Keyed with the site's secret, so the token is as unguessable as a random one; derived
    # from the row, so neither the database nor the task queue ever holds it.
    created = invitation.created_at.astimezone(UTC).isoformat()
    value = f"{invitation.pk}:{invitation.network_id}:{invitation.email}:{created}"
    return salted_hmac("networks.invitation", value, secret=secret, algorithm="sha256").hexdigest()


def invitation_link_token(invitation: Invitation) -> str | None:
    """The token of the invitation's link, rebuilt from the row (for the task that mails
    it, which is given only the id). None when no current or fallback SECRET_KEY gives the
    stored hash: the link cannot be rebuilt, and a new invitation is needed."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        raw = _invitation_token(invitation, secret=secret)
        if constant_time_compare(hash_token(raw), invitation.token_hash):
            return raw
    return None


def invitation_email(*, invitation: Invitation, sender: User | None, language: str) -> Circulation:
    """Secretariat, in the transaction that created the invitation: its email, as a stored
    circulation with one delivery, sent after the commit. The stored message holds a
    placeholder where the link goes; the delivery task puts in the link it rebuilds from the
    row (`invitation_link_token`), so neither the database nor the queue holds the token."""
    from circulation.mail import INVITATION_URL_PLACEHOLDER
    from circulation.models import Circulation
    from circulation.services import Recipient, circulation_create

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return circulation_create(
        network=invitation.network,
        kind=Circulation.Kind.INVITATION,
        sender=sender,
        recipients=[Recipient(address=invitation.email, language=language)],
        template="invitation",
        context={
            "invitation": invitation,
            "invitation_url": INVITATION_URL_PLACEHOLDER,
            "invitation_days": settings.PORTAL_INVITATION_DAYS,
        },
        about=invitation,
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token names, whatever its network (the token is the
    capability), or None."""
    from networks.scoping import scopes_disabled

    if not token or len(token) > 200:
        return None
    with scopes_disabled():
        return (
            Invitation.objects.filter(token_hash=hash_token(token))
            .select_related("network", "organisation")
            .first()
        )


def invitation_problem(invitation: Invitation) -> str:
    """Why an invitation can no longer be accepted, in words for the person, or ''."""
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Sign in with the account it created.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn by the secretariat.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the secretariat for a new one.")
    return ""


def invitation_accept(
    *, token: str, user: User | None = None, full_name: str = "", password: str = ""
) -> User:
    """The invitee, through the emailed link. Works once, even when clicked twice at the
    same moment (the invitation row is locked). Creates the account when `user` is None,
    then starts the membership. Returns the person."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation does not exist."))
    with network_scope(invitation.network), transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        problem = invitation_problem(locked)
        if problem:
            raise ValidationError(problem)
        if user is None:
            if User.objects.filter(email__iexact=locked.email).exists():
                raise ValidationError(_("An account with this email exists: sign in first."))
            user = User.objects.create_user(
                email=locked.email, password=password, full_name=full_name.strip()
            )
        elif user.email.lower() != locked.email:
            raise ValidationError(_("This invitation is for another email address."))
        membership_start(
            network=locked.network,
            user=user,
            organisation=locked.organisation,
            role=locked.role,
            started_by=locked.invited_by,
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        return user


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Secretariat. A used invitation cannot be withdrawn."""
    with network_scope(invitation.network_id), transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."))
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
        return locked
