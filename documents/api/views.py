"""The document library in the API: the pages' permissions (networks.roles), the one rule
of who opens what (documents.selectors), the same services and the same download.

A document the caller may not open is the same 404 as a missing one. Uploads are
multipart/form-data and pass the same byte-level checks as the page's (documents.uploads,
in documents.services); a file over the size limit is a 400 and nothing is stored."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from documents import selectors, services, uploads
from documents.api.filters import DocumentFilter
from documents.api.serializers import (
    ConfidentialitySerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DossierDetailSerializer,
    DossierSerializer,
    ReaderRowSerializer,
    UploadSerializer,
    VersionSerializer,
    VersionUploadSerializer,
)
from documents.models import ConfidentialityChange, Document, DocumentVersion, Dossier
from documents.views import file_response, too_large_message
from networks.access import not_found
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action

# Every type an upload may have (documents.uploads): the download's 200 is one of them.
FILE_TYPES = sorted(
    {kind.content_type for kind in vars(uploads).values() if isinstance(kind, uploads.Kind)}
)


def search_words(raw: str) -> str:
    """The query as the library page reads it: printable, single-spaced, 200 characters."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())[:200]


class DocumentAPIMixin(NetworkAPIMixin):
    required_action = Action.DOCUMENTS_VIEW
    schema_model = Document

    def get_document(self) -> Document:
        document = (
            selectors.documents_visible(access=self.network_access)
            .filter(pk=self.kwargs["document_id"])
            .first()
        )
        if document is None:
            raise not_found()
        return document

    def get_version(self, document: Document) -> DocumentVersion:
        version = DocumentVersion.objects.filter(
            document=document, number=self.kwargs["number"]
        ).first()
        if version is None:
            raise not_found()
        version.document = document
        return version

    def refuse_too_large(self, request) -> None:
        """The upload handler stopped reading a file over the limit (documents.uploads).
        Reading `request.data` parses the body, which is when the handler can tell."""
        request.data  # noqa: B018
        if getattr(request._request, "upload_too_large", False):
            raise ValidationError({"file": [too_large_message()]})

    def detailed(self, document: Document) -> Document:
        """The document with its versions, objectives and (for the secretariat) the changes
        of its confidentiality: 3 queries more."""
        document.version_list = list(
            DocumentVersion.objects.filter(document=document)
            .select_related("uploaded_by")
            .order_by("-number")
        )
        document.objective_list = list(document.gcm_objectives.order_by("number"))
        document.change_list = (
            list(
                ConfidentialityChange.objects.filter(document=document).select_related("changed_by")
            )
            if self.network_access.can(Action.DOCUMENTS_MANAGE)
            else None
        )
        return document

    def detail_response(self, document: Document, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.documents_visible(access=self.network_access).get(pk=document.pk)
        serializer = DocumentDetailSerializer(
            self.detailed(fresh), context=self.get_serializer_context()
        )
        return Response(serializer.data, status=code)


class DocumentListView(DocumentAPIMixin, generics.ListCreateAPIView):
    """get: The documents the caller may open, latest change first; with `q`, the
    library's full-text search, best match first. The filters narrow either.

    post: Upload a document with its first version (secretariat), as multipart/form-data:
    the same checks as the page's upload (the file's type decided by its bytes, active
    content refused, archives inflated within caps)."""

    required_actions = {"GET": Action.DOCUMENTS_VIEW, "POST": Action.DOCUMENTS_MANAGE}
    filterset_class = DocumentFilter

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [MultiPartParser()]
        return super().get_parsers()

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return UploadSerializer
        return DocumentSerializer

    def network_queryset(self):
        query = search_words(self.request.query_params.get("q", ""))
        if query:
            return selectors.search(access=self.network_access, query=query)
        return selectors.library(access=self.network_access).defer("search_text", "search_vector")

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentDetailSerializer},
    )
    def post(self, request, *args, **kwargs):
        self.refuse_too_large(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document = services.document_upload(network=self.network, by=request.user, **data)
        return self.detail_response(document, status.HTTP_201_CREATED)


class DocumentDetailView(DocumentAPIMixin, generics.GenericAPIView):
    """One document with its versions (newest first) and GCM objectives."""

    serializer_class = DocumentDetailSerializer

    def get(self, request, *args, **kwargs):
        return self.detail_response(self.get_document())


class VersionListView(DocumentAPIMixin, generics.ListCreateAPIView):
    """get: The document's versions, newest first; every one stays readable.

    post: Upload a new version (secretariat), as multipart/form-data, with the same
    checks as the first."""

    required_actions = {"GET": Action.DOCUMENTS_VIEW, "POST": Action.DOCUMENTS_MANAGE}
    schema_model = DocumentVersion

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [MultiPartParser()]
        return super().get_parsers()

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return VersionUploadSerializer
        return VersionSerializer

    def network_queryset(self):
        document = self.get_document()
        return (
            DocumentVersion.objects.filter(document=document)
            .select_related("uploaded_by")
            .order_by("-number")
        )

    @extend_schema(
        request={"multipart/form-data": VersionUploadSerializer},
        responses={201: VersionSerializer},
    )
    def post(self, request, *args, **kwargs):
        document = self.get_document()
        self.refuse_too_large(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.version_add(
            document=document, by=request.user, file=serializer.validated_data["file"]
        )
        version = DocumentVersion.objects.select_related("uploaded_by").get(pk=version.pk)
        return Response(
            VersionSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class VersionDetailView(DocumentAPIMixin, generics.GenericAPIView):
    """One version of the document."""

    serializer_class = VersionSerializer
    schema_model = DocumentVersion

    def get(self, request, *args, **kwargs):
        version = self.get_version(self.get_document())
        return Response(self.get_serializer(version).data)


class DownloadView(DocumentAPIMixin, generics.GenericAPIView):
    """The version's file, streamed with the page's download headers
    (`Content-Disposition`, `X-Content-Type-Options: nosniff`,
    `Content-Security-Policy: default-src 'none'`, `Cache-Control: private, no-store`).
    The right is checked now; the first opening is recorded, and every download of a
    restricted document goes to the audit trail. HEAD records nothing."""

    schema_model = DocumentVersion

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, in the type its bytes are."
            )
            for content_type in FILE_TYPES
        }
    )
    def get(self, request, *args, **kwargs):
        version = self.get_version(self.get_document())
        if request.method == "GET":
            services.version_opened(version=version, user=request.user)
        return file_response(version)


