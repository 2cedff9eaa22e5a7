"""The API of the decision register, written procedures, action points and One-Voice joint
statements, with the pages' permissions (the same actions of networks.roles) and the same
services. External partners see the decisions that concern the state; statements are for
those who may read them, drafts for the secretariat and the co-chairs.

A service's refusal keeps its message: when the object's state does not allow the step it is
a 409, when the person may not act for that organisation a 403, any other a 400 naming the
field. A workflow refusal (a statement's step) answers the status of its code: not allowed a
403; wrong state, stale or already signed a 409."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from decisions import flows, selectors, services
from decisions.api.filters import ActionPointFilter, ProcedureFilter
from decisions.api.serializers import (
    ActionNoteCreateSerializer,
    ActionPointCreateSerializer,
    ActionPointDetailSerializer,
    ActionPointSerializer,
    ClearSerializer,
    DecisionCreateSerializer,
    DecisionDetailSerializer,
    DecisionSerializer,
    ExtensionSerializer,
    NoBodySerializer,
    OutcomeSerializer,
    PositionRecordSerializer,
    PositionSerializer,
    ProcedureOpenSerializer,
    ProcedureSerializer,
    PublishSerializer,
    ReturnSerializer,
    ReviseSerializer,
    SilenceSerializer,
    StatementDetailSerializer,
    StatementSerializer,
    StatementWriteSerializer,
)
from decisions.models import (
    ActionNote,
    ActionPoint,
    Decision,
    JointStatement,
    Position,
    Procedure,
    StatementClearance,
)
from networks.access import not_found
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action
from networks.signoff import signoff_people

# Steps that the record's state may refuse (409, the schema documents it).
CONFLICT_STATUSES = (status.HTTP_409_CONFLICT,)


def visible_decisions(access):
    decisions = Decision.objects.all()
    if not access.can(Action.DECISIONS_VIEW_ALL):
        decisions = decisions.filter(concerns_state=True)
    return decisions


def procedures_prefetched():
    positions = Position.objects.select_related("organisation", "recorded_by")
    return Procedure.objects.prefetch_related(Prefetch("positions", queryset=positions))


def visible_procedures(access):
    """The procedures on a decision the person may see, or on a joint statement they may
    read: the pages' rule, for the reads and every step alike."""
    on = Q(decision__in=visible_decisions(access).values("pk"))
    if access.can(Action.STATEMENTS_VIEW):
        statements = selectors.statements_visible(access=access).values("pk")
        on |= Q(joint_statement__in=statements)
    return Procedure.objects.filter(on)


# Who reads procedures: those who see the decisions, or the statements, they are on.
PROCEDURES_VIEW = (Action.DECISIONS_VIEW, Action.STATEMENTS_VIEW)


class WriteMixin:
    """A POST with a validated body; the answer is `response_serializer` of the result."""

    def validated(self, request) -> dict:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, instance, serializer_class, code=status.HTTP_200_OK) -> Response:
        return Response(
            serializer_class(instance, context=self.get_serializer_context()).data, status=code
        )


# Decisions -----------------------------------------------------------------------------------


class DecisionAPIMixin(NetworkAPIMixin):
    required_action = Action.DECISIONS_VIEW
    schema_model = Decision

    def visible(self):
        return visible_decisions(self.network_access)

    def get_decision(self, pk) -> Decision:
        decision = self.visible().select_related("network").filter(pk=pk).first()
        if decision is None:
            raise not_found()
        return decision


