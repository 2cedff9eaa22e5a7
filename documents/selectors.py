"""Who may open which document, and the library's reads — each in a fixed number of
queries. `documents_visible` is the one rule every page, download and mailing uses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, Subquery

from documents.models import Document, DocumentAccess, DocumentRead, DocumentVersion
from networks.models import Membership, Participation
from networks.roles import Action, allowed_actions

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from documents.models import Dossier
    from networks.access import NetworkAccess
    from networks.models import Organisation

C = Document.Confidentiality

# The one rule of who opens what: a document of each confidentiality opens for those whose
# roles hold the action (networks.roles); a public one for everyone who sees the library; a
# restricted one also for the people and organisations named on it. The library, search,
# downloads, dossiers, a meeting's documents and the mailing all come through here.
READABLE_WITH: dict[str, Action | None] = {
    C.PUBLIC: None,
    C.PARTNERS: Action.DOCUMENTS_OPEN_PARTNERS,
    C.INTERNAL: Action.DOCUMENTS_OPEN_INTERNAL,
    C.RESTRICTED: Action.DOCUMENTS_OPEN_RESTRICTED,
}


def readable_levels(actions: Iterable[str]) -> list[str]:
    """The confidentiality levels a person holding `actions` opens whatever the document."""
    held = set(actions)
    return [level for level, action in READABLE_WITH.items() if action is None or action in held]


def visibility_filter(
    *, user_id: int, actions: Iterable[str], organisation_ids: Iterable[int]
) -> Q:
    """The documents a person holding `actions` for `organisation_ids` may open."""
    named = DocumentAccess.objects.filter(
        Q(user_id=user_id) | Q(organisation_id__in=list(organisation_ids))
    ).values("document_id")
    return Q(confidentiality__in=readable_levels(actions)) | Q(
        confidentiality=C.RESTRICTED, pk__in=named
    )


def may_open(
    document: Document,
    *,
    user_id: int,
    actions: Iterable[str],
    organisation_ids: Iterable[int],
    named: Iterable[DocumentAccess],
) -> bool:
    """`visibility_filter` for one document already in hand (its `named` entries loaded):
    the mailing and the readers' list ask it for many people without a query each."""
    if document.confidentiality in readable_levels(actions):
        return True
    organisations = set(organisation_ids)
    return document.confidentiality == C.RESTRICTED and any(
        entry.user_id == user_id or entry.organisation_id in organisations for entry in named
    )


@dataclass
class Opener:
    """A person of the network as the document rule sees them."""

    user: User
    actions: frozenset[str]
    organisation_ids: frozenset[int]


def openers(document: Document, memberships: Iterable[Membership] | None = None) -> list[Opener]:
    """Everyone active in the network who may open `document` (2 queries, or 1 with the
    active `memberships` already loaded with their users)."""
    if memberships is None:
        memberships = Membership.objects.active().select_related("user")
    named = list(DocumentAccess.objects.filter(document=document))
    people: dict[int, tuple[User, set[str], set[int]]] = {}
    for membership in memberships:
        if not membership.user.is_active:
            continue
        user, roles, organisations = people.setdefault(
            membership.user_id, (membership.user, set(), set())
        )
        roles.add(membership.role)
        organisations.add(membership.organisation_id)
    result = []
    for user, roles, organisations in people.values():
        actions = allowed_actions(roles)
        if may_open(
            document,
            user_id=user.pk,
            actions=actions,
            organisation_ids=organisations,
            named=named,
        ):
            result.append(Opener(user, actions, frozenset(organisations)))
    return result


def documents_visible(*, access: NetworkAccess) -> QuerySet[Document]:
    rule = visibility_filter(
        user_id=access.user_id, actions=access.actions, organisation_ids=access.organisation_ids
    )
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return Document.objects.filter(rule).annotate(
        latest_number=Subquery(latest.values("number")[:1]),
        latest_filename=Subquery(latest.values("filename")[:1]),
        latest_size=Subquery(latest.values("size")[:1]),
    )


def library(
    *, access: NetworkAccess, category: str = "", meeting_id: int | None = None
) -> QuerySet[Document]:
    documents = documents_visible(access=access).select_related("meeting", "agenda_item")
    if category:
        documents = documents.filter(category=category)
    if meeting_id:
        documents = documents.filter(meeting_id=meeting_id)
    return documents.order_by("-updated_at", "-pk")


@dataclass
class ReaderRow:
    organisation: Organisation
    readers: list[User]
    not_read: list[User]


