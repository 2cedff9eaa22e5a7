"""What meetings does when something happens beside or below it.

A colleague invited to attend in someone's place who accepts is the one sent (networks'
`invitation_accepted`, connected in MeetingsConfig.ready()).

A meeting's pack follows what it shows: a change to the meeting, its agenda, its
participants or a document linked to it queues the next build (meetings.pack), inside the
change's transaction and sent to the worker after the commit. Only a meeting that already
has a pack is rebuilt: the first is built on request or when the agenda is circulated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save, pre_save

from documents.models import Document, DocumentAccess, DocumentVersion
from meetings.models import AgendaItem, Meeting, MeetingPack, Participant
from meetings.services import colleague_joined
from networks.models import Network

if TYPE_CHECKING:
    from accounts.models import User
    from networks.models import Invitation


def invitation_accepted(sender: Any, *, invitation: Invitation, user: User, **kwargs: Any) -> None:
    """A colleague invited to attend a meeting in someone's place accepted: they are the one
    sent — inside the acceptance's transaction."""
    colleague_joined(invitation=invitation, user=user)


def _cascading(kwargs: dict[str, Any]) -> bool:
    """A row deleted with its meeting or network: there is no pack left to rebuild."""
    return isinstance(kwargs.get("origin"), (Meeting, Network))


def _rebuild(meeting_ids: set[int | None]) -> None:
    from meetings.pack import pack_request

    ids = {pk for pk in meeting_ids if pk}
    if not ids:
        return
    having = set(
        MeetingPack.objects.filter(meeting_id__in=ids).values_list("meeting_id", flat=True)
    )
    for meeting in Meeting.objects.filter(pk__in=having):
        pack_request(meeting=meeting)


def _document_meetings(document: Document) -> set[int | None]:
    ids: set[int | None] = {document.meeting_id}
    if document.agenda_item_id:
        ids.add(
            AgendaItem.objects.filter(pk=document.agenda_item_id)
            .values_list("meeting_id", flat=True)
            .first()
        )
    return ids


def meeting_changed(sender: Any, instance: Meeting, created: bool = False, **kwargs: Any) -> None:
    if not created:
        _rebuild({instance.pk})


def part_changed(sender: Any, instance: AgendaItem | Participant, **kwargs: Any) -> None:
    if _cascading(kwargs):
        return
    # A participant's answer changes nothing in the pack; who takes part does (what every
    # recipient may open).
    if isinstance(instance, Participant) and kwargs.get("created") is False:
        return
    _rebuild({instance.meeting_id})


def document_before(sender: Any, instance: Document, **kwargs: Any) -> None:
    # A document moved to another meeting or item changes the pack it leaves too.
    if instance.pk:
        before = Document.objects.filter(pk=instance.pk).first()
        instance._pack_meetings_before = _document_meetings(before) if before else set()  # type: ignore[attr-defined]


def document_changed(sender: Any, instance: Document, **kwargs: Any) -> None:
    if _cascading(kwargs):
        return
    before: set[int | None] = getattr(instance, "_pack_meetings_before", set())
    _rebuild(before | _document_meetings(instance))


def document_part_changed(
    sender: Any, instance: DocumentVersion | DocumentAccess, **kwargs: Any
) -> None:
    if _cascading(kwargs) or isinstance(kwargs.get("origin"), Document):
        return
    document = Document.objects.filter(pk=instance.document_id).first()
    if document is not None:
        _rebuild(_document_meetings(document))


def connect() -> None:
    post_save.connect(meeting_changed, sender=Meeting, dispatch_uid="pack-meeting")
    for model in (AgendaItem, Participant):
        post_save.connect(part_changed, sender=model, dispatch_uid=f"pack-{model.__name__}")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"pack-{model.__name__}-d")
    pre_save.connect(document_before, sender=Document, dispatch_uid="pack-document-before")
    post_save.connect(document_changed, sender=Document, dispatch_uid="pack-document")
    post_delete.connect(document_changed, sender=Document, dispatch_uid="pack-document-d")
    for model in (DocumentVersion, DocumentAccess):
        post_save.connect(
            document_part_changed, sender=model, dispatch_uid=f"pack-{model.__name__}"
        )
        post_delete.connect(
            document_part_changed, sender=model, dispatch_uid=f"pack-{model.__name__}-d"
        )
