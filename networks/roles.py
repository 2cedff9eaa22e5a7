"""Who may do what: the one permission table of the portal.

Views and API views declare the `Action` they need; `can()` answers from this table and
nothing else in the code checks roles. docs/roles.md shows the same table, and
tests/networks/test_roles_doc.py keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    CO_CHAIR = "co_chair", _("Co-chair")
    MEMBER = "member", _("Member focal point")
    EXTERNAL_PARTNER = "external_partner", _("External partner")
    RCO_REPORTER = "rco_reporter", _("RCO reporter")
    # Held per region (RegionalViewer), never through a network membership.
    REGIONAL_VIEWER = "regional_viewer", _("Regional viewer")


MEMBERSHIP_ROLES = [choice for choice in Role.choices if choice[0] != Role.REGIONAL_VIEWER]


class Action(models.TextChoices):
    NETWORK_VIEW = "network.view", _("See the network's home page")
    MEMBERS_VIEW = "members.view", _("See the member list and focal points")
    MEMBERS_EXPORT = "members.export", _("Export the member list (CSV, PDF)")
    PEOPLE_CONTACT_VIEW = (
        "people.contact_view",
        _(
            "See who people are — names and email addresses — in meetings, activities, "
            "workplans and reports (others see organisations)"
        ),
    )
    MEMBERS_MANAGE = (
        "members.manage",
        _("Invite people, change and end memberships (the co-chairs' role excepted)"),
    )
    CO_CHAIRS_MANAGE = (
        "co_chairs.manage",
        _("Invite co-chairs and end a co-chair's membership"),
    )
    WORKING_GROUPS_VIEW = "working_groups.view", _("See working groups")
    WORKING_GROUPS_VIEW_ALL = (
        "working_groups.view_all",
        _("See every working group (others: the groups they belong to)"),
    )
    CIRCULATIONS_VIEW = (
        "circulations.view",
        _("See every mailing of the network and its deliveries"),
    )
    CIRCULATIONS_RESEND = "circulations.resend", _("Send a failed delivery again")
    MY_MAIL_VIEW = "my_mail.view", _("See the mail the portal sent me")
    MEETINGS_VIEW = "meetings.view", _("See meetings and their agendas")
    MEETINGS_VIEW_ALL = (
        "meetings.view_all",
        _("See every meeting of the network (others: the meetings they are invited to)"),
    )
    MEETINGS_MANAGE = (
        "meetings.manage",
        _("Schedule, change and cancel meetings; write, submit and circulate agendas"),
    )
    MEETINGS_INVITE = "meetings.invite", _("Invite people to a meeting")
    MEETINGS_PACK = (
        "meetings.pack",
        _(
            "Download a meeting's pack (the agenda and its documents in one PDF), when one may "
            "open every document in it"
        ),
    )
    AGENDA_APPROVE = "agenda.approve", _("Approve an agenda or return it with comments")
    AGENDA_DRAFT_VIEW = (
        "agendas.draft_view",
        _("Read an agenda before the co-chairs approve it (others: once approved)"),
    )
    MEETING_RSVP = "meeting.rsvp", _("Answer a meeting invitation")
    COLLEAGUE_INVITE = (
        "members.invite_colleague",
        _(
            "Invite a colleague of one's own organisation to attend a meeting in one's place "
            "(they join as a focal point; a partner's colleague as a partner)"
        ),
    )
    MINUTES_VIEW = "minutes.view", _("Read approved minutes")
    MINUTES_DRAFT_VIEW = "minutes.draft_view", _("Read draft minutes and the comments on them")
    MINUTES_EDIT = (
        "minutes.edit",
        _("Write minutes, submit them for approval and start a correction"),
    )
    MINUTES_APPROVE = "minutes.approve", _("Approve minutes or return them with comments")
    MINUTES_COMMENT = "minutes.comment", _("Comment on submitted minutes (attendees)")
    DOCUMENTS_VIEW = "documents.view", _("Open the documents one may (by confidentiality)")
    DOCUMENTS_OPEN_PARTNERS = (
        "documents.open_partners",
        _("Open documents shared with partners"),
    )
    DOCUMENTS_OPEN_INTERNAL = "documents.open_internal", _("Open internal documents")
    DOCUMENTS_OPEN_RESTRICTED = (
        "documents.open_restricted",
        _("Open every restricted document (others: those they or their organisation are named on)"),
    )
    DOSSIERS_VIEW = "dossiers.view", _("See the dossiers of calls for proposals")
    DECISIONS_VIEW = "decisions.view", _("See the decision register and written procedures")
    DECISIONS_VIEW_ALL = (
        "decisions.view_all",
        _("See the whole register (others: the decisions that concern the state)"),
    )
    DECISIONS_PROPOSE = (
        "decisions.propose",
        _("Draft decisions and put them to a consultation or silence procedure"),
    )
    POSITION_STATE = (
        "decisions.position",
        _("State the position of one's own organisation in a written procedure"),
    )
    OUTCOME_RECORD = "decisions.outcome", _("Record the outcome of a consultation")
    ACTIONS_VIEW = "actions.view", _("See the action points")
    ACTIONS_ADD = "actions.add", _("Add action points to decisions")
    ACTIONS_UPDATE = (
        "actions.update",
        _("Update one's own organisation's action points (the secretariat: any)"),
    )
    ACTIONS_UPDATE_ANY = "actions.update_any", _("Update any organisation's action points")
    STATEMENTS_VIEW = "statements.view", _("Read One-Voice joint statements")
    STATEMENTS_DRAFT_VIEW = (
        "statements.draft_view",
        _("Read joint statements before the co-chairs clear them"),
    )
    STATEMENTS_DRAFT = (
        "statements.draft",
        _("Draft and submit joint statements, issue cleared ones, start a correction"),
    )
    STATEMENTS_CLEAR = (
        "statements.clear",
        _("Clear a joint statement or return it with comments"),
    )
    STATEMENTS_SILENCE = (
        "statements.silence",
        _("Put a cleared joint statement to a silence procedure"),
    )
    STATEMENTS_PUBLISH = (
        "statements.publish",
        _("Make an issued joint statement public, naming the agreement"),
    )
    DOCUMENTS_MANAGE = (
        "documents.manage",
        _(
            "Upload documents and versions, set confidentiality, circulate, see who read, "
            "keep dossiers"
        ),
    )
    WORKPLANS_VIEW = (
        "workplans.view",
        _("See workplans, their progress and GCM coverage (drafts: those who write them)"),
    )
    WORKPLANS_MANAGE = (
        "workplans.manage",
        _("Draft workplans, add outcomes, outputs and activities, import, start and close"),
    )
    WORKPLAN_DRAFTS_VIEW = "workplans.draft_view", _("See draft workplans")
    WORKPLAN_ENDORSE = "workplans.endorse", _("Endorse a draft workplan")
    SIGNOFF_RULES_MANAGE = (
        "signoff.rules",
        _("Choose who signs agendas, minutes, statements, reports and workplans"),
    )
    ACTIVITY_CHANGE = (
        "workplans.activity",
        _(
            "Change an activity and report its quarterly progress (members: those their "
            "organisation leads)"
        ),
    )
    ACTIVITY_CHANGE_ANY = (
        "workplans.activity_any",
        _("Change any activity, and hand an activity to another lead organisation"),
    )
    WORKPLAN_UPDATES_CHASE = (
        "workplans.chase",
        _("See which quarterly updates are missing and chase them"),
    )
    REPORTS_VIEW = (
        "reports.view",
        _(
            "See the submitted quarterly reports and download them (drafts: the secretariat "
            "and the co-chairs)"
        ),
    )
    REPORT_DRAFTS_VIEW = "reports.draft_view", _("See quarterly reports before they are submitted")
    REPORTS_WRITE = (
        "reports.write",
        _("Open a quarter's report and write its narrative"),
    )
    REPORTS_SUBMIT = (
        "reports.submit",
        _("Submit the quarterly report to the UN team, or resubmit it with a reason"),
    )
    REPORTS_WORKING_COPY = (
        "reports.working_copy",
        _("See a submitted report's figures as they stand now, before resubmitting it"),
    )
    REPORTS_FOLLOW = (
        "reports.follow",
        _(
            "Be told in the inbox where each quarter's report stands: being drafted, waiting "
            "for the co-chairs, submitted"
        ),
    )
    AUDIT_VIEW = (
        "audit.view",
        _("See the network's audit trail: who took which step, changed which role, when"),
    )


S, C, M, P, R, G = (
    Role.SECRETARIAT,
    Role.CO_CHAIR,
    Role.MEMBER,
    Role.EXTERNAL_PARTNER,
    Role.RCO_REPORTER,
    Role.REGIONAL_VIEWER,
)

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.NETWORK_VIEW: frozenset({S, C, M, P, R, G}),
    Action.MEMBERS_VIEW: frozenset({S, C, M, R}),
    Action.MEMBERS_EXPORT: frozenset({S, C, M, R}),
    # External partners and regional viewers see organisations, not people (API serializers,
    # workplan and report pages; networks.api.privacy).
    Action.PEOPLE_CONTACT_VIEW: frozenset({S, C, M, R}),
    Action.MEMBERS_MANAGE: frozenset({S}),
    # Only a serving co-chair grants or ends the co-chair role (see ROLE_MANAGED_BY).
    Action.CO_CHAIRS_MANAGE: frozenset({C}),
    Action.WORKING_GROUPS_VIEW: frozenset({S, C, M, R, P}),
    Action.WORKING_GROUPS_VIEW_ALL: frozenset({S, C, M, R}),
    Action.CIRCULATIONS_VIEW: frozenset({S}),
    Action.CIRCULATIONS_RESEND: frozenset({S}),
    Action.MY_MAIL_VIEW: frozenset({S, C, M, P, R}),
    Action.MEETINGS_VIEW: frozenset({S, C, M, P, R}),
    # External partners see only the meetings they are invited to.
    Action.MEETINGS_VIEW_ALL: frozenset({S, C, M, R}),
    Action.MEETINGS_MANAGE: frozenset({S}),
    Action.MEETINGS_INVITE: frozenset({S, C}),
    Action.MEETINGS_PACK: frozenset({S, C, M, P, R}),
    Action.AGENDA_APPROVE: frozenset({C}),
    # Members and partners read the agenda once the co-chairs approved it (meetings.selectors).
    Action.AGENDA_DRAFT_VIEW: frozenset({S, C}),
    Action.MEETING_RSVP: frozenset({S, C, M, P}),
    # The one way someone other than the secretariat brings a person into the network: a
    # colleague of their own organisation, sent to a meeting (networks.services.colleague_invite).
    Action.COLLEAGUE_INVITE: frozenset({S, C, M, P}),
    Action.MINUTES_VIEW: frozenset({S, C, M, P, R}),
    Action.MINUTES_DRAFT_VIEW: frozenset({S, C}),
    Action.MINUTES_EDIT: frozenset({S}),
    Action.MINUTES_APPROVE: frozenset({C}),
    Action.MINUTES_COMMENT: frozenset({S, C, M, P}),
    # Which documents each may open: public ones for all, the others by these three actions
    # (documents.selectors.READABLE_WITH); restricted ones also for the people named on them.
    Action.DOCUMENTS_VIEW: frozenset({S, C, M, P, R, G}),
    Action.DOCUMENTS_OPEN_PARTNERS: frozenset({S, C, M, P, R}),
    Action.DOCUMENTS_OPEN_INTERNAL: frozenset({S, C, M, R}),
    Action.DOCUMENTS_OPEN_RESTRICTED: frozenset({S}),
    Action.DOSSIERS_VIEW: frozenset({S, C, M, R}),
    Action.DECISIONS_VIEW: frozenset({S, C, M, P, R}),
    # External partners see the decisions that concern the state.
    Action.DECISIONS_VIEW_ALL: frozenset({S, C, M, R}),
    Action.DECISIONS_PROPOSE: frozenset({S, C}),
    # Which organisation one speaks for is checked against one's memberships (services).
    Action.POSITION_STATE: frozenset({S, C, M, P}),
    Action.OUTCOME_RECORD: frozenset({C}),
    Action.ACTIONS_VIEW: frozenset({S, C, M, R}),
    Action.ACTIONS_ADD: frozenset({S, C}),
    # Without ACTIONS_UPDATE_ANY, only one's own organisation's action points (services).
    Action.ACTIONS_UPDATE: frozenset({S, C, M}),
    Action.ACTIONS_UPDATE_ANY: frozenset({S}),
    Action.STATEMENTS_VIEW: frozenset({S, C, M, R}),
    Action.STATEMENTS_DRAFT_VIEW: frozenset({S, C}),
    Action.STATEMENTS_DRAFT: frozenset({S}),
    Action.STATEMENTS_CLEAR: frozenset({C}),
    Action.STATEMENTS_SILENCE: frozenset({S, C}),
    Action.STATEMENTS_PUBLISH: frozenset({S, C}),
    Action.DOCUMENTS_MANAGE: frozenset({S}),
    Action.WORKPLANS_VIEW: frozenset({S, C, M, R, G}),
    Action.WORKPLAN_DRAFTS_VIEW: frozenset({S, C, M}),
    Action.WORKPLANS_MANAGE: frozenset({S}),
    Action.WORKPLAN_ENDORSE: frozenset({C}),
    # The platform operator sets the same rules in the operators' admin.
    Action.SIGNOFF_RULES_MANAGE: frozenset({C}),
    # Without ACTIVITY_CHANGE_ANY, only the activities one's organisation leads (services).
    Action.ACTIVITY_CHANGE: frozenset({S, C, M}),
    Action.ACTIVITY_CHANGE_ANY: frozenset({S, C}),
    Action.WORKPLAN_UPDATES_CHASE: frozenset({S}),
    Action.REPORTS_VIEW: frozenset({S, C, R, G}),
    Action.REPORT_DRAFTS_VIEW: frozenset({S, C}),
    Action.REPORTS_WRITE: frozenset({S}),
    Action.REPORTS_SUBMIT: frozenset({C}),
    Action.REPORTS_WORKING_COPY: frozenset({S, C}),
    # The RCO pulls the report: its inbox says when there is one to pull (the secretariat
    # and the co-chairs have their own steps on it).
    Action.REPORTS_FOLLOW: frozenset({R}),
    # Who signs off and who drafts see what was done; members see the records themselves.
    Action.AUDIT_VIEW: frozenset({S, C}),
}

# Roles whose holders speak for their organisation: state its position in a written
# procedure, update its action points, report on the workplan activities it leads.
SPEAKING_ROLES = (S, C, M, P)

# Roles that must sign in with a second factor when PORTAL_REQUIRE_MFA is on.
MFA_REQUIRED_ROLES = frozenset({S, C})

# Separation of duties (docs/roles.md). The co-chairs sign off what the secretariat drafts, so
# the secretariat cannot grant or end the co-chair role: that needs a serving co-chair (or the
# platform operator while the network has none, networks.services). Every other role is
# the secretariat's to grant and end.
ROLE_MANAGED_BY: dict[Role, Action] = {
    role: Action.CO_CHAIRS_MANAGE if role == C else Action.MEMBERS_MANAGE
    for role in Role
    if role != G
}
# One person never holds these two in the same network: who drafts does not sign off.
EXCLUSIVE_ROLES = frozenset({S, C})
# A network always keeps someone in each: the last holder's membership cannot be ended.
ALWAYS_HELD_ROLES = (S, C)
# The platform operator may grant these when the network has nobody holding them.
OPERATOR_GRANTED_ROLES = frozenset({S, C})


def can(roles: Iterable[Role | str], action: Action) -> bool:
    """True when any of `roles` may perform `action`."""
    allowed = PERMISSIONS[action]
    return any(role in allowed for role in roles)


def roles_with(action: Action) -> list[Role]:
    """The roles that may perform `action`, in Role order (for a query over memberships)."""
    return [role for role in Role if role in PERMISSIONS[action]]


def may_manage_role(roles: Iterable[Role | str], role: Role | str) -> bool:
    """True when any of `roles` may grant `role` (invite someone into it) and end it."""
    return can(roles, ROLE_MANAGED_BY[Role(role)])


def grantable_roles(roles: Iterable[Role | str]) -> list[tuple[str, str | Promise]]:
    """The membership roles (value, label) that `roles` may grant, in MEMBERSHIP_ROLES order:
    what an invitation form offers."""
    roles = frozenset(roles)
    return [(value, label) for value, label in MEMBERSHIP_ROLES if may_manage_role(roles, value)]


def allowed_actions(roles: Iterable[Role | str]) -> frozenset[Action]:
    roles = frozenset(roles)
    return frozenset(action for action, allowed in PERMISSIONS.items() if roles & allowed)
