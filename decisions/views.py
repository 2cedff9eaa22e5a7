"""The decision register's pages. A decision of another network is the same 404 as a
missing one; what each person may do is the permission table's answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from decisions import flows, selectors, services
from decisions.forms import (
    ActionPointForm,
    ActionUpdateForm,
    DecisionForm,
    ExtensionForm,
    OutcomeForm,
    PositionForm,
    ProcedureForm,
    PublishForm,
    ReturnForm,
    ReviseForm,
    SilenceForm,
    StatementForm,
)
from decisions.models import (
    ActionPoint,
    Decision,
    JointStatement,
    PositionChange,
    Procedure,
    StatementClearance,
    StatementPublication,
)
from documents.selectors import documents_visible
from networks.access import not_found
from networks.formtools import add_service_errors, form_errors, refused
from networks.mixins import NetworkPageMixin
from networks.models import Membership, Participation
from networks.roles import Action
from networks.signoff import signoff_people
from portal import clock
from reference.models import GCMObjective
from workflow import status_of

PAGE_SIZE = 25


class DecisionMixin(NetworkPageMixin):
    def visible(self):
        """External partners see the decisions that concern the state, on which the
        national authority is consulted; everyone else the whole register."""
        decisions = Decision.objects.all()
        if not self.network_access.can(Action.DECISIONS_VIEW_ALL):
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
        return reverse(
            "decisions:detail", kwargs={"network": self.network.slug, "decision_id": decision.pk}
        )

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
        objectives = list(GCMObjective.objects.all())
        gcm = self.request.GET.get("gcm", "")
        if gcm in {str(objective.number) for objective in objectives}:
            decisions = decisions.filter(gcm_objectives__number=int(gcm))
        else:
            gcm = ""
        context.update(
            page=Paginator(decisions, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status=status,
            year=year,
            gcm=gcm,
            objectives=objectives,
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
            return refused(self, form, error)
        messages.success(self.request, _("The draft decision is in the register."))
        return redirect(self.decision_url(decision))


def procedure_urls(network, subject) -> dict[str, str]:
    """Where the procedure block's forms post, for a decision or a joint statement."""
    if isinstance(subject, JointStatement):
        prefix, kwargs = "decisions:statement-", {"statement_id": subject.pk}
    else:
        prefix, kwargs = "decisions:", {"decision_id": subject.pk}
    return {
        step: reverse(f"{prefix}{step}", kwargs={"network": network.slug, **kwargs})
        for step in ("position", "extend", "outcome")
    }


def procedure_context(view, subject, procedure, position_form=None) -> dict:
    """What the procedure block (decisions/_procedure.html) shows of the procedure on a
    decision or a joint statement: the tally, positions, history, extensions and the forms
    the person may use (`position_form`: the one a refused position came back with)."""
    access = view.network_access
    mine = view.my_organisations(subject) if procedure and procedure.is_open else []
    if position_form is not None and mine:
        position_form.fields["organisation"].choices = [(o.pk, o.display_name) for o in mine]
    return {
        "procedure": procedure,
        "procedure_urls": procedure_urls(view.network, subject),
        "positions": list(procedure.positions.select_related("organisation", "recorded_by"))
        if procedure
        else [],
        "tally": services.tally(procedure) if procedure else None,
        "history": list(
            PositionChange.objects.filter(procedure=procedure).select_related(
                "organisation", "recorded_by"
            )
        )
        if procedure
        else [],
        "position_form": (position_form or PositionForm(organisations=mine, kind=procedure.kind))
        if mine and access.can(Action.POSITION_STATE) and procedure.deadline > timezone.now()
        else None,
        "extension_form": ExtensionForm()
        if procedure and procedure.is_open and access.can(Action.OUTCOME_RECORD)
        else None,
        "extensions": list(procedure.extensions.select_related("extended_by")) if procedure else [],
        "outcome_form": OutcomeForm()
        if procedure
        and access.can(Action.OUTCOME_RECORD)
        and procedure.closed_at
        and not procedure.outcome
        else None,
    }


