"""The decision register's pages. A decision of another network is the same 404 as a
missing one; what each person may do is the permission table's answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from decisions import services
from decisions.forms import (
    ActionPointForm,
    ActionUpdateForm,
    DecisionForm,
    ExtensionForm,
    OutcomeForm,
    PositionForm,
    ProcedureForm,
)
from decisions.models import ActionPoint, Decision, PositionChange, Procedure
from documents.selectors import documents_visible
from networks.access import not_found
from networks.formtools import add_service_errors, form_errors
from networks.mixins import NetworkPageMixin
from networks.models import Membership, Participation
from networks.roles import Action, Role

PAGE_SIZE = 25


class DecisionMixin(NetworkPageMixin):
    def visible(self):
        """External partners see the decisions that concern the state, on which the
        national authority is consulted; everyone else the whole register."""
        decisions = Decision.objects.all()
        if self.network_access.roles <= {Role.EXTERNAL_PARTNER, Role.REGIONAL_VIEWER}:
            decisions = decisions.filter(concerns_state=True)
        return decisions

    def get_decision(self) -> Decision:
        decision = (
            self.visible()
            .select_related("minutes_item__minutes__meeting")
            .filter(pk=self.kwargs["decision_id"])
            .first()
        )
        if decision is None:
            raise not_found()
        return decision

    def decision_url(self, decision) -> str:
        return f"/n/{self.network.slug}/decisions/{decision.pk}/"

    def my_organisations(self, decision):
        mine = set(
            Membership.objects.active()
            .filter(user=self.request.user, role__in=services.SPEAKING_ROLES)
            .values_list("organisation_id", flat=True)
        )
        return [o for o in services.consulted_organisations(decision) if o.pk in mine]


class RegisterView(DecisionMixin, TemplateView):
    required_action = Action.DECISIONS_VIEW
    template_name = "decisions/register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        decisions = self.visible().order_by("-year", "-sequence", "-created_at", "-pk")
        if status in Decision.Status.values:
            decisions = decisions.filter(status=status)
        else:
            status = ""
        year = self.request.GET.get("year", "")
        if year.isdigit() and len(year) == 4:
            decisions = decisions.filter(year=int(year))
        else:
            year = ""
        if self.request.GET.get("state") == "1":
            decisions = decisions.filter(concerns_state=True)
        context.update(
            page=Paginator(decisions, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status=status,
            year=year,
            statuses=Decision.Status.choices,
            can_propose=self.network_access.can(Action.DECISIONS_PROPOSE),
        )
        return context


class DecisionCreateView(DecisionMixin, FormView):
    required_action = Action.DECISIONS_PROPOSE
    template_name = "decisions/form.html"
    form_class = DecisionForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decision = services.decision_draft(
                network=self.network,
                by=self.request.user,
                title=data["title"],
                text=data["text"],
                concerns_state=data["concerns_state"],
                gcm_objectives=list(data["gcm_objectives"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft decision is in the register."))
        return redirect(self.decision_url(decision))


class DecisionDetailView(DecisionMixin, TemplateView):
    required_action = Action.DECISIONS_VIEW
    template_name = "decisions/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = self.get_decision()
        procedure = Procedure.objects.filter(decision=decision).first()
        access = self.network_access
        mine = self.my_organisations(decision) if procedure and procedure.is_open else []
        counted = services.tally(procedure) if procedure else None
        actions = (
            list(ActionPoint.objects.filter(decision=decision).select_related("owner_organisation"))
            if access.can(Action.ACTIONS_VIEW)
            else []
        )
        positions = (
            list(procedure.positions.select_related("organisation", "recorded_by"))
            if procedure
            else []
        )
        context.update(
            decision=decision,
            procedure=procedure,
            positions=positions,
            tally=counted,
            history=list(
                PositionChange.objects.filter(procedure=procedure).select_related(
                    "organisation", "recorded_by"
                )
            )
            if procedure
            else [],
            objectives=list(decision.gcm_objectives.all()),
            documents=list(
                documents_visible(access=access).filter(decision=decision).order_by("title")
            ),
            can_attach=access.can(Action.DOCUMENTS_MANAGE),
            actions=actions,
            rollup={
                "open": sum(a.is_open for a in actions),
                "done": sum(a.status == ActionPoint.Status.DONE for a in actions),
                "progress": round(sum(a.progress for a in actions) / len(actions))
                if actions
                else 0,
            },
            action_form=ActionPointForm() if access.can(Action.ACTIONS_ADD) else None,
            can_open=access.can(Action.DECISIONS_PROPOSE)
            and decision.status == Decision.Status.DRAFT,
            procedure_form=ProcedureForm(),
            position_form=PositionForm(organisations=mine, kind=procedure.kind)
            if mine and access.can(Action.POSITION_STATE) and procedure.deadline > timezone.now()
            else None,
            extension_form=ExtensionForm()
            if procedure and procedure.is_open and access.can(Action.OUTCOME_RECORD)
            else None,
            extensions=list(procedure.extensions.select_related("extended_by"))
            if procedure
            else [],
            outcome_form=OutcomeForm()
            if procedure
            and access.can(Action.OUTCOME_RECORD)
            and procedure.closed_at
            and not procedure.outcome
            else None,
        )
        return context


class DecisionActionView(DecisionMixin, View):
    def post(self, request, network, decision_id):
        decision = self.get_decision()
        with timezone.override(self.network.zone):
            try:
                message = self.run(decision)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, message)
        return redirect(self.decision_url(decision))

    @staticmethod
    def procedure_of(decision) -> Procedure:
        procedure = Procedure.objects.filter(decision=decision).first()
        if procedure is None:
            raise ValidationError(_("This decision is not in a written procedure."))
        return procedure


class ProcedureOpenView(DecisionActionView):
    required_action = Action.DECISIONS_PROPOSE

    def run(self, decision):
        form = ProcedureForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.procedure_open(
            decision=decision,
            by=self.request.user,
            kind=form.cleaned_data["kind"],
            deadline=form.cleaned_data["deadline"],
        )
        return _("The written procedure is open; everyone consulted is told.")


class PositionView(DecisionActionView):
    required_action = Action.POSITION_STATE

    def run(self, decision):
        procedure = self.procedure_of(decision)
        form = PositionForm(
            self.request.POST,
            organisations=services.consulted_organisations(decision),
            kind=procedure.kind,
        )
        if not form.is_valid():
            raise form_errors(form)
        organisation = next(
            o
            for o in services.consulted_organisations(decision)
            if o.pk == form.cleaned_data["organisation"]
        )
        services.position_record(
            procedure=procedure,
            by=self.request.user,
            organisation=organisation,
            stance=form.cleaned_data["stance"],
            reason=form.cleaned_data["reason"],
        )
        return _("Your organisation's position is recorded.")


class OutcomeView(DecisionActionView):
    required_action = Action.OUTCOME_RECORD

    def run(self, decision):
        procedure = self.procedure_of(decision)
        form = OutcomeForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.outcome_record(
            procedure=procedure,
            by=self.request.user,
            outcome=form.cleaned_data["outcome"],
            statement=form.cleaned_data["statement"],
        )
        return _("The outcome is recorded.")


class ExtendView(DecisionActionView):
    required_action = Action.OUTCOME_RECORD

    def run(self, decision):
        procedure = self.procedure_of(decision)
        form = ExtensionForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.deadline_extend(
            procedure=procedure,
            by=self.request.user,
            deadline=form.cleaned_data["deadline"],
            reason=form.cleaned_data["reason"],
        )
        return _("The deadline is moved; everyone consulted is told.")


# Action points -----------------------------------------------------------------------------


class ActionAddView(DecisionActionView):
    required_action = Action.ACTIONS_ADD

    def run(self, decision):
        form = ActionPointForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.action_point_add(
            network=self.network,
            by=self.request.user,
            decision=decision,
            **form.cleaned_data,
        )
        return _("The action point is added.")


class ActionBoardView(NetworkPageMixin, TemplateView):
    """Every action point of the network, or one organisation's, overdue first."""

    required_action = Action.ACTIONS_VIEW
    template_name = "decisions/actions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        points = ActionPoint.objects.select_related(
            "owner_organisation", "owner", "decision", "minutes_item__minutes__meeting"
        ).order_by("due_date", "pk")
        status = self.request.GET.get("status", "open")
        if status == "open":
            points = points.filter(
                status__in=[ActionPoint.Status.OPEN, ActionPoint.Status.IN_PROGRESS]
            )
        elif status in ActionPoint.Status.values:
            points = points.filter(status=status)
        else:
            status = "all"
        organisation = self.request.GET.get("organisation", "")
        if organisation.isdigit() and len(organisation) < 18:
            points = points.filter(owner_organisation_id=int(organisation))
        context.update(
            page=Paginator(points, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status=status,
            statuses=ActionPoint.Status.choices,
            organisation=organisation,
            organisations=[
                p.organisation
                for p in Participation.objects.active()
                .select_related("organisation")
                .order_by("organisation__acronym", "organisation__name")
            ],
            today=timezone.localdate(timezone=self.network.zone),
        )
        return context


class ActionDetailView(NetworkPageMixin, TemplateView):
    required_action = Action.ACTIONS_VIEW
    template_name = "decisions/action.html"

    def get_point(self) -> ActionPoint:
        point = (
            ActionPoint.objects.select_related("owner_organisation", "decision")
            .filter(pk=self.kwargs["action_id"])
            .first()
        )
        if point is None:
            raise not_found()
        return point

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        point = self.get_point()
        context.update(
            point=point,
            notes=list(point.notes.select_related("written_by")),
            update_form=ActionUpdateForm(
                initial={"status": point.status, "progress": point.progress}
            )
            if self.network_access.can(Action.ACTIONS_UPDATE)
            else None,
        )
        return context

    def post(self, request, network, action_id):
        if not self.network_access.can(Action.ACTIONS_UPDATE):
            raise PermissionDenied
        point = self.get_point()
        form = ActionUpdateForm(request.POST)
        try:
            if not form.is_valid():
                raise form_errors(form)
            services.action_point_update(action_point=point, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The action point is updated."))
        return redirect(f"/n/{self.network.slug}/decisions/actions/{point.pk}/")
