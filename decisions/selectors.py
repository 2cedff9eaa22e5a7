"""Reads on the decision register, each in a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Subquery

from decisions.models import (
    JointStatement,
    Procedure,
    StatementPublication,
    StatementVersion,
)
from networks.roles import Action

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from networks.access import NetworkAccess


def sees_drafts(access: NetworkAccess) -> bool:
    """The secretariat and the co-chairs read statements before the co-chairs clear them."""
    return access.can(Action.STATEMENTS_DRAFT_VIEW)


def statements_visible(*, access: NetworkAccess) -> QuerySet[JointStatement]:
    """The joint statements a person may read: all of them for the secretariat and the
    co-chairs; for everyone else, those with a version the co-chairs cleared."""
    statements = JointStatement.objects.all()
    if not sees_drafts(access):
        statements = statements.filter(
            Exists(
                StatementVersion.objects.filter(statement=OuterRef("pk"), cleared_at__isnull=False)
            )
        )
    return statements


def versions_visible(
    *, access: NetworkAccess, statement: JointStatement
) -> QuerySet[StatementVersion]:
    """A statement's versions, newest first: only the cleared ones for those who do not
    read drafts."""
    versions = StatementVersion.objects.filter(statement=statement).order_by("-number")
    if not sees_drafts(access):
        versions = versions.filter(cleared_at__isnull=False)
    return versions


def statements_listed(*, access: NetworkAccess) -> QuerySet[JointStatement]:
    """The joint statements a person may read, latest first, each with the outcome of its
    latest procedure and whether a version of it is public: one query."""
    latest = Procedure.objects.filter(joint_statement=OuterRef("pk")).order_by("-opened_at", "-pk")
    return (
        statements_visible(access=access)
        .annotate(
            procedure_kind=Subquery(latest.values("kind")[:1]),
            procedure_closed_at=Subquery(latest.values("closed_at")[:1]),
            procedure_outcome=Subquery(latest.values("outcome")[:1]),
            is_public=Exists(
                StatementPublication.objects.filter(version__statement=OuterRef("pk"))
            ),
        )
        .order_by("-created_at", "-pk")
    )


def public_statements() -> QuerySet[StatementPublication]:
    """The entered network's public joint statements, for its public page (anyone may read
    it): for each statement the latest version made public, with the agreement — one query.
    A correction issued later is not public until it is published in turn."""
    later = StatementPublication.objects.filter(
        version__statement=OuterRef("version__statement"),
        version__number__gt=OuterRef("version__number"),
    )
    return (
        StatementPublication.objects.filter(~Exists(later))
        .select_related("version", "version__statement")
        .order_by("-published_at", "-pk")
    )
