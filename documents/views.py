"""The document library's pages and its one download view. A document the person may not
open is the same 404 as a missing one; a download checks the right at that moment."""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from documents import public, selectors, services, storage
from documents.forms import (
    CirculateForm,
    ConfidentialityForm,
    DocumentForm,
    DossierAddForm,
    DossierForm,
    VersionForm,
    too_large_message,
)
from documents.models import Document, DocumentVersion, Dossier
from networks.access import not_found
from networks.formtools import form_errors, refused
from networks.mixins import NetworkPageMixin
from networks.roles import Action
from reference.models import GCMObjective

PAGE_SIZE = 25
# Shown in the browser (never HTML or SVG, which the upload check refuses anyway) when the
# file passes the checks of active content (inline_safe); otherwise downloaded.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}
INLINE_VERDICT_SECONDS = 30 * 24 * 3600


def inline_safe(version: DocumentVersion) -> bool:
    """Whether the version's file may be shown inline: a PDF, PNG or JPEG whose bytes pass
    documents.uploads' checks of active content. Every upload accepted today does; a file
    stored before those checks may not, and is then only ever downloaded. The verdict is
    kept per content (sha256), so a file is read for it once."""
    from django.core.cache import cache

    from documents import uploads

    if version.content_type not in INLINE_TYPES:
        return False
    key = f"documents:inline-safe:{version.sha256}"
    verdict = cache.get(key)
    if verdict is None:
        try:
            with storage.open_stream(version.file) as handle:
                data = handle.read()
        except (FileNotFoundError, *storage.STORAGE_ERRORS):
            return False
        verdict = uploads.inline_safe(version.content_type, data)
        cache.set(key, verdict, INLINE_VERDICT_SECONDS)
    return bool(verdict)


