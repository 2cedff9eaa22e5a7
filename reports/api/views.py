"""The RCO's pull: the submitted quarterly reports of a network, each with its figures as
submitted. Drafts are not served here; a report is found only once submitted."""

from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from networks.api.errors import NOT_FOUND_MESSAGE
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action
from reports import selectors
from reports.api.serializers import ReportSerializer, ReportVersionSerializer
from reports.models import QuarterlyReport, ReportVersion


class ReportAPIMixin(NetworkAPIMixin):
    required_action = Action.REPORTS_VIEW
    schema_model = QuarterlyReport
    lookup_url_kwarg = "report_id"

    def network_queryset(self):
        return QuarterlyReport.objects.filter(status=QuarterlyReport.Status.SUBMITTED).order_by(
            "-year", "-quarter"
        )


class ReportListView(ReportAPIMixin, generics.ListAPIView):
    """The network's submitted quarterly reports, latest quarter first, each with its latest
    version."""

    serializer_class = ReportSerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        latest = selectors.latest_versions(page)
        versions = [latest[report.pk] for report in page if report.pk in latest]
        for version, report in zip(versions, page, strict=False):
            version.report = report
        return self.get_paginated_response(self.get_serializer(versions, many=True).data)


def _with_history(version: ReportVersion, versions: list[ReportVersion]) -> ReportVersion:
    version.all_versions = versions
    return version


class ReportDetailView(ReportAPIMixin, generics.RetrieveAPIView):
    """A submitted report: its latest version with the figures and narrative as they were
    submitted, and the list of every version (a resubmission keeps the earlier ones)."""

    serializer_class = ReportVersionSerializer

    def versions(self) -> list[ReportVersion]:
        report = self.get_object()
        versions = list(
            ReportVersion.objects.filter(report=report)
            .select_related("submitted_by")
            .order_by("number")
        )
        for version in versions:
            version.report = report
        return versions

    def retrieve(self, request, *args, **kwargs):
        versions = self.versions()
        return Response(self.get_serializer(_with_history(versions[-1], versions)).data)


class ReportVersionView(ReportDetailView):
    """One submitted version of a report, as it was submitted."""

    def retrieve(self, request, *args, **kwargs):
        versions = self.versions()
        version = next((v for v in versions if v.number == kwargs["number"]), None)
        if version is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        return Response(self.get_serializer(_with_history(version, versions)).data)
