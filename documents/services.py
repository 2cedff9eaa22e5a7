"""Writes on the document library. Keyword-only, one transaction each; the view has checked
the action in networks.roles. A refused upload stores nothing: the file is checked before
any row or file is written. An upload that fails after its file was written removes the
file again; one rolled back by a caller's transaction leaves it to the orphan sweep."""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation.models import Circulation
from circulation.services import Recipient, circulation_create
from documents import scan, uploads
from documents.models import (
    UPLOAD_FOLDER,
    ConfidentialityChange,
    Document,
    DocumentAccess,
    DocumentRead,
    DocumentVersion,
    Dossier,
    DossierDocument,
)
from documents.selectors import openers
from documents.storage import STORAGE_ERRORS
from networks.models import Membership, Network
from networks.scoping import scopes_disabled
from portal.queues import enqueue_on_commit
from workflow.signals import happened

if TYPE_CHECKING:
    from django.core.files import File
    from django.core.files.storage import Storage

    from accounts.models import User
    from decisions.models import Decision
    from meetings.models import AgendaItem, Meeting
    from networks.models import Organisation, WorkingGroup
    from reference.models import GCMObjective

C = Document.Confidentiality
logger = logging.getLogger(__name__)


def _read_upload(file: File | None) -> tuple[bytes, uploads.Kind, str]:
    if file is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    data = file.read()
    try:
        kind, name = uploads.check(data, getattr(file, "name", "") or "document")
        scan.scan(data)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    return data, kind, name


def _check_confidentiality(
    confidentiality: str,
    public_agreement: str,
    organisations: Sequence[Organisation],
    people: Sequence[User],
) -> None:
    if confidentiality not in C.values:
        raise ValidationError({"confidentiality": _("Choose who may open the document.")})
    if confidentiality == C.PUBLIC and not public_agreement.strip():
        raise ValidationError(
            {
                "public_agreement": _(
                    "A document becomes public only with a recorded agreement: name the "
                    "decision or the co-chairs' act."
                )
            }
        )
    if confidentiality == C.RESTRICTED and not (organisations or people):
        raise ValidationError(
            {"organisations": _("Name the organisations or people who may open it.")}
        )


def _set_access(
    document: Document, organisations: Iterable[Organisation], people: Iterable[User]
) -> None:
    DocumentAccess.objects.filter(document=document).delete()
    if document.confidentiality != C.RESTRICTED:
        return
    DocumentAccess.objects.bulk_create(
        [
            DocumentAccess(network_id=document.network_id, document=document, organisation=org)
            for org in organisations
        ]
        + [
            DocumentAccess(network_id=document.network_id, document=document, user=person)
            for person in people
        ]
    )


@contextmanager
def _files_removed_on_failure() -> Iterator[list[FieldFile]]:
    """Files written inside the block (append them to the list) are deleted again when the
    block fails. Use it inside the transaction, never around it: an error raised after the
    commit (an on_commit callback whose broker is down) must not take the file of a
    committed version. What fails later — the commit itself, or a caller's transaction
    that rolls back — leaves the file to documents.tasks.sweep_orphan_files."""
    written: list[FieldFile] = []
    try:
        yield written
    except BaseException:
        for file in written:
            if file.name is None:  # never written: nothing to remove
                continue
            try:
                file.storage.delete(file.name)
            except STORAGE_ERRORS:
                logger.warning("Could not remove %s; the orphan sweep will.", file.name)
        raise