def readers(*, document: Document) -> list[ReaderRow]:
    """Per organisation taking part: who has opened any version of the document, and who
    (of those who may open it) has not. 4 queries."""
    reads = {
        read.user_id: read
        for read in DocumentRead.objects.filter(version__document=document)
        .select_related("user")
        .order_by("opened_at")
    }
    rows: dict[int, ReaderRow] = {}
    participations = (
        Participation.objects.active()
        .select_related("organisation")
        .order_by("organisation__acronym")
    )
    for participation in participations:
        rows[participation.organisation_id] = ReaderRow(participation.organisation, [], [])
    memberships = list(
        Membership.objects.active().select_related("user").order_by("user__full_name")
    )
    may = {opener.user.pk for opener in openers(document, memberships)}
    for membership in memberships:
        row = rows.get(membership.organisation_id)
        if row is None:
            continue
        if membership.user_id in reads:
            if membership.user not in row.readers:
                row.readers.append(membership.user)
        elif membership.user_id in may and membership.user not in row.not_read:
            row.not_read.append(membership.user)
    return [row for row in rows.values() if row.readers or row.not_read]


SNIPPET_CHARS = 240


def search(*, access: NetworkAccess, query: str) -> QuerySet[Document]:
    """Documents the person may open that match `query`, best first, each with a `snippet`
    of where it matched. PostgreSQL: the stored, weighted full-text vector and its ranking;
    elsewhere: every word must appear in the title, description or text, title matches
    first. Nothing the person may not open is ever part of the query's result."""
    from django.db import connection
    from django.db.models import Case, IntegerField, Value, When
    from django.db.models.functions import Greatest, Lower, StrIndex, Substr

    # Control characters (a NUL above all) are never part of a word anyone searches for.
    printable = "".join(ch if ch.isprintable() else " " for ch in query)
    words = [word for word in printable.split() if word][:10]
    documents = (
        documents_visible(access=access)
        .select_related("meeting", "agenda_item")
        .defer("search_text", "search_vector")
    )
    if not words:
        return documents.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
        from django.db.models import F

        from documents.tasks import SEARCH_CONFIG

        wanted = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="websearch")
        return (
            documents.filter(search_vector=wanted)
            .annotate(
                rank=SearchRank(F("search_vector"), wanted),
                snippet=SearchHeadline(
                    "search_text",
                    wanted,
                    config=SEARCH_CONFIG,
                    max_words=35,
                    min_words=15,
                    start_sel="«",
                    stop_sel="»",
                ),
            )
            .order_by("-rank", "-updated_at", "-pk")
        )
    for word in words:
        documents = documents.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(search_text__icontains=word)
        )
    first = words[0].lower()
    position = StrIndex(Lower("search_text"), Value(first))
    return documents.annotate(
        rank=Case(
            When(title__icontains=first, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        snippet=Substr("search_text", Greatest(position - 80, 1), SNIPPET_CHARS),
    ).order_by("-rank", "-updated_at", "-pk")


def public_documents() -> QuerySet[Document]:
    """The entered network's public documents, with their latest version (for the public
    page, which anyone may read)."""
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return (
        Document.objects.filter(confidentiality=C.PUBLIC)
        .defer("search_text", "search_vector")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_filename=Subquery(latest.values("filename")[:1]),
            latest_size=Subquery(latest.values("size")[:1]),
        )
        .order_by("-updated_at", "-pk")
    )


@dataclass
class RequirementRow:
    name: str
    documents: list[Document]


def dossier_page(
    *, access: NetworkAccess, dossier: Dossier
) -> tuple[list[RequirementRow], list[Document], list[str]]:
    """Each required item with the documents that answer it (only those the person may open),
    the supporting documents, and the items still missing. 2 queries."""
    from documents.models import DossierDocument

    visible = Document.objects.filter(
        visibility_filter(
            user_id=access.user_id, actions=access.actions, organisation_ids=access.organisation_ids
        )
    ).values("pk")
    entries = list(
        DossierDocument.objects.filter(dossier=dossier, document_id__in=visible)
        .select_related("document")
        .order_by("document__title")
    )
    rows = [
        RequirementRow(name, [e.document for e in entries if e.requirement == name])
        for name in dossier.required_items
    ]
    supporting = [e.document for e in entries if not e.requirement]
    # Missing is judged on every entry, not only the visible ones: a restricted budget still
    # counts as provided, even for someone who may not open it.
    provided = set(
        DossierDocument.objects.filter(dossier=dossier).values_list("requirement", flat=True)
    )
    missing = [name for name in dossier.required_items if name not in provided]
    return rows, supporting, missing
