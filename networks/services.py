"""Writes on networks, participations, memberships and invitations.

Each service is keyword-only, runs in one transaction, and says who may call it; the view
that calls it has already checked the action in networks.roles. The separation of duties
(docs/roles.md) lives here, so pages, API, admin and commands all obey it: nobody gives
themselves a role; only a serving co-chair grants or ends the co-chair role (the platform
operator, while the network has none); one person is never both secretariat and co-chair of
a network; the last secretariat and the last co-chair cannot be ended.

A refusal is a ValidationError and changes nothing; its code says why (workflow.status_of):
NOT_ALLOWED when the person's role cannot grant or end that role (a 403), CONFLICT when the
membership's or the network's state does not allow ending it (a 409: already ended, the last
secretariat or co-chair), anything else is bad input (a 400).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from networks import signals
from networks.access import access_for
from networks.models import (
    Invitation,
    Membership,
    Network,
    Organisation,
    Participation,
    Region,
    UNSDCFOutcome,
)
from networks.roles import (
    ALWAYS_HELD_ROLES,
    EXCLUSIVE_ROLES,
    OPERATOR_GRANTED_ROLES,
    SPEAKING_ROLES,
    Action,
    Role,
)
from networks.scoping import network_scope
from networks.signals import role_changed
from workflow import Refusal

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User

# The refusals whose cause is the person's standing or the state (see above): the shared
# workflow's codes, so that workflow.status_of answers them on pages and in the API alike.
NOT_ALLOWED = Refusal.NOT_ALLOWED
CONFLICT = Refusal.WRONG_STATE


@transaction.atomic
def network_create(
    *,
    name: str,
    slug: str,
    code: str,
    country: str,
    time_zone: str,
    languages: list[str],
    time_zone_name: str = "",
    region: Region | None = None,
    meeting_cadence: str = Network.Cadence.QUARTERLY,
    minutes_approval_rule: str = Network.ApprovalRule.ALL_CO_CHAIRS,
    designation_footnote: str = "",
    national_policy: str = "",
    un_team_name: str = "UN Country Team",
    coordinator_title: str = "Resident Coordinator",
    unsdcf_outcomes: list[tuple[str, str]] | None = None,
    name_ru: str = "",
    un_team_name_ru: str = "",
    coordinator_title_ru: str = "",
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
        time_zone_name=time_zone_name.strip(),
        languages=languages,
        region=region,
        meeting_cadence=meeting_cadence,
        minutes_approval_rule=minutes_approval_rule,
        designation_footnote=designation_footnote.strip(),
        national_policy=national_policy.strip(),
        un_team_name=un_team_name,
        coordinator_title=coordinator_title,
        name_ru=name_ru.strip(),
        un_team_name_ru=un_team_name_ru.strip(),
        coordinator_title_ru=coordinator_title_ru.strip(),
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
    """Code, not a page: invitation acceptance (which has checked who granted the role), and
    the system paths that build networks — the demo loader, tests — with `started_by=None`.
    People get a role only through an invitation.

    Whoever calls it, it guarantees: the organisation takes part in the network; a person
    acts for one organisation per network; a role already held is refused; nobody starts a
    role of their own (`started_by` is not `user`); one person never holds the secretariat
    and the co-chair role together in a network. Each refusal is a ValidationError."""
    with network_scope(network), transaction.atomic():
        if started_by is not None and started_by.pk == user.pk:
            raise ValidationError(_("Nobody gives themselves a role: someone else grants it."))
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
        _check_exclusive(Membership.objects.active().filter(user=user), role=role, person=user)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
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
        _role_changed(network, started_by, "membership.start", membership, user.pk)
        return membership


def _role_changed(
    network: Network,
    by: User | None,
    event: str,
    obj: Membership | Invitation,
    person_id: int | None,
) -> None:
    """Tell the audit trail, inside the change's transaction (networks.signals)."""
    role_changed.send(
        sender=type(obj),
        network=network,
        by=by,
        event=event,
        obj=obj,
        person_id=person_id,
        summary={"role": str(obj.role), "organisation": obj.organisation_id},
    )


def _check_exclusive(held: QuerySet[Membership], *, role: Role | str, person: object) -> None:
    """Refuse `role` to someone whose active memberships `held` include the role it excludes
    (the secretariat drafts what the co-chairs sign off)."""
    if role not in EXCLUSIVE_ROLES:
        return
    clash = held.filter(role__in=EXCLUSIVE_ROLES - {Role(role)}).first()
    if clash is not None:
        raise ValidationError(
            _(
                "One person cannot be both the secretariat and a co-chair of a network: "
                "%(person)s already holds the role %(role)s here."
            )
            % {"person": person, "role": clash.get_role_display()}
        )