class DecisionListView(DecisionAPIMixin, WriteMixin, generics.ListCreateAPIView):
    """get: The register, latest first.

    post: Draft a decision (secretariat or co-chair)."""

    required_actions = {"GET": Action.DECISIONS_VIEW, "POST": Action.DECISIONS_PROPOSE}

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return DecisionCreateSerializer
        return DecisionSerializer

    def network_queryset(self):
        return self.visible().order_by("-year", "-sequence", "-created_at", "-pk")

    @extend_schema(request=DecisionCreateSerializer, responses={201: DecisionSerializer})
    def post(self, request, *args, **kwargs):
        data = self.validated(request)
        decision = services.decision_draft(
            network=self.network,
            by=request.user,
            title=data["title"],
            text=data["text"],
            concerns_state=data["concerns_state"],
            gcm_objectives=data["gcm_objectives"],
        )
        return self.answer(decision, DecisionSerializer, status.HTTP_201_CREATED)


class DecisionDetailView(DecisionAPIMixin, generics.RetrieveAPIView):
    """One decision with its written procedures and each organisation's position."""

    serializer_class = DecisionDetailSerializer

    def network_queryset(self):
        return self.visible().prefetch_related(
            Prefetch("procedures", queryset=procedures_prefetched())
        )


class ProcedureOpenView(DecisionAPIMixin, WriteMixin, generics.GenericAPIView):
    """Put a draft decision to a consultation or a silence procedure (secretariat or
    co-chair); everyone who speaks for a consulted organisation is told. A decision that is
    no longer a draft is a 409."""

    required_action = Action.DECISIONS_PROPOSE
    serializer_class = ProcedureOpenSerializer
    schema_model = Procedure
    extra_error_statuses = CONFLICT_STATUSES

    @extend_schema(responses={201: ProcedureSerializer})
    def post(self, request, *args, **kwargs):
        decision = self.get_decision(kwargs["decision_id"])
        data = self.validated(request)
        procedure = services.procedure_open(
            decision=decision,
            by=request.user,
            kind=data["kind"],
            deadline=data["deadline"],
        )
        return self.answer(procedure, ProcedureSerializer, status.HTTP_201_CREATED)


# Procedures (on a decision or a joint statement) ---------------------------------------------


class ProcedureStepMixin(NetworkAPIMixin, WriteMixin):
    schema_model = Procedure
    extra_error_statuses = CONFLICT_STATUSES

    def get_procedure(self) -> Procedure:
        """The procedure, if its decision or statement is one the person may see."""
        procedure = (
            visible_procedures(self.network_access)
            .select_related("decision", "joint_statement")
            .filter(pk=self.kwargs["procedure_id"])
            .first()
        )
        if procedure is None:
            raise not_found()
        return procedure

    def procedure_answer(self, procedure) -> Response:
        return self.answer(procedures_prefetched().get(pk=procedure.pk), ProcedureSerializer)


class ProcedureListView(NetworkAPIMixin, generics.ListAPIView):
    """The written procedures (consultations and silence procedures) on the decisions and
    joint statements one may see, latest opened first, each with every organisation's
    position."""

    required_action = PROCEDURES_VIEW
    serializer_class = ProcedureSerializer
    filterset_class = ProcedureFilter

    def network_queryset(self):
        return (
            visible_procedures(self.network_access)
            .prefetch_related(
                Prefetch(
                    "positions",
                    queryset=Position.objects.select_related("organisation", "recorded_by"),
                )
            )
            .order_by("-opened_at", "-pk")
        )


class ProcedureDetailView(ProcedureStepMixin, generics.GenericAPIView):
    """One written procedure with every organisation's position."""

    required_action = PROCEDURES_VIEW
    serializer_class = ProcedureSerializer
    extra_error_statuses = ()

    def get(self, request, *args, **kwargs):
        return self.procedure_answer(self.get_procedure())