class ConfidentialityView(DocumentAPIMixin, generics.GenericAPIView):
    """Change who may open the document, with the reason (secretariat): recorded with who
    and when. A public document needs the agreement that allows it, a restricted one the
    organisations or people who may open it (400 otherwise)."""

    required_action = Action.DOCUMENTS_MANAGE
    serializer_class = ConfidentialitySerializer

    @extend_schema(responses={200: DocumentDetailSerializer})
    def post(self, request, *args, **kwargs):
        document = self.get_document()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.confidentiality_set(
            document=document, by=request.user, **serializer.validated_data
        )
        return self.detail_response(document)


class ReadersView(DocumentAPIMixin, generics.GenericAPIView):
    """Who has opened the document, per organisation taking part, and who (of those who may
    open it) has not (secretariat, as on the page)."""

    required_action = Action.DOCUMENTS_MANAGE
    serializer_class = ReaderRowSerializer
    pagination_class = None

    @extend_schema(responses={200: ReaderRowSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        rows = selectors.readers(document=self.get_document())
        return Response(self.get_serializer(rows, many=True).data)


class DossierListView(NetworkAPIMixin, generics.ListAPIView):
    """The dossiers of calls for proposals, latest first."""

    required_action = Action.DOSSIERS_VIEW
    serializer_class = DossierSerializer

    def network_queryset(self):
        return Dossier.objects.order_by("-created_at", "-pk")


class DossierDetailView(NetworkAPIMixin, generics.GenericAPIView):
    """One dossier: each required item with the documents that answer it, the supporting
    documents and what is still missing."""

    required_action = Action.DOSSIERS_VIEW
    serializer_class = DossierDetailSerializer

    def network_queryset(self):
        return Dossier.objects.all()

    def get(self, request, *args, **kwargs):
        dossier = Dossier.objects.filter(pk=kwargs["dossier_id"]).first()
        if dossier is None:
            raise not_found()
        dossier.rows, dossier.supporting, dossier.missing = selectors.dossier_page(
            access=self.network_access, dossier=dossier
        )
        return Response(self.get_serializer(dossier).data)