def _store_version(
    document: Document,
    by: User | None,
    data: bytes,
    kind: uploads.Kind,
    name: str,
    written: list[FieldFile],
) -> DocumentVersion:
    """The next version of `document`, its file written under a random name (and added to
    `written`, so the caller removes it if its transaction fails)."""
    number = (
        DocumentVersion.objects.filter(document=document).aggregate(top=Max("number"))["top"] or 0
    ) + 1
    version = DocumentVersion(
        network_id=document.network_id,
        document=document,
        number=number,
        filename=name,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    version.file.save(name, ContentFile(data), save=False)
    written.append(version.file)
    version.save()
    from documents.tasks import extract_text, refresh_search_vector

    # Found by its title at once; by its text once the worker has read it.
    refresh_search_vector(document.pk)
    enqueue_on_commit(extract_text, version.pk)
    return version


def document_upload(
    *,
    network: Network,
    by: User | None,
    title: str,
    file: File | None,
    category: str = Document.Category.OTHER,
    language: str = "en",
    description: str = "",
    confidentiality: str = C.INTERNAL,
    public_agreement: str = "",
    organisations: Sequence[Organisation] = (),
    people: Sequence[User] = (),
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    working_group: WorkingGroup | None = None,
    decision: Decision | None = None,
    gcm_objectives: Iterable[GCMObjective] = (),
) -> Document:
    """Secretariat: a new document with its first version."""
    if not title.strip():
        raise ValidationError({"title": _("Give the document a title.")})
    if category not in Document.Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    _check_confidentiality(confidentiality, public_agreement, organisations, people)
    data, kind, name = _read_upload(file)
    if agenda_item is not None:
        meeting = agenda_item.meeting
    with transaction.atomic(), _files_removed_on_failure() as written:
        document = Document.objects.create(
            network=network,
            title=title.strip()[:300],
            category=category,
            language=language[:8],
            description=description.strip(),
            confidentiality=confidentiality,
            public_agreement=public_agreement.strip()[:500],
            meeting=meeting,
            agenda_item=agenda_item,
            working_group=working_group,
            decision=decision,
            created_by=by,
        )
        _set_access(document, organisations, people)
        document.gcm_objectives.set(gcm_objectives)
        _store_version(document, by, data, kind, name, written)
    return document


def version_add(*, document: Document, by: User, file: File | None) -> DocumentVersion:
    """Secretariat: a new version; the earlier ones stay readable to those allowed."""
    data, kind, name = _read_upload(file)
    with transaction.atomic(), _files_removed_on_failure() as written:
        locked = Document.objects.select_for_update().get(pk=document.pk)
        version = _store_version(locked, by, data, kind, name, written)
        locked.save(update_fields=["updated_at"])
    return version


def confidentiality_set(
    *,
    document: Document,
    by: User,
    confidentiality: str,
    reason: str,
    public_agreement: str = "",
    organisations: Sequence[Organisation] = (),
    people: Sequence[User] = (),
) -> Document:
    """Secretariat: who may open the document, with the reason recorded."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the confidentiality changes.")})
    _check_confidentiality(confidentiality, public_agreement, organisations, people)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        ConfidentialityChange.objects.create(
            network_id=locked.network_id,
            document=locked,
            before=locked.confidentiality,
            after=confidentiality,
            reason=reason.strip()[:500],
            changed_by=by,
        )
        locked.confidentiality = confidentiality
        locked.public_agreement = (
            public_agreement.strip()[:500] if confidentiality == C.PUBLIC else ""
        )
        locked.save(update_fields=["confidentiality", "public_agreement", "updated_at"])
        _set_access(locked, organisations, people)
    return locked


def document_circulate(*, document: Document, by: User, message: str = "") -> Circulation:
    """Secretariat: a link to the document (never the file) to everyone in the network who
    may open it; each opening is recorded per version."""
    people = {opener.user.pk: opener.user for opener in openers(document)}
    if not people:
        raise ValidationError(_("Nobody in the network may open this document yet."))
    network = document.network
    return circulation_create(
        network=network,
        kind=Circulation.Kind.DOCUMENT,
        sender=by,
        recipients=[Recipient.of(person) for person in people.values()],
        template="document",
        context={"title": document.title, "message": message.strip()},
        about=document,
        link=reverse(
            "documents:detail", kwargs={"network": network.slug, "document_id": document.pk}
        ),
    )


def document_read(
    *, version: DocumentVersion, user: User, organisation: Organisation | None = None
) -> None:
    """Record the first time `user` opened `version` (a second opening changes nothing)."""
    DocumentRead.objects.get_or_create(
        version=version,
        user=user,
        defaults={"network_id": version.network_id, "organisation": organisation},
    )


def version_opened(*, version: DocumentVersion, user: User) -> None:
    """The page's and the API's download, after they checked that `user` may open the
    document (documents.selectors): the first opening of the version recorded, with the
    organisation of the person's first role; and every download of a restricted document
    kept in the audit trail (its name and version, never its contents)."""
    document = version.document
    membership = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("started_at")
        .first()
    )
    document_read(
        version=version, user=user, organisation=membership.organisation if membership else None
    )
    if document.confidentiality == C.RESTRICTED:
        happened.send(
            sender=DocumentVersion,
            network_id=document.network_id,
            user=user,
            organisation_id=membership.organisation_id if membership else None,
            record=document,
            event="document.download",
            summary={"version": version.number},
        )


def dossier_create(
    *,
    network: Network,
    by: User,
    title: str,
    call: str,
    required_items: list[str],
    deadline: date | None = None,
) -> Dossier:
    """Secretariat: a dossier for one submission, with the items the call requires."""
    items = [" ".join(item.split())[:200] for item in required_items if item.strip()]
    if not title.strip():
        raise ValidationError({"title": _("Give the dossier a title.")})
    if not items:
        raise ValidationError(
            {"required_items": _("List the items the call requires, one per line.")}
        )
    if len(set(items)) != len(items):
        raise ValidationError({"required_items": _("Each required item appears once.")})
    return Dossier.objects.create(
        network=network,
        title=title.strip()[:300],
        call=call.strip()[:300],
        deadline=deadline,
        required_items=items[:50],
        created_by=by,
    )


def dossier_add(
    *, dossier: Dossier, document: Document, requirement: str, by: User
) -> DossierDocument:
    """Secretariat: put a document of the library in the dossier, answering a required item
    (or '' for a supporting document)."""
    if requirement and requirement not in dossier.required_items:
        raise ValidationError({"requirement": _("Choose one of the dossier's required items.")})
    if document.network_id != dossier.network_id:
        raise ValidationError({"document": _("Choose a document of this network.")})
    entry, created = DossierDocument.objects.get_or_create(
        dossier=dossier,
        document=document,
        requirement=requirement,
        defaults={"network_id": dossier.network_id},
    )
    if not created:
        raise ValidationError({"document": _("This document is already there.")})
    return entry


def dossier_remove(*, entry: DossierDocument, by: User) -> None:
    DossierDocument.objects.filter(pk=entry.pk).delete()


def _stored_names(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _stored_names(storage, f"{folder}/{name}")


def _referenced(names: Iterable[str]) -> set[str]:
    with scopes_disabled():
        return set(DocumentVersion.objects.filter(file__in=names).values_list("file", flat=True))


def _written_before(storage: Storage, name: str, limit: datetime) -> bool:
    try:
        return storage.get_modified_time(name) < limit
    except STORAGE_ERRORS:
        return False  # gone already, or unreadable: leave it alone


def orphan_files_remove(*, older_than: timedelta, dry_run: bool = False) -> list[str]:
    """Beat (documents.tasks.sweep_orphan_files) and operators (manage.py
    sweep_document_files): remove the files under the documents' folder of the storage that
    no version references and that were written more than `older_than` ago — what an upload
    whose transaction rolled back, or a version deleted with its document, left behind.

    A referenced file is never removed, and neither is a younger one (its upload may not
    have committed yet). Works the same on the filesystem and in a bucket; safe to run twice
    or twice at once. Returns the names removed (or, with dry_run, that would be)."""
    storage = DocumentVersion._meta.get_field("file").storage
    limit = timezone.now() - older_than
    removed: list[str] = []
    names = _stored_names(storage, UPLOAD_FOLDER)
    while batch := list(itertools.islice(names, 500)):
        candidates = [
            name
            for name in sorted(set(batch) - _referenced(batch))
            if _written_before(storage, name, limit)
        ]
        if not candidates:
            continue
        # Read the references again right before removing: only an upload whose transaction
        # outlasted the grace period could have committed since, but then it keeps its file.
        for name in sorted(set(candidates) - _referenced(candidates)):
            if not dry_run:
                try:
                    storage.delete(name)
                except STORAGE_ERRORS:
                    logger.warning("Could not remove the orphan file %s.", name, exc_info=True)
                    continue
            removed.append(name)
    return removed
