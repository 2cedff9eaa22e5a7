"""Workplan pages. A plan of another network, or a draft the person may not read, is the same
404 as a missing one; what each person may do is the permission table's answer, and which
activities a member may change is the services' answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from common import quarters
from networks.access import not_found, region_or_404
from networks.formtools import add_service_errors, form_errors
from networks.mixins import NetworkPageMixin
from networks.models import Network
from networks.roles import Action
from networks.signoff import signoff_people
from portal import clock
from workplans import exports, imports, selectors, services
from workplans.flows import WORKPLAN
from workplans.forms import (
    ActivityForm,
    ChaseForm,
    CodeTitleForm,
    EndorseForm,
    ImportForm,
    IndicatorForm,
    UpdateForm,
    WorkplanForm,
)
from workplans.models import Activity, ActivityUpdate, Outcome, Output, UpdateChase, Workplan


class WorkplanMixin(NetworkPageMixin):
    def get_workplan(self) -> Workplan:
        workplan = (
            selectors.visible_workplans(self.network_access)
            .select_related("working_group", "endorsed_by")
            .filter(pk=self.kwargs["workplan_id"])
            .first()
        )
        if workplan is None:
            raise not_found()
        return workplan

    def get_activity(self) -> Activity:
        visible = selectors.visible_workplans(self.network_access)
        activity = (
            Activity.objects.filter(pk=self.kwargs["activity_id"], workplan__in=visible)
            .select_related("workplan", "output__outcome", "lead_organisation")
            .first()
        )
        if activity is None:
            raise not_found()
        return activity

    def plan_url(self, workplan) -> str:
        return reverse(
            "workplans:detail", kwargs={"network": self.network.slug, "workplan_id": workplan.pk}
        )

    def activity_url(self, activity) -> str:
        return reverse(
            "workplans:activity", kwargs={"network": self.network.slug, "activity_id": activity.pk}
        )


class WorkplanListView(WorkplanMixin, TemplateView):
    required_action = Action.WORKPLANS_VIEW
    template_name = "workplans/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workplans"] = list(
            selectors.visible_workplans(self.network_access).select_related("working_group")
        )
        context["can_manage"] = self.network_access.can(Action.WORKPLANS_MANAGE)
        return context


class WorkplanCreateView(WorkplanMixin, FormView):
    required_action = Action.WORKPLANS_MANAGE
    template_name = "workplans/form.html"
    form_class = WorkplanForm

    def get_initial(self):
        return {"start_year": clock.network_today(self.network).year + 1, "years": 1}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            workplan = services.workplan_create(
                network=self.network,
                by=self.request.user,
                title=data["title"],
                start_year=data["start_year"],
                years=data["years"],
                working_group=data["working_group"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft workplan is ready for its outcomes."))
        return redirect(self.plan_url(workplan))


class WorkplanDetailView(WorkplanMixin, TemplateView):
    required_action = Action.WORKPLANS_VIEW
    template_name = "workplans/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workplan = self.get_workplan()
        tree = selectors.workplan_tree(workplan)
        steps = WORKPLAN.steps_for(workplan, self.network_access)
        endorsement = None
        if workplan.is_draft:
            endorsement = signoff_people(services.workplan_signoff(workplan))
        context.update(
            workplan=workplan,
            tree=tree,
            steps=steps,
            can_manage="edit" in steps,
            can_chase="chase" in steps,
            # What the co-chair reads is what they endorse: the form carries its SHA-256.
            endorse_form=EndorseForm(
                initial={"content_sha256": services.workplan_content_sha256(workplan, tree)}
            )
            if "endorse" in steps
            else None,
            endorsement=endorsement,
            endorsement_record=None if workplan.is_draft else services.endorsement_record(workplan),
            # Partners and regional viewers read who signed by role and organisation.
            hide_names=not self.network_access.can(Action.PEOPLE_CONTACT_VIEW),
            statuses=Activity.Status.choices,
        )
        return context


class WorkplanActionView(WorkplanMixin, View):
    """A POST that changes the plan and comes back to its page with a message."""

    def post(self, request, network, **kwargs):
        workplan = self.get_workplan()
        try:
            message = self.run(workplan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(self.plan_url(workplan))


class EndorseView(WorkplanActionView):
    required_action = Action.WORKPLAN_ENDORSE

    def run(self, workplan):
        form = EndorseForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        endorsed = services.workplan_endorse(
            workplan=workplan,
            by=self.request.user,
            content_sha256=form.cleaned_data["content_sha256"],
        )
        if endorsed.status == Workplan.Status.ENDORSED:
            return _("The workplan is endorsed; this version is kept as its baseline.")
        awaited = signoff_people(services.workplan_signoff(endorsed)).awaited
        return _("Your endorsement is recorded; still awaited: %(names)s.") % {
            "names": ", ".join(awaited)
        }


class StartView(WorkplanActionView):
    required_action = Action.WORKPLANS_MANAGE

    def run(self, workplan):
        services.workplan_move(
            workplan=workplan, by=self.request.user, status=Workplan.Status.ACTIVE
        )
        return _("The workplan is active.")


class CloseView(WorkplanActionView):
    required_action = Action.WORKPLANS_MANAGE

    def run(self, workplan):
        services.workplan_move(
            workplan=workplan, by=self.request.user, status=Workplan.Status.CLOSED
        )
        return _("The workplan is closed.")


class OutcomeAddView(WorkplanActionView):
    required_action = Action.WORKPLANS_MANAGE

    def run(self, workplan):
        form = CodeTitleForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.outcome_add(workplan=workplan, by=self.request.user, **form.cleaned_data)
        return _("The outcome is added.")


class OutputAddView(WorkplanActionView):
    required_action = Action.WORKPLANS_MANAGE

    def run(self, workplan):
        outcome = Outcome.objects.filter(pk=self.kwargs["outcome_id"], workplan=workplan).first()
        if outcome is None:
            raise not_found()
        form = CodeTitleForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.output_add(outcome=outcome, by=self.request.user, **form.cleaned_data)
        return _("The output is added.")


class ActivityAddView(WorkplanMixin, FormView):
    required_action = Action.WORKPLANS_MANAGE
    template_name = "workplans/activity_form.html"
    form_class = ActivityForm

    def get_output(self) -> Output:
        workplan = self.get_workplan()
        output = (
            Output.objects.filter(pk=self.kwargs["output_id"], outcome__workplan=workplan)
            .select_related("outcome__workplan")
            .first()
        )
        if output is None:
            raise not_found()
        return output

    def get_form_kwargs(self):
        self.output = self.get_output()
        return {**super().get_form_kwargs(), "workplan": self.output.outcome.workplan}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(workplan=self.output.outcome.workplan, output=self.output)
        return context

    def form_valid(self, form):
        try:
            activity = services.activity_add(
                output=self.output, by=self.request.user, data=form.activity_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The activity is added."))
        return redirect(self.activity_url(activity))


class ActivityDetailView(WorkplanMixin, TemplateView):
    required_action = Action.WORKPLANS_VIEW
    template_name = "workplans/activity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.get_activity()
        [activity] = selectors.with_progress(
            selectors.activities_of([activity.workplan_id]).filter(pk=activity.pk)
        )
        workplan = activity.workplan
        steps = WORKPLAN.steps_for(workplan, self.network_access)
        may_change = services.may_change_activity(
            self.network_access, activity.lead_organisation_id
        )
        reporting = selectors.reporting_quarter(self.network)
        context.update(
            activity=activity,
            workplan=workplan,
            updates=list(
                ActivityUpdate.objects.filter(activity=activity).select_related("written_by")
            ),
            may_change=may_change and "change_activity" in steps,
            may_report=may_change and "report" in steps,
            reporting_quarter=reporting,
            indicator_form=IndicatorForm(),
            baseline=selectors.baseline_of(workplan, activity.code),
        )
        return context


class ActivityChangeMixin(WorkplanMixin):
    required_action = Action.ACTIVITY_CHANGE

    def setup_activity(self):
        self.activity = self.get_activity()
        if not services.may_change_activity(
            self.network_access, self.activity.lead_organisation_id
        ):
            raise PermissionDenied


class ActivityEditView(ActivityChangeMixin, FormView):
    template_name = "workplans/activity_form.html"
    form_class = ActivityForm

    def get_form_kwargs(self):
        self.setup_activity()
        return {**super().get_form_kwargs(), "workplan": self.activity.workplan}

    def get_initial(self):
        return ActivityForm.initial_from(self.activity)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            workplan=self.activity.workplan, output=self.activity.output, activity=self.activity
        )
        return context

    def form_valid(self, form):
        try:
            services.activity_change(
                activity=self.activity, by=self.request.user, data=form.activity_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The activity is saved."))
        return redirect(self.activity_url(self.activity))


class IndicatorAddView(ActivityChangeMixin, View):
    def post(self, request, network, activity_id):
        self.setup_activity()
        form = IndicatorForm(request.POST)
        try:
            if not form.is_valid():
                raise form_errors(form)
            services.indicator_add(activity=self.activity, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The indicator is added."))
        return redirect(self.activity_url(self.activity))


class UpdateView(ActivityChangeMixin, FormView):
    template_name = "workplans/update_form.html"
    form_class = UpdateForm

    def get_form_kwargs(self):
        self.setup_activity()
        workplan = self.activity.workplan
        reporting = selectors.reporting_quarter(self.network)
        current_label = quarters.quarter_at(self.network).label
        # Quarters up to the current one: progress is not reported ahead of time.
        self.quarters = [q for q in workplan.quarters if q <= current_label] or workplan.quarters
        self.initial_quarter = reporting if reporting in self.quarters else self.quarters[-1]
        return {
            **super().get_form_kwargs(),
            "activity": self.activity,
            "quarters": self.quarters,
        }

    def get_initial(self):
        return {
            "quarter": self.initial_quarter,
            "status": self.activity.status,
            "spent_to_date": self.activity.budget_spent,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(activity=self.activity, workplan=self.activity.workplan)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_record(
                activity=self.activity,
                by=self.request.user,
                quarter=data["quarter"],
                status=data["status"],
                narrative=data["narrative"],
                spent_to_date=data["spent_to_date"],
                actuals=form.actuals(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your update for %(quarter)s is recorded.") % {"quarter": data["quarter"]},
        )
        return redirect(self.activity_url(self.activity))


class MissingUpdatesView(WorkplanMixin, TemplateView):
    required_action = Action.WORKPLAN_UPDATES_CHASE
    template_name = "workplans/missing.html"

    def quarter(self, workplan) -> str:
        asked = self.request.GET.get("quarter", "")
        if asked in workplan.quarters:
            return asked
        reporting = selectors.reporting_quarter(self.network)
        return reporting if reporting in workplan.quarters else workplan.quarters[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workplan = self.get_workplan()
        quarter = self.quarter(workplan)
        context.update(
            workplan=workplan,
            quarter=quarter,
            quarters=workplan.quarters,
            missing=selectors.missing_updates(workplan, quarter),
            chases=list(
                UpdateChase.objects.filter(workplan=workplan, quarter=quarter)
                .select_related("chased_by")
                .prefetch_related("organisations")
            ),
            can_chase="chase" in WORKPLAN.steps_for(workplan, self.network_access),
        )
        return context

    def post(self, request, network, workplan_id):
        workplan = self.get_workplan()
        form = ChaseForm(request.POST, quarters=workplan.quarters)
        try:
            if not form.is_valid():
                raise form_errors(form)
            chased = services.updates_chase(
                workplan=workplan, by=request.user, quarter=form.cleaned_data["quarter"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            quarter = request.POST.get("quarter", "")
        else:
            quarter = form.cleaned_data["quarter"]
            messages.success(
                request,
                ngettext(
                    "The focal points of %(count)s organisation are reminded.",
                    "The focal points of %(count)s organisations are reminded.",
                    chased,
                )
                % {"count": chased},
            )
        suffix = f"?quarter={quarter}" if quarter in workplan.quarters else ""
        missing = reverse(
            "workplans:missing", kwargs={"network": self.network.slug, "workplan_id": workplan.pk}
        )
        return redirect(f"{missing}{suffix}")


class CoverageView(WorkplanMixin, TemplateView):
    required_action = Action.WORKPLANS_VIEW
    template_name = "workplans/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workplan = self.get_workplan()
        tree = selectors.workplan_tree(workplan)
        context.update(
            workplan=workplan,
            rows=selectors.coverage(tree.activities),
            total=tree.total,
            untagged=sum(
                1
                for a in tree.activities
                if a.status != Activity.Status.CANCELLED and not a.gcm_objectives.all()
            ),
        )
        return context


class ExportView(WorkplanMixin, View):
    required_action = Action.WORKPLANS_VIEW
    extension = "xlsx"

    def get(self, request, network, workplan_id):
        workplan = self.get_workplan()
        if self.extension == "xlsx":
            return exports.workplan_xlsx(workplan)
        return exports.workplan_csv(workplan)


class TemplateDownloadView(WorkplanMixin, View):
    required_action = Action.WORKPLANS_MANAGE

    def get(self, request, network):
        return exports.import_template(self.network)


class ImportView(WorkplanMixin, FormView):
    required_action = Action.WORKPLANS_MANAGE
    template_name = "workplans/import.html"
    form_class = ImportForm

    def get_initial(self):
        return {}

    def form_valid(self, form):
        result = imports.workplan_import(
            network=self.network, by=self.request.user, upload=form.cleaned_data["file"]
        )
        if result.problems:
            return self.render_to_response(
                self.get_context_data(form=form, problems=result.problems), status=400
            )
        messages.success(
            self.request,
            ngettext(
                "The workplan is imported with %(count)s activity.",
                "The workplan is imported with %(count)s activities.",
                result.activities,
            )
            % {"count": result.activities},
        )
        return redirect(self.plan_url(result.workplan))


class RegionalCoverageView(LoginRequiredMixin, TemplateView):
    """The GCM coverage of the endorsed and active workplans of a region's networks, for the
    region's viewers. Anyone else gets the same 404 as for a region that does not exist."""

    template_name = "workplans/regional_coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = region_or_404(self.request.user, self.kwargs["region"])
        networks = Network.objects.filter(region=region).order_by("name")
        context.update(region=region, coverage=selectors.regional_coverage(networks))
        return context