class PositionRecordView(ProcedureStepMixin, generics.ListAPIView):
    """get: The positions on record, one per organisation, by organisation.

    post: State the position of an organisation you speak for (per organisation, never per
    person: a second answer of the same organisation replaces the first, and both stay in
    the history). An objection or a broken silence needs a reason (400); an organisation
    you do not speak for is a 403; a closed procedure is a 409."""

    required_actions = {"GET": PROCEDURES_VIEW, "POST": Action.POSITION_STATE}
    extra_error_statuses = {"POST": CONFLICT_STATUSES}
    schema_model = Position

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return PositionRecordSerializer
        return PositionSerializer

    def network_queryset(self):
        return (
            Position.objects.filter(procedure=self.get_procedure())
            .select_related("organisation", "recorded_by")
            .order_by("organisation__acronym", "organisation__name", "pk")
        )

    @extend_schema(request=PositionRecordSerializer, responses={200: PositionSerializer})
    def post(self, request, *args, **kwargs):
        procedure = self.get_procedure()
        data = self.validated(request)
        position = services.position_record(
            procedure=procedure,
            by=request.user,
            organisation=data["organisation"],
            stance=data["stance"],
            reason=data["reason"],
        )
        return self.answer(position, PositionSerializer)


class DeadlineExtendView(ProcedureStepMixin, generics.GenericAPIView):
    """Give an open procedure a later deadline, with a reason (co-chair); everyone consulted
    is told. A closed procedure is a 409."""

    required_action = Action.OUTCOME_RECORD
    serializer_class = ExtensionSerializer

    @extend_schema(responses={200: ProcedureSerializer})
    def post(self, request, *args, **kwargs):
        procedure = self.get_procedure()
        data = self.validated(request)
        services.deadline_extend(
            procedure=procedure,
            by=request.user,
            deadline=data["deadline"],
            reason=data["reason"],
        )
        return self.procedure_answer(procedure)


class OutcomeRecordView(ProcedureStepMixin, generics.GenericAPIView):
    """Record the outcome of a closed procedure with the co-chairs' statement (co-chair).
    A procedure still open, one whose outcome is recorded, or adoption against an objection
    or without the national authority's position is a 409."""

    required_action = Action.OUTCOME_RECORD
    serializer_class = OutcomeSerializer

    @extend_schema(responses={200: ProcedureSerializer})
    def post(self, request, *args, **kwargs):
        procedure = self.get_procedure()
        data = self.validated(request)
        services.outcome_record(
            procedure=procedure,
            by=request.user,
            outcome=data["outcome"],
            statement=data["statement"],
        )
        return self.procedure_answer(procedure)


# Action points -------------------------------------------------------------------------------


def action_points():
    return ActionPoint.objects.select_related("owner_organisation", "owner")


class ActionPointListView(NetworkAPIMixin, WriteMixin, generics.ListCreateAPIView):
    """get: The network's action points, by due date; `organisation` gives one organisation's
    board, `status` (or `open`) narrows it.

    post: Add an action point, optionally on a decision (secretariat or co-chair)."""

    required_actions = {"GET": Action.ACTIONS_VIEW, "POST": Action.ACTIONS_ADD}
    filterset_class = ActionPointFilter
    schema_model = ActionPoint

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return ActionPointCreateSerializer
        return ActionPointSerializer

    def network_queryset(self):
        return action_points().order_by("due_date", "pk")

    @extend_schema(request=ActionPointCreateSerializer, responses={201: ActionPointSerializer})
    def post(self, request, *args, **kwargs):
        data = self.validated(request)
        point = services.action_point_add(network=self.network, by=request.user, **data)
        return self.answer(point, ActionPointSerializer, status.HTTP_201_CREATED)


class ActionPointDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    """One action point with its dated notes."""

    required_action = Action.ACTIONS_VIEW
    serializer_class = ActionPointDetailSerializer

    def network_queryset(self):
        return action_points().prefetch_related(
            Prefetch("notes", queryset=ActionNote.objects.select_related("written_by"))
        )