class DecisionDetailView(DecisionMixin, TemplateView):
    required_action = Action.DECISIONS_VIEW
    template_name = "decisions/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = self.get_decision()
        procedure = Procedure.objects.filter(decision=decision).first()
        access = self.network_access
        actions = (
            list(ActionPoint.objects.filter(decision=decision).select_related("owner_organisation"))
            if access.can(Action.ACTIONS_VIEW)
            else []
        )
        context.update(
            procedure_context(self, decision, procedure, kwargs.get("position_form")),
            decision=decision,
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
        )
        return context


class SubjectActionView(View):
    """A POST on a decision or a joint statement: run the step, say how it went, and go back
    to its page. Subclasses define get_subject(), subject_url() and run(subject)."""

    def post(self, request, *args, **kwargs):
        subject = self.get_subject()
        try:
            message = self.run(subject)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(self.subject_url(subject))

    @staticmethod
    def procedure_of(subject) -> Procedure:
        """The subject's latest written procedure."""
        procedure = subject.procedures.order_by("-opened_at", "-pk").first()
        if procedure is None and isinstance(subject, JointStatement):
            raise ValidationError(_("This statement has not been put to a silence procedure."))
        if procedure is None:
            raise ValidationError(_("This decision is not in a written procedure."))
        return procedure


class DecisionActionView(DecisionMixin, SubjectActionView):
    def get_subject(self):
        return self.get_decision()

    def subject_url(self, subject) -> str:
        return self.decision_url(subject)


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