def _holders(role: Role | str) -> QuerySet[Membership]:
    """The active memberships of `role` in the entered network whose person can still sign
    in: who serves in that role now."""
    return Membership.objects.active().filter(role=role, user__is_active=True)


def _check_may_grant(
    *, network: Network, by: User | None, role: Role | str, as_operator: bool
) -> None:
    """Refuse unless `by` may grant (and end) `role` in `network`: their roles there allow
    it (networks.roles.ROLE_MANAGED_BY), or they act as the platform operator and the
    network has nobody in a role only the operator can then give."""
    if as_operator:
        if role not in OPERATOR_GRANTED_ROLES:
            raise ValidationError(
                _("The platform operator grants only the secretariat and co-chair roles."),
                code=NOT_ALLOWED,
            )
        if _holders(role).exists():
            message = (
                _("This network has a serving co-chair: a co-chair invites the next one.")
                if role == Role.CO_CHAIR
                else _("This network has a secretariat: the secretariat invites the next one.")
            )
            raise ValidationError(message, code=NOT_ALLOWED)
        return
    access = access_for(by, network) if by is not None else None
    if access is None or not access.may_manage_role(role):
        if role == Role.CO_CHAIR:
            raise ValidationError(
                _("Only a serving co-chair may grant the co-chair role: ask a co-chair."),
                code=NOT_ALLOWED,
            )
        raise ValidationError(_("Your role in this network does not allow this."), code=NOT_ALLOWED)


def membership_end(
    *, membership: Membership, ended_by: User | None, reason: str = ""
) -> Membership:
    """The secretariat ends any role but the co-chair's; a serving co-chair ends a co-chair's
    (their own too: stepping down). `ended_by=None` is the system path (tests, commands).
    Dates the end and keeps the row; the person loses the role on their next request.

    Refused, changing nothing: ending an ended membership; a person whose roles do not allow
    ending that role; the network's last secretariat or last co-chair, whoever asks (their
    successor is invited first)."""
    with network_scope(membership.network_id), transaction.atomic():
        if membership.role in ALWAYS_HELD_ROLES:
            # Every holder of the role locked first, in one order: two people ending the last
            # two at once wait for each other instead of both passing the count below.
            list(
                Membership.objects.active()
                .filter(role=membership.role)
                .select_for_update(of=("self",))
                .order_by("pk")
            )
        locked = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("network", "user")
            .get(pk=membership.pk)
        )
        access = access_for(ended_by, locked.network) if ended_by is not None else None
        if ended_by is not None and (access is None or not access.may_manage_role(locked.role)):
            if locked.role == Role.CO_CHAIR:
                raise ValidationError(
                    _("Only a serving co-chair may end a co-chair's membership."),
                    code=NOT_ALLOWED,
                )
            raise ValidationError(
                _("Your role in this network does not allow this."), code=NOT_ALLOWED
            )
        if locked.ended_at is not None:
            raise ValidationError(_("This membership has already ended."), code=CONFLICT)
        if locked.role in ALWAYS_HELD_ROLES:
            if not _holders(locked.role).exclude(pk=locked.pk).exists():
                message = (
                    _(
                        "%(person)s is the last co-chair of this network: a co-chair invites "
                        "the next one before this membership can end."
                    )
                    if locked.role == Role.CO_CHAIR
                    else _(
                        "%(person)s is the last secretariat officer of this network: invite "
                        "the next one before this membership can end."
                    )
                )
                raise ValidationError(message % {"person": locked.user}, code=CONFLICT)
        locked.ended_at = timezone.now()
        locked.ended_by = ended_by
        locked.end_reason = reason.strip()
        locked.save(update_fields=["ended_at", "ended_by", "end_reason"])
        _role_changed(locked.network, ended_by, "membership.end", locked, locked.user_id)
        return locked