class ActionNoteCreateView(NetworkAPIMixin, WriteMixin, generics.GenericAPIView):
    """Update an action point's status and progress with a dated note of what was done (the
    owner organisation's focal points, or the secretariat; anyone else is a 403)."""

    required_action = Action.ACTIONS_UPDATE
    serializer_class = ActionNoteCreateSerializer
    schema_model = ActionPoint

    @extend_schema(responses={201: ActionPointDetailSerializer})
    def post(self, request, *args, **kwargs):
        point = action_points().filter(pk=kwargs["action_id"]).first()
        if point is None:
            raise not_found()
        data = self.validated(request)
        services.action_point_update(action_point=point, by=request.user, **data)
        fresh = ActionPointDetailView.network_queryset(self).get(pk=point.pk)
        return self.answer(fresh, ActionPointDetailSerializer, status.HTTP_201_CREATED)


# One-Voice joint statements ------------------------------------------------------------------


class StatementAPIMixin(NetworkAPIMixin):
    required_action = Action.STATEMENTS_VIEW
    schema_model = JointStatement

    def visible(self):
        return selectors.statements_visible(access=self.network_access).select_related(
            "issued_version"
        )

    def get_statement(self) -> JointStatement:
        statement = self.visible().filter(pk=self.kwargs["statement_id"]).first()
        if statement is None:
            raise not_found()
        return statement

    def detailed(self, statement: JointStatement) -> JointStatement:
        """The statement as its reader may see it, with versions and procedures."""
        versions = list(
            selectors.versions_visible(access=self.network_access, statement=statement)
            .select_related("publication", "publication__published_by")
            .prefetch_related(
                Prefetch(
                    "clearances", queryset=StatementClearance.objects.select_related("co_chair")
                )
            )
        )
        statement.visible_versions = versions
        if not selectors.sees_drafts(self.network_access):
            statement.shown = versions[0] if versions else None
        statement.procedures_list = list(
            procedures_prefetched().filter(joint_statement=statement).order_by("-opened_at", "-pk")
        )
        statement.steps = flows.STATEMENT.steps_for(statement, self.network_access)
        pending = (
            flows.pending_version(statement) if selectors.sees_drafts(self.network_access) else None
        )
        statement.clearance = (
            vars(signoff_people(services.statement_signoff(pending))) if pending else None
        )
        return statement


class StatementListView(StatementAPIMixin, WriteMixin, generics.ListCreateAPIView):
    """get: The joint statements one may read, latest first.

    post: Draft a joint statement (secretariat)."""

    required_actions = {"GET": Action.STATEMENTS_VIEW, "POST": Action.STATEMENTS_DRAFT}

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return StatementWriteSerializer
        return StatementSerializer

    def network_queryset(self):
        return self.visible().order_by("-created_at", "-pk")

    @extend_schema(request=StatementWriteSerializer, responses={201: StatementSerializer})
    def post(self, request, *args, **kwargs):
        data = self.validated(request)
        statement = services.statement_draft(network=self.network, by=request.user, **data)
        return self.answer(statement, StatementSerializer, status.HTTP_201_CREATED)


class StatementDetailView(StatementAPIMixin, WriteMixin, generics.GenericAPIView):
    """get: One joint statement with its versions (clearances, publication) and its silence
    procedures.

    put: Change the draft's title and text (secretariat); a statement that is not a draft is
    a 409."""

    required_actions = {"GET": Action.STATEMENTS_VIEW, "PUT": Action.STATEMENTS_DRAFT}
    extra_error_statuses = {"PUT": CONFLICT_STATUSES}

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "PUT":
            return StatementWriteSerializer
        return StatementDetailSerializer

    def detail_response(self, statement) -> Response:
        statement = self.detailed(statement)
        return Response(
            StatementDetailSerializer(statement, context=self.get_serializer_context()).data
        )

    @extend_schema(responses={200: StatementDetailSerializer})
    def get(self, request, *args, **kwargs):
        return self.detail_response(self.get_statement())

    @extend_schema(request=StatementWriteSerializer, responses={200: StatementDetailSerializer})
    def put(self, request, *args, **kwargs):
        statement = self.get_statement()
        data = self.validated(request)
        services.statement_edit(statement=statement, by=request.user, **data)
        return self.detail_response(self.get_statement())