class PositionStep:
    """POST an organisation's position. Recorded: back to the page with the news. Refused
    (no reason for an objection, a closed procedure…): the page again, with the form as it
    was filled in — the position still chosen — and the refusal beside its field, answered
    with the refusal's status (400, or 403/409, workflow.status_of). `page_view` is the page
    the form belongs to."""

    required_action = Action.POSITION_STATE
    page_view: type[TemplateView]

    def post(self, request, *args, **kwargs):
        subject = self.get_subject()
        try:
            procedure = self.procedure_of(subject)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.subject_url(subject))
        consulted = services.consulted_organisations(subject)
        form = PositionForm(request.POST, organisations=consulted, kind=procedure.kind)
        status = 400
        if form.is_valid():
            organisation = next(o for o in consulted if o.pk == form.cleaned_data["organisation"])
            try:
                services.position_record(
                    procedure=procedure,
                    by=request.user,
                    organisation=organisation,
                    stance=form.cleaned_data["stance"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("Your organisation's position is recorded."))
                return redirect(self.subject_url(subject))
        page = self.page_view()
        page.setup(request, *args, **kwargs)
        page.network, page.network_access = self.network, self.network_access
        return page.render_to_response(page.get_context_data(position_form=form), status=status)


class PositionView(PositionStep, DecisionActionView):
    page_view = DecisionDetailView


class OutcomeStep:
    required_action = Action.OUTCOME_RECORD

    def run(self, subject):
        procedure = self.procedure_of(subject)
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


class OutcomeView(OutcomeStep, DecisionActionView):
    pass


class ExtendStep:
    required_action = Action.OUTCOME_RECORD

    def run(self, subject):
        procedure = self.procedure_of(subject)
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


class ExtendView(ExtendStep, DecisionActionView):
    pass


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
            today=clock.network_today(self.network),
            # A focal point's own board is one click away.
            mine=[
                m.organisation
                for m in Membership.objects.active()
                .filter(user=self.request.user, role__in=services.SPEAKING_ROLES)
                .select_related("organisation")
                .order_by("organisation__acronym")
            ],
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
            data = form.cleaned_data
            updated = services.action_point_update(action_point=point, by=request.user, **data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if updated.progress != data["progress"]:
                # "Done" means all of it: the progress follows, and the person is told so.
                messages.success(
                    request,
                    _("The action point is done: its progress is now %(progress)s%%.")
                    % {"progress": updated.progress},
                )
            else:
                messages.success(request, _("The action point is updated."))
        return redirect("decisions:action", network=self.network.slug, action_id=point.pk)


# One-Voice joint statements ----------------------------------------------------------------


class StatementMixin(NetworkPageMixin):
    def get_statement(self) -> JointStatement:
        statement = (
            selectors.statements_visible(access=self.network_access)
            .select_related("issued_version")
            .filter(pk=self.kwargs["statement_id"])
            .first()
        )
        if statement is None:
            raise not_found()
        return statement

    def statement_url(self, statement) -> str:
        return reverse(
            "decisions:statement",
            kwargs={"network": self.network.slug, "statement_id": statement.pk},
        )

    def my_organisations(self, statement):
        mine = set(
            Membership.objects.active()
            .filter(user=self.request.user, role__in=services.SPEAKING_ROLES)
            .values_list("organisation_id", flat=True)
        )
        return [o for o in services.consulted_organisations(statement) if o.pk in mine]


class StatementListView(StatementMixin, TemplateView):
    """The network's joint statements, latest first, each with its state and the outcome of
    its latest silence procedure."""

    required_action = Action.STATEMENTS_VIEW
    template_name = "decisions/statements.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        statements = selectors.statements_listed(access=self.network_access)
        if status in JointStatement.Status.values:
            statements = statements.filter(status=status)
        else:
            status = ""
        context.update(
            page=Paginator(statements, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status=status,
            statuses=JointStatement.Status.choices,
            outcomes=dict(Procedure.Outcome.choices),
            can_draft=self.network_access.can(Action.STATEMENTS_DRAFT),
        )
        return context


class StatementCreateView(StatementMixin, FormView):
    required_action = Action.STATEMENTS_DRAFT
    template_name = "decisions/statement_form.html"
    form_class = StatementForm

    def form_valid(self, form):
        try:
            statement = services.statement_draft(
                network=self.network, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The draft statement is saved."))
        return redirect(self.statement_url(statement))


class StatementEditView(StatementMixin, FormView):
    required_action = Action.STATEMENTS_DRAFT
    template_name = "decisions/statement_form.html"
    form_class = StatementForm

    def get_initial(self):
        statement = self.get_statement()
        return {"title": statement.title, "text": statement.text}

    def get_context_data(self, **kwargs):
        return super().get_context_data(statement=self.get_statement(), **kwargs)

    def form_valid(self, form):
        statement = self.get_statement()
        try:
            services.statement_edit(statement=statement, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The draft statement is saved."))
        return redirect(self.statement_url(statement))


class StatementDetailView(StatementMixin, TemplateView):
    required_action = Action.STATEMENTS_VIEW
    template_name = "decisions/statement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = self.get_statement()
        access = self.network_access
        procedure = statement.procedures.order_by("-opened_at", "-pk").first()
        versions = list(
            selectors.versions_visible(access=access, statement=statement).select_related(
                "submitted_by", "returned_by"
            )
        )
        clearances = {}
        for clearance in StatementClearance.objects.filter(
            version__statement=statement
        ).select_related("co_chair"):
            clearances.setdefault(clearance.version_id, []).append(clearance)
        publications = {
            p.version_id: p
            for p in StatementPublication.objects.filter(
                version__statement=statement
            ).select_related("published_by")
        }
        for version in versions:
            version.clearance_list = clearances.get(version.pk, [])
            version.public = publications.get(version.pk)
        pending = (
            versions[0]
            if versions and statement.status == JointStatement.Status.SUBMITTED
            else None
        )
        steps = flows.STATEMENT.steps_for(statement, access)
        # Those who do not read drafts read the latest cleared version's words.
        shown = statement if selectors.sees_drafts(access) else versions[0]
        context.update(
            procedure_context(self, statement, procedure, kwargs.get("position_form")),
            statement=statement,
            shown=shown,
            versions=versions,
            pending=pending,
            clearance=signoff_people(services.statement_signoff(pending)) if pending else None,
            cleared_by_me=pending is not None
            and access.user_id in {c.co_chair_id for c in pending.clearance_list},
            steps=steps,
            revise_form=ReviseForm() if "revise" in steps else None,
            return_form=ReturnForm() if "return" in steps else None,
            silence_form=SilenceForm() if "silence" in steps else None,
            publish_form=PublishForm() if "publish" in steps else None,
            issued_public=publications.get(statement.issued_version_id),
        )
        return context


class StatementPdfView(StatementMixin, View):
    """A cleared version's PDF, with its approval record, for everyone who may read the
    statement; a version not cleared has none (404)."""

    required_action = Action.STATEMENTS_VIEW

    def get(self, request, *args, **kwargs):
        statement = self.get_statement()
        version = (
            selectors.versions_visible(access=self.network_access, statement=statement)
            .filter(number=kwargs["number"], cleared_at__isnull=False)
            .select_related("network")
            .first()
        )
        if version is None:
            raise not_found()
        response = HttpResponse(services.statement_pdf(version), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="statement-{statement.pk}-v{version.number}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class StatementActionView(StatementMixin, SubjectActionView):
    def get_subject(self):
        return self.get_statement()

    def subject_url(self, subject) -> str:
        return self.statement_url(subject)


class StatementSubmitView(StatementActionView):
    required_action = Action.STATEMENTS_DRAFT

    def run(self, statement):
        services.statement_submit(statement=statement, by=self.request.user)
        return _("The statement is submitted; the co-chairs are told.")


class StatementClearView(StatementActionView):
    required_action = Action.STATEMENTS_CLEAR

    def run(self, statement):
        version = services.statement_clear(
            statement=statement,
            by=self.request.user,
            content_sha256=self.request.POST.get("content_sha256", "")[:64],
        )
        if version.cleared_at:
            return _("The statement is cleared; the secretariat is told.")
        return _("Your clearance is recorded; it waits for the other co-chairs.")


class StatementReturnView(StatementActionView):
    required_action = Action.STATEMENTS_CLEAR

    def run(self, statement):
        form = ReturnForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.statement_return(statement=statement, by=self.request.user, **form.cleaned_data)
        return _("The statement is returned to the secretariat.")


class StatementSilenceView(StatementActionView):
    required_action = Action.STATEMENTS_SILENCE

    def run(self, statement):
        form = SilenceForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.procedure_open(
            statement=statement,
            by=self.request.user,
            kind=Procedure.Kind.SILENCE,
            deadline=form.cleaned_data["deadline"],
        )
        return _("The silence procedure is open; everyone consulted is told.")


class StatementPositionView(PositionStep, StatementActionView):
    page_view = StatementDetailView


class StatementOutcomeView(OutcomeStep, StatementActionView):
    pass


class StatementExtendView(ExtendStep, StatementActionView):
    pass


class StatementIssueView(StatementActionView):
    required_action = Action.STATEMENTS_DRAFT

    def run(self, statement):
        services.statement_issue(statement=statement, by=self.request.user)
        return _("The statement is issued and circulated.")


class StatementPublishView(StatementActionView):
    required_action = Action.STATEMENTS_PUBLISH

    def run(self, statement):
        form = PublishForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.statement_publish(statement=statement, by=self.request.user, **form.cleaned_data)
        return _("The statement is public; the agreement is recorded.")


class StatementReviseView(StatementActionView):
    required_action = Action.STATEMENTS_DRAFT

    def run(self, statement):
        form = ReviseForm(self.request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.statement_revise(statement=statement, by=self.request.user, **form.cleaned_data)
        return _("The statement is a draft again; its correction needs clearing.")
