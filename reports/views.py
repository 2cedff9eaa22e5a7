"""Quarterly report pages and downloads, and the regional view. A report of another network,
or a draft the person may not read, is the same 404 as a missing one; what each person may do
is the permission table's answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from common import quarters
from networks.access import not_found, region_or_404
from networks.formtools import form_errors, refused
from networks.mixins import NetworkPageMixin
from networks.models import Network
from networks.roles import Action
from networks.scoping import scopes_disabled
from networks.signoff import signoff_people
from reports import exports, flows, presentation, selectors, services
from reports.forms import NarrativeForm, OpenForm, SubmitForm
from reports.models import QuarterlyReport, ReportVersion
from workflow import content_hash
from workplans.selectors import regional_coverage

OPEN_QUARTERS = 8  # how many ended quarters the secretariat may open a report for


class ReportMixin(NetworkPageMixin):
    def get_report(self) -> QuarterlyReport:
        report = (
            selectors.visible_reports(self.network_access)
            .filter(pk=self.kwargs["report_id"])
            .first()
        )
        if report is None:
            raise not_found()
        report.network = self.network
        return report

    def get_versions(self, report) -> list[ReportVersion]:
        versions = list(
            ReportVersion.objects.filter(report=report)
            .select_related("submitted_by")
            .order_by("number")
        )
        for version in versions:
            version.report = report
        return versions

    def report_url(self, report) -> str:
        return reverse(
            "reports:detail", kwargs={"network": self.network.slug, "report_id": report.pk}
        )


def ended_quarters(network: Network) -> list[str]:
    return quarters.ended_quarters(network, OPEN_QUARTERS)


class ReportListView(ReportMixin, TemplateView):
    required_action = Action.REPORTS_VIEW
    template_name = "reports/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = list(selectors.visible_reports(self.network_access))
        latest = selectors.latest_versions(reports)
        for report in reports:
            report.latest = latest.get(report.pk)
        can_write = self.network_access.can(Action.REPORTS_WRITE)
        opened = {report.label for report in reports}
        openable = [q for q in ended_quarters(self.network) if q not in opened]
        context.update(
            reports=reports,
            can_write=can_write,
            open_form=OpenForm(quarters=openable) if can_write and openable else None,
        )
        return context


class ReportOpenView(ReportMixin, FormView):
    required_action = Action.REPORTS_WRITE
    template_name = "reports/open.html"

    def get_form(self, form_class=None):
        return OpenForm(**self.get_form_kwargs(), quarters=ended_quarters(self.network))

    def form_valid(self, form):
        year, quarter = form.year_and_quarter()
        try:
            report, _created = services.report_open(
                network=self.network, by=self.request.user, year=year, quarter=quarter
            )
        except ValidationError as error:
            return refused(self, form, error)
        return redirect(self.report_url(report))


class ReportPageMixin(ReportMixin):
    """The report's page: a submitted version (the latest, or the one asked for) with its
    figures as they were frozen, and for the secretariat and the co-chairs the working copy:
    its figures as they stand now (until it is first submitted), the narrative and the
    submission."""

    template_name = "reports/detail.html"

    def chosen_version(self, versions):
        return versions[-1] if versions else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        versions = self.get_versions(report)
        version = self.chosen_version(versions)
        access = self.network_access
        objectives = presentation.objective_labels()
        figures = version.figures if version else None
        if version is None:
            # A draft (only the secretariat and co-chairs get here): the figures as they stand.
            figures = selectors.quarter_figures(self.network, report.year, report.quarter)
        can_submit = "submit" in flows.REPORT.steps_for(report, access)
        signed = None
        if can_submit:
            # What a signature now signs: today's figures (those shown on a draft) and the
            # narrative; the form carries its hash.
            signed = content_hash(
                services.report_content(report, figures if version is None else None)
            )
        context.update(
            report=report,
            versions=versions,
            version=version,
            is_latest=version is not None and version is versions[-1],
            tables=presentation.tables(figures, objectives),
            charts=presentation.charts(figures),
            figures=figures,
            can_write=access.can(Action.REPORTS_WRITE),
            can_submit=can_submit,
            report_signoff=signoff_people(services.report_signoff(report))
            if access.can(Action.REPORTS_WORKING_COPY)
            else None,
            narrative_form=NarrativeForm(
                initial={"narrative": report.narrative, "revision": report.revision}
            ),
            submit_form=SubmitForm(initial={"content_sha256": signed}),
            can_preview=access.can(Action.REPORTS_WORKING_COPY),
            un_team=self.network.un_team_label,
        )
        return context


class ReportDetailView(ReportPageMixin, TemplateView):
    required_action = Action.REPORTS_VIEW


class VersionView(ReportPageMixin, TemplateView):
    required_action = Action.REPORTS_VIEW

    def chosen_version(self, versions):
        version = next((v for v in versions if v.number == self.kwargs["number"]), None)
        if version is None:
            raise not_found()
        return version


class WorkingCopyView(ReportPageMixin, TemplateView):
    """The report as the next submission would freeze it: today's figures and the narrative
    being written, beside the versions already submitted."""

    required_action = Action.REPORTS_WORKING_COPY

    def chosen_version(self, versions):
        return None


class NarrativeView(ReportMixin, View):
    required_action = Action.REPORTS_WRITE

    def post(self, request, network, report_id):
        report = self.get_report()
        form = NarrativeForm(request.POST)
        try:
            if not form.is_valid():
                raise form_errors(form)
            services.narrative_save(
                report=report,
                by=request.user,
                narrative=form.cleaned_data["narrative"],
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The narrative is saved."))
        return redirect(self.report_url(report))


class SubmitView(ReportMixin, View):
    required_action = Action.REPORTS_SUBMIT

    def post(self, request, network, report_id):
        report = self.get_report()
        form = SubmitForm(request.POST)
        try:
            if not form.is_valid():
                raise form_errors(form)
            version = services.report_submit(
                report=report,
                by=request.user,
                reason=form.cleaned_data["reason"],
                content_sha256=form.cleaned_data["content_sha256"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.report_url(report))
        if version is None:
            messages.success(
                request,
                _(
                    "Your signature is recorded; the report goes to the %(team)s once the "
                    "other co-chairs have signed it too."
                )
                % {"team": self.network.un_team_label},
            )
            return redirect(self.report_url(report))
        messages.success(
            request,
            _("The report for %(quarter)s is submitted to the %(team)s (version %(number)s).")
            % {
                "quarter": report.label,
                "team": self.network.un_team_label,
                "number": version.number,
            },
        )
        return redirect(f"{self.report_url(report)}v{version.number}/")


class DownloadView(ReportMixin, View):
    """A submitted version as PDF, XLSX or CSV. Drafts have no files: what is shared is what
    the co-chairs submitted."""

    required_action = Action.REPORTS_VIEW
    extension = "pdf"

    def get(self, request, network, report_id, number):
        report = self.get_report()
        versions = self.get_versions(report)
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise not_found()
        tables = presentation.tables(version.figures)
        if self.extension == "csv":
            return exports.report_csv(version, tables)
        if self.extension == "xlsx":
            return exports.report_xlsx(version, tables)
        return exports.report_pdf(
            version,
            {
                "network": self.network,
                "report": report,
                "version": version,
                "tables": tables,
                "charts": presentation.charts(version.figures),
                "figures": version.figures,
                "un_team": self.network.un_team_label,
                "approval_record": services.approval_record(version),
            },
            request=request,
        )


# Regional view -------------------------------------------------------------------------------


def comparison(networks, year: int, quarter: int) -> list[dict]:
    """For each network, the figures of its latest submitted version of the quarter (None when
    it has not submitted one): two queries whatever the number of networks. Platform code:
    reads across the networks it is given, and only submitted versions."""
    with scopes_disabled():
        versions = list(
            ReportVersion.objects.filter(
                network__in=[n.pk for n in networks],
                report__year=year,
                report__quarter=quarter,
            ).order_by("number")
        )
    latest = {version.network_id: version for version in versions}
    return [{"network": network, "version": latest.get(network.pk)} for network in networks]


class RegionalMixin(LoginRequiredMixin):
    """A region's viewers only: anyone else gets the same 404 as for a region that does not
    exist (networks.access.region_or_404)."""

    def regional(self) -> dict:
        """The region, the quarters offered and the one chosen, each network's latest
        submitted version of it, the GCM coverage, and the designation footnotes of the
        networks listed (Kosovo's), in a fixed number of queries."""
        region = region_or_404(self.request.user, self.kwargs["region"])
        networks = list(Network.objects.filter(region=region).order_by("name"))
        # The quarters offered: those that have ended in at least one of the region's
        # networks, each counted in its own time zone (a quarter ends in Bishkek hours
        # before it ends in Chisinau).
        zones = {network.time_zone: network for network in networks} or {
            "UTC": Network(time_zone="UTC")
        }
        offered = sorted(
            {label for network in zones.values() for label in ended_quarters(network)},
            reverse=True,
        )[:OPEN_QUARTERS]
        asked = self.request.GET.get("quarter", "")
        chosen = asked if asked in offered else self.latest_reported(networks, offered)
        year, quarter = quarters.parse_label(chosen)
        rows = comparison(networks, year, quarter)
        return {
            "region": region,
            "networks": networks,
            "quarters": offered,
            "quarter": chosen,
            "rows": rows,
            "coverage": regional_coverage(networks),
            "footnotes": designation_notes(networks),
        }

    @staticmethod
    def latest_reported(networks: list[Network], offered: list[str]) -> str:
        """The quarter the page opens on: the latest one offered that some network of the
        region has submitted its report for (the last ended quarter is often still being
        drafted: the page would open on nothing), else the last ended quarter."""
        with scopes_disabled():
            submitted = {
                quarters.quarter_label(year, quarter)
                for year, quarter in QuarterlyReport.objects.filter(
                    network__in=networks, status=QuarterlyReport.Status.SUBMITTED
                ).values_list("year", "quarter")
            }
        return next((label for label in offered if label in submitted), offered[0])


def designation_notes(networks) -> list[dict]:
    """The designation footnotes of the networks listed, once each, with the anchor their
    "*" links to (the footnote is the network's own text: Kosovo's, set with the network)."""
    return [
        {"network": network, "anchor": f"note-{network.slug}", "text": network.designation_footnote}
        for network in networks
        if network.designation_footnote
    ]


class RegionalReportsView(RegionalMixin, TemplateView):
    """For a region's viewers: the submitted reports of the region's networks for a quarter,
    side by side, and the GCM coverage of their workplans as a heatmap. Never a draft, never
    a document. Anyone else gets the same 404 as for a region that does not exist."""

    template_name = "reports/regional.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        regional = self.regional()
        networks = regional["networks"]
        noted = frozenset(note["network"].pk for note in regional["footnotes"])
        context.update(
            regional,
            submitted=sum(1 for row in regional["rows"] if row["version"]),
            noted=noted,
            heatmap=presentation.heatmap(
                regional["coverage"],
                title=_("GCM coverage: activities per objective and network"),
                noted=noted,
            )
            if networks
            else "",
        )
        return context


class RegionalExportView(RegionalMixin, View):
    """The regional page as files, for the region's viewers: the XLSX holds the reports side
    by side and the GCM coverage, the CSV the coverage per network and objective. Drawn from
    the same reads as the page; submitted versions only."""

    extension = "xlsx"

    def get(self, request, region):
        regional = self.regional()
        if self.extension == "csv":
            return exports.regional_csv(regional)
        return exports.regional_xlsx(regional)