def file_response(version: DocumentVersion, *, cache: str = "private, no-store"):
    """The file of a version: handed to nginx by X-Accel-Redirect when it serves the media
    volume from an internal location (DOCUMENTS_X_ACCEL_PREFIX, filesystem storage only),
    else streamed from the storage, a bucket included — never a redirect to the storage,
    never a presigned URL. Either way with headers that keep browsers and caches from doing
    anything clever, and never HTML or SVG inline (the upload check refuses them anyway)."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    inline = inline_safe(version)
    prefix = settings.DOCUMENTS_X_ACCEL_PREFIX
    if prefix and storage.is_filesystem(version.file.storage):
        response = HttpResponse(content_type=version.content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(version.file.name)
        response["Content-Disposition"] = content_disposition_header(not inline, version.filename)
    else:
        try:
            handle = storage.open_stream(version.file)
        except FileNotFoundError as error:
            raise not_found() from error
        response = FileResponse(
            handle,
            content_type=version.content_type,
            as_attachment=not inline,
            filename=version.filename,
        )
        if not response.has_header("Content-Length"):
            # A bucket's stream cannot tell its length; the version knows it.
            response["Content-Length"] = str(version.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = cache
    return response


def language_name(code: str) -> str:
    """A language as people name it, in the reader's language ("Russian", "русский"), not its
    code; a code the portal does not know is shown as it is."""
    from django.conf import settings
    from django.utils.translation import get_language_info

    names = dict(settings.LANGUAGES)
    if code in names:
        return str(names[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def same_network_path(path: str, network_slug: str) -> bool:
    """Whether `path` is a page of the network `network_slug` on this site: a path (no scheme,
    no host, no `..`, no backslash) that resolves to a view of that network. Anything else is
    never followed (an open redirect, or another network's page)."""
    from django.urls import Resolver404, resolve

    if not path or len(path) > 500 or not path.startswith(f"/n/{network_slug}/"):
        return False
    if "\\" in path or "//" in path or any(not ch.isprintable() for ch in path):
        return False
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or parts.fragment or ".." in parts.path.split("/"):
        return False
    try:
        match = resolve(parts.path)
    except Resolver404:
        return False
    return match.kwargs.get("network") == network_slug


class DocumentMixin(NetworkPageMixin):
    def get_document(self) -> Document:
        document = (
            selectors.documents_visible(access=self.network_access)
            .filter(pk=self.kwargs["document_id"])
            .first()
        )
        if document is None:
            raise not_found()
        return document

    def document_url(self, document: Document) -> str:
        return reverse(
            "documents:detail", kwargs={"network": self.network.slug, "document_id": document.pk}
        )

    def dossier_url(self, dossier) -> str:
        return reverse(
            "documents:dossier", kwargs={"network": self.network.slug, "dossier_id": dossier.pk}
        )


class LibraryView(DocumentMixin, TemplateView):
    required_action = Action.DOCUMENTS_VIEW
    template_name = "documents/library.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.request.GET.get("category", "")
        if category not in Document.Category.values:
            category = ""
        objective = self.request.GET.get("gcm", "")
        objective = int(objective) if objective.isdigit() and len(objective) < 3 else None
        raw = self.request.GET.get("q", "")
        query = " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())[:200]
        if query:
            documents = selectors.search(access=self.network_access, query=query)
            if category:
                documents = documents.filter(category=category)
        else:
            documents = selectors.library(access=self.network_access, category=category)
        if objective:
            documents = documents.filter(gcm_objectives__number=objective)
        context.update(
            objective=objective,
            objectives=list(GCMObjective.objects.values_list("number", "short_label")),
            page=Paginator(documents, PAGE_SIZE).get_page(self.request.GET.get("page")),
            category=category,
            query=query,
            categories=Document.Category.choices,
            can_manage=self.network_access.can(Action.DOCUMENTS_MANAGE),
            pager_query=urlencode(
                {k: v for k, v in {"q": query, "category": category}.items() if v}
            ),
        )
        return context


class UploadView(DocumentMixin, FormView):
    required_action = Action.DOCUMENTS_MANAGE
    template_name = "documents/upload.html"
    form_class = DocumentForm

    def started_from(self) -> dict[str, int]:
        """The meeting, agenda item or decision the upload started from (query parameters),
        as ids; the form's own choices still decide whether they are of this network."""
        started = {}
        for name in ("meeting", "agenda_item", "decision"):
            value = self.request.GET.get(name, "")
            if value.isdigit() and len(value) < 18:
                started[name] = int(value)
        return started

    def get_initial(self):
        initial = super().get_initial()
        started = self.started_from()
        initial.update(started)
        category = self.request.GET.get("category", "")
        if category in Document.Category.values:
            initial["category"] = category
        elif "meeting" in started or "agenda_item" in started:
            initial["category"] = Document.Category.AGENDA
        else:
            initial["category"] = Document.Category.OTHER
        return initial

    def back_url(self) -> str:
        """Where "Back" goes: the page the upload started from — `next` when it is a page of
        this network on this site, else the meeting or decision named, else the library."""
        asked = self.request.GET.get("next", "")
        if same_network_path(asked, self.network.slug):
            return asked
        started = self.started_from()
        slug = self.network.slug
        if "meeting" in started:
            return reverse(
                "meetings:detail", kwargs={"network": slug, "meeting_id": started["meeting"]}
            )
        if "decision" in started:
            return reverse(
                "decisions:detail", kwargs={"network": slug, "decision_id": started["decision"]}
            )
        return reverse("documents:library", kwargs={"network": slug})

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.back_url(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if getattr(request, "upload_too_large", False):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", too_large_message(request.upload_too_large))
            return self.form_invalid(form)
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            document = services.document_upload(
                network=self.network,
                by=self.request.user,
                title=data["title"],
                file=data["file"],
                category=data["category"],
                language=data["language"],
                description=data["description"],
                confidentiality=data["confidentiality"],
                public_agreement=data["public_agreement"],
                organisations=list(data["organisations"]),
                people=list(data["people"]),
                meeting=data["meeting"],
                agenda_item=data["agenda_item"],
                working_group=data["working_group"],
                decision=data["decision"],
                gcm_objectives=list(data["gcm_objectives"]),
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The document is in the library."))
        return redirect(self.document_url(document))


class DocumentDetailView(DocumentMixin, TemplateView):
    required_action = Action.DOCUMENTS_VIEW
    template_name = "documents/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_document()
        can_manage = self.network_access.can(Action.DOCUMENTS_MANAGE)
        context.update(
            document=document,
            language=language_name(document.language),
            objectives=list(document.gcm_objectives.all()),
            versions=list(
                DocumentVersion.objects.filter(document=document).select_related("uploaded_by")
            ),
            can_manage=can_manage,
            version_form=kwargs.get("version_form") or VersionForm(),
            confidentiality_form=kwargs.get("confidentiality_form")
            or ConfidentialityForm(initial={"confidentiality": document.confidentiality}),
            circulate_form=CirculateForm(),
            changes=list(document.confidentiality_changes.select_related("changed_by"))
            if can_manage
            else [],
            readers=selectors.readers(document=document) if can_manage else [],
        )
        return context


class VersionUploadView(DocumentMixin, View):
    required_action = Action.DOCUMENTS_MANAGE

    def post(self, request, network, document_id):
        document = self.get_document()
        if getattr(request, "upload_too_large", False):
            messages.error(request, too_large_message(request.upload_too_large, form_kept=False))
            return redirect(self.document_url(document))
        form = VersionForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise form_errors(form)
            version = services.version_add(
                document=document, by=request.user, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Version %(number)s is uploaded.") % {"number": version.number}
            )
        return redirect(self.document_url(document))


class ConfidentialityView(DocumentMixin, View):
    required_action = Action.DOCUMENTS_MANAGE

    def post(self, request, network, document_id):
        document = self.get_document()
        form = ConfidentialityForm(request.POST)
        try:
            if not form.is_valid():
                raise form_errors(form)
            data = form.cleaned_data
            services.confidentiality_set(
                document=document,
                by=request.user,
                confidentiality=data["confidentiality"],
                reason=data["reason"],
                public_agreement=data["public_agreement"],
                organisations=list(data["organisations"]),
                people=list(data["people"]),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Who may open the document is changed and recorded."))
        return redirect(self.document_url(document))


class CirculateView(DocumentMixin, View):
    required_action = Action.DOCUMENTS_MANAGE

    def post(self, request, network, document_id):
        document = self.get_document()
        form = CirculateForm(request.POST)
        try:
            if not form.is_valid():
                raise form_errors(form)
            services.document_circulate(
                document=document, by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("A link to the document is on its way to everyone who may open it.")
            )
        return redirect(self.document_url(document))


class DownloadView(DocumentMixin, View):
    """The only way to a file: the right is checked now, the opening recorded, and the file
    streamed with headers that keep browsers and caches from doing anything clever."""

    required_action = Action.DOCUMENTS_VIEW

    def get(self, request, network, document_id, number):
        document = self.get_document()
        version = DocumentVersion.objects.filter(document=document, number=number).first()
        if version is None:
            raise not_found()
        version.document = document
        services.version_opened(version=version, user=request.user)
        return file_response(version)


# The public page of a network: no sign-in, public documents only ------------------------


class PublicMixin:
    """Finds the network by slug (the same 404 for a missing one) and enters it; only
    documents whose confidentiality is public are ever read here."""

    def enter(self, slug: str):
        from networks.models import Network
        from networks.scoping import enter_network_for_request

        network = Network.objects.filter(slug=slug).first()
        if network is None:
            raise not_found()
        enter_network_for_request(network)
        self.network = network
        return network

    def public_documents(self):
        return selectors.public_documents()


class PublicNetworkView(PublicMixin, TemplateView):
    template_name = "documents/public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        network = self.enter(self.kwargs["network"])
        context.update(
            public.sections(),
            public_network=network,
            page=Paginator(self.public_documents(), PAGE_SIZE).get_page(
                self.request.GET.get("page")
            ),
        )
        return context


class PublicDownloadView(PublicMixin, View):
    def get(self, request, network, document_id, number):
        self.enter(network)
        document = self.public_documents().filter(pk=document_id).first()
        version = (
            DocumentVersion.objects.filter(document=document, number=number).first()
            if document
            else None
        )
        if version is None:
            raise not_found()
        return file_response(version, cache="public, max-age=300")


# Dossiers of calls for proposals -----------------------------------------------------------


class DossierListView(DocumentMixin, TemplateView):
    required_action = Action.DOSSIERS_VIEW
    template_name = "documents/dossiers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            dossiers=Paginator(Dossier.objects.order_by("-created_at"), PAGE_SIZE).get_page(
                self.request.GET.get("page")
            ),
            can_manage=self.network_access.can(Action.DOCUMENTS_MANAGE),
        )
        return context


class DossierCreateView(DocumentMixin, FormView):
    required_action = Action.DOCUMENTS_MANAGE
    template_name = "documents/dossier_form.html"
    form_class = DossierForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            dossier = services.dossier_create(
                network=self.network,
                by=self.request.user,
                title=data["title"],
                call=data["call"],
                deadline=data["deadline"],
                required_items=data["required_items"].splitlines(),
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The dossier is created; add its documents."))
        return redirect(self.dossier_url(dossier))


class DossierMixin(DocumentMixin):
    def get_dossier(self) -> Dossier:
        dossier = Dossier.objects.filter(pk=self.kwargs["dossier_id"]).first()
        if dossier is None:
            raise not_found()
        return dossier

    def add_form(self, dossier, data=None):
        documents = selectors.documents_visible(access=self.network_access).order_by("title")
        return DossierAddForm(data, documents=documents, required_items=dossier.required_items)


class DossierDetailView(DossierMixin, TemplateView):
    required_action = Action.DOSSIERS_VIEW
    template_name = "documents/dossier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dossier = self.get_dossier()
        rows, supporting, missing = selectors.dossier_page(
            access=self.network_access, dossier=dossier
        )
        can_manage = self.network_access.can(Action.DOCUMENTS_MANAGE)
        context.update(
            dossier=dossier,
            rows=rows,
            supporting=supporting,
            missing=missing,
            can_manage=can_manage,
            add_form=self.add_form(dossier) if can_manage else None,
        )
        return context


class DossierAddView(DossierMixin, View):
    required_action = Action.DOCUMENTS_MANAGE

    def post(self, request, network, dossier_id):
        dossier = self.get_dossier()
        form = self.add_form(dossier, request.POST)
        try:
            if not form.is_valid():
                raise form_errors(form)
            services.dossier_add(
                dossier=dossier,
                document=form.cleaned_data["document"],
                requirement=form.cleaned_data["requirement"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The document is in the dossier."))
        return redirect(self.dossier_url(dossier))