def first_holder_invite(
    *,
    network: Network,
    email: str,
    organisation: Organisation,
    role: Role,
    operator: User | None,
    full_name: str = "",
) -> tuple[Invitation, str]:
    """The platform operator invites the first holder of the secretariat or the co-chair
    role (the operators' admin passes the operator, `manage.py create_network` None). The
    organisation is made a member of the network first when it is not taking part yet; the
    rest is `invitation_create`'s, as the operator, with its refusals."""
    with network_scope(network), transaction.atomic():
        if not Participation.objects.active().filter(organisation=organisation).exists():
            participation_add(
                network=network, organisation=organisation, type=Participation.Type.MEMBER
            )
        return invitation_create(
            network=network,
            email=email,
            organisation=organisation,
            role=role,
            invited_by=operator,
            full_name=full_name,
            as_operator=True,
        )


def invitation_create(
    *,
    network: Network,
    email: str,
    organisation: Organisation,
    role: Role | str,
    invited_by: User | None,
    full_name: str = "",
    as_operator: bool = False,
) -> tuple[Invitation, str]:
    """People (pages, API) pass the inviting person as `invited_by`: the secretariat invites
    into every role but the co-chair's, a serving co-chair into the co-chair role. The
    platform operator's paths (the operators' admin, `manage.py create_network`) pass
    `as_operator=True`, with the operator or None from the command line: they grant the
    secretariat or the co-chair role while the network has nobody in it.

    Refused, storing nothing: inviting oneself; a role the inviter may not grant; someone who
    holds the role already, or holds (or is invited to) the role it excludes (secretariat and
    co-chair). Returns the invitation and the raw token for the link (only its hash is stored;
    `invitation_link_token` rebuilds the token from the row). Sending the email is the
    caller's, after commit."""
    if invited_by is None and not as_operator:
        raise ValueError("invitation_create needs the inviting person, or as_operator=True.")
    email = email.strip().lower()
    with network_scope(network), transaction.atomic():
        if invited_by is not None and invited_by.email.lower() == email:
            raise ValidationError(_("You cannot invite yourself: nobody gives themselves a role."))
        _check_may_grant(network=network, by=invited_by, role=role, as_operator=as_operator)
        return _invitation_make(
            network=network,
            email=email,
            organisation=organisation,
            role=role,
            invited_by=invited_by,
            full_name=full_name,
        )


def _invitation_make(
    *,
    network: Network,
    email: str,
    organisation: Organisation,
    role: Role | str,
    invited_by: User | None,
    full_name: str,
) -> tuple[Invitation, str]:
    """The invitation itself, once the caller checked who may grant the role: the rules
    every invitation keeps (the organisation takes part, the role is not held already, the
    secretariat and co-chair roles stay apart)."""
    with network_scope(network), transaction.atomic():
        if not Participation.objects.active().filter(organisation=organisation).exists():
            raise ValidationError(
                _("%(organisation)s does not take part in this network.")
                % {"organisation": organisation}
            )
        if Membership.objects.active().filter(user__email__iexact=email, role=role).exists():
            raise ValidationError(_("This person already holds that role in this network."))
        _check_exclusive(
            Membership.objects.active().filter(user__email__iexact=email),
            role=role,
            person=email,
        )
        if role in EXCLUSIVE_ROLES:
            invited = (
                _open_invitations()
                .filter(email=email, role__in=EXCLUSIVE_ROLES - {Role(role)})
                .first()
            )
            if invited is not None:
                raise ValidationError(
                    _(
                        "One person cannot be both the secretariat and a co-chair of a "
                        "network: %(person)s is already invited as %(role)s here."
                    )
                    % {"person": email, "role": invited.get_role_display()}
                )
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
        _role_changed(network, invited_by, "invitation.create", invitation, None)
        return invitation, raw