class StatementStepView(StatementAPIMixin, WriteMixin, generics.GenericAPIView):
    """A step of a statement's life: validate the body, call the service, answer with the
    statement after it. Subclasses define step(statement, data)."""

    serializer_class = NoBodySerializer
    extra_error_statuses = CONFLICT_STATUSES

    @extend_schema(responses={200: StatementDetailSerializer})
    def post(self, request, *args, **kwargs):
        statement = self.get_statement()
        data = self.validated(request)
        self.step(statement=statement, data=data)
        return Response(
            StatementDetailSerializer(
                self.detailed(self.get_statement()), context=self.get_serializer_context()
            ).data
        )


class StatementSubmitView(StatementStepView):
    """Submit the draft for the co-chairs' clearance (secretariat); they are told. A
    statement that is not a draft is a 409; a correction without its reason a 400."""

    required_action = Action.STATEMENTS_DRAFT

    def step(self, statement, data):
        services.statement_submit(statement=statement, by=self.request.user)


class StatementClearView(StatementStepView):
    """Clear the submitted version whose SHA-256 you read (co-chair). Under the network's
    rule for statements (every co-chair in office by default) the clearance that completes it
    freezes the version and tells the secretariat. A statement not awaiting clearance, a
    version changed since, or clearing twice is a 409; the person who drafted or submitted
    it is a 403."""

    required_action = Action.STATEMENTS_CLEAR
    serializer_class = ClearSerializer

    def step(self, statement, data):
        services.statement_clear(statement=statement, by=self.request.user, **data)


class StatementReturnView(StatementStepView):
    """Return the submitted statement to the secretariat with comments (co-chair). A
    statement not awaiting clearance is a 409."""

    required_action = Action.STATEMENTS_CLEAR
    serializer_class = ReturnSerializer

    def step(self, statement, data):
        services.statement_return(statement=statement, by=self.request.user, **data)


class StatementIssueView(StatementStepView):
    """Issue the cleared version (agreed too, if it went to a silence procedure) and
    circulate it to the network (secretariat). Any other state is a 409."""

    required_action = Action.STATEMENTS_DRAFT

    def step(self, statement, data):
        services.statement_issue(statement=statement, by=self.request.user)


class StatementPublishView(StatementStepView):
    """Make the issued version public, naming the agreement that allows it (secretariat or
    co-chair); who and when are recorded. A statement not issued, or already public, is a
    409."""

    required_action = Action.STATEMENTS_PUBLISH
    serializer_class = PublishSerializer

    def step(self, statement, data):
        services.statement_publish(statement=statement, by=self.request.user, **data)


class StatementReviseView(StatementStepView):
    """Start a correction of a cleared, agreed, not agreed or issued statement, with a
    reason (secretariat): it is a draft again, and every cleared version stays as it was.
    Any other state is a 409."""

    required_action = Action.STATEMENTS_DRAFT
    serializer_class = ReviseSerializer

    def step(self, statement, data):
        services.statement_revise(statement=statement, by=self.request.user, **data)


class StatementSilenceView(StatementAPIMixin, WriteMixin, generics.GenericAPIView):
    """Put a cleared statement to a silence procedure until `deadline` (secretariat or
    co-chair); every member organisation is told. A statement not cleared is a 409."""

    required_action = Action.STATEMENTS_SILENCE
    serializer_class = SilenceSerializer
    extra_error_statuses = CONFLICT_STATUSES

    @extend_schema(responses={201: ProcedureSerializer})
    def post(self, request, *args, **kwargs):
        statement = self.get_statement()
        data = self.validated(request)
        procedure = services.procedure_open(
            statement=statement,
            by=request.user,
            kind=Procedure.Kind.SILENCE,
            deadline=data["deadline"],
        )
        return self.answer(
            procedures_prefetched().get(pk=procedure.pk),
            ProcedureSerializer,
            status.HTTP_201_CREATED,
        )