def colleague_invite(
    *, network: Network, by: User, organisation: Organisation, email: str, full_name: str = ""
) -> tuple[Invitation, bool]:
    """A person who speaks for `organisation` (`members.invite_colleague`: the roles that
    answer meeting invitations) invites a colleague of that organisation who has no role in
    the network yet, to attend a meeting in their place: as a member focal point, or as an
    external partner when they are one. The one way someone other than the secretariat
    brings a person in, and only into their own organisation and never into the
    secretariat's or the co-chairs' role; the audit trail records who invited.

    Returns the invitation and whether it is new (the caller mails a new one, in the same
    transaction: `invitation_email`); an open invitation of this address into the same
    organisation and role is reused, not sent again. Refused: someone who already takes part
    in the network (a colleague is chosen from the list; someone of another organisation is
    not a colleague), a person who does not speak for the organisation."""
    email = email.strip().lower()
    with network_scope(network), transaction.atomic():
        access = access_for(by, network)
        if access is None or not access.can(Action.COLLEAGUE_INVITE):
            raise ValidationError(
                _("Your role in this network does not allow this."), code=NOT_ALLOWED
            )
        speaking = (
            Membership.objects.active()
            .filter(user=by, organisation=organisation, role__in=SPEAKING_ROLES)
            .order_by("started_at")
        )
        own = speaking.first()
        if own is None:
            raise ValidationError(
                _("You can invite a colleague of your own organisation only."), code=NOT_ALLOWED
            )
        if by.email.lower() == email:
            raise ValidationError({"delegate_email": _("Name a colleague, not yourself.")})
        held = (
            Membership.objects.active()
            .filter(user__email__iexact=email)
            .select_related("organisation")
            .first()
        )
        if held is not None and held.organisation_id != organisation.pk:
            raise ValidationError(
                {
                    "delegate_email": _(
                        "%(email)s acts for another organisation in this network: send a "
                        "colleague of %(organisation)s."
                    )
                    % {"email": email, "organisation": organisation}
                }
            )
        if held is not None:
            raise ValidationError(
                {
                    "delegate_email": _("%(email)s takes part already: choose them in the list.")
                    % {"email": email}
                }
            )
        role = Role.EXTERNAL_PARTNER if own.role == Role.EXTERNAL_PARTNER else Role.MEMBER
        open_one = (
            _open_invitations()
            .filter(email=email, organisation=organisation, role=role)
            .order_by("-created_at")
            .first()
        )
        if open_one is not None:
            return open_one, False
        invitation, _token = _invitation_make(
            network=network,
            email=email,
            organisation=organisation,
            role=role,
            invited_by=by,
            full_name=full_name,
        )
        return invitation, True


def hash_token(raw: str) -> str:
    """What an invitation stores of its link's token: its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _open_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


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


def invitation_email(*, invitation: Invitation, sender: User | None, language: str) -> None:
    """Secretariat, in the transaction that created the invitation: its email, stored and
    sent after the commit by the receiver of `signals.invitation_to_mail` (circulation: a
    mailing with one delivery whose stored message holds a placeholder where the link goes;
    the delivery task puts in the link it rebuilds from the row, `invitation_link_token`, so
    neither the database nor the queue holds the token)."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if not signals.invitation_to_mail.has_listeners(Invitation):
        raise ImproperlyConfigured("Nothing mails invitations: the circulation app is missing.")
    signals.invitation_to_mail.send(
        sender=Invitation, invitation=invitation, by=sender, language=language
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
    then starts the membership (membership_start's rules: nobody accepts an invitation they
    made themselves, nor one that would make the secretariat a co-chair or a co-chair the
    secretariat). The co-chair role is granted only on the invitation of a co-chair still
    serving, or of the platform operator. Returns the person; a refusal changes nothing and
    leaves the invitation open."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation does not exist."))
    with network_scope(invitation.network), transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        problem = invitation_problem(locked)
        if problem:
            raise ValidationError(problem)
        inviter = locked.invited_by
        # The grant takes effect now: a co-chair invitation from someone who no longer
        # serves as co-chair (or was made before the rule) no longer grants anything. The
        # operator's (staff, or the command line's None) stands: it was made while the
        # network had no co-chair.
        if (
            locked.role == Role.CO_CHAIR
            and inviter is not None
            and not inviter.is_staff
            and not _holders(Role.CO_CHAIR).filter(user=inviter).exists()
        ):
            raise ValidationError(
                _(
                    "This invitation to the co-chair role was not made by a serving co-chair, "
                    "so it cannot be accepted: ask a co-chair to invite you."
                ),
                code=NOT_ALLOWED,
            )
        if user is None:
            people = get_user_model().objects
            if people.filter(email__iexact=locked.email).exists():
                raise ValidationError(_("An account with this email exists: sign in first."))
            user = people.create_user(
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
        signals.invitation_accepted.send(sender=Invitation, invitation=locked, user=user)
        return user


def invitation_revoke(*, invitation: Invitation, by: User | None = None) -> Invitation:
    """Whoever may grant the invitation's role (the secretariat; a co-chair for the co-chair
    role), or the system (`by=None`). A used invitation cannot be withdrawn."""
    with network_scope(invitation.network_id), transaction.atomic():
        locked = (
            Invitation.objects.select_for_update().select_related("network").get(pk=invitation.pk)
        )
        if by is not None:
            _check_may_grant(network=locked.network, by=by, role=locked.role, as_operator=False)
        if locked.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."))
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            _role_changed(locked.network, by, "invitation.revoke", locked, None)
        return locked
