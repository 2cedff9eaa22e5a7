"""API of workplans with the pages' permissions: drafts only for those who write them, and a
quarterly update only from the lead organisation's focal points, the secretariat or the
co-chairs."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action
from workplans import selectors, services
from workplans.api.serializers import (
    ActivityDetailSerializer,
    ActivityUpdateSerializer,
    CoverageSerializer,
    EndorseSerializer,
    UpdateCreateSerializer,
    WorkplanDetailSerializer,
    WorkplanSerializer,
)
from workplans.flows import standing_endorsements
from workplans.models import Activity, ActivityUpdate, Workplan


class WorkplanAPIMixin(NetworkAPIMixin):
    required_action = Action.WORKPLANS_VIEW
    schema_model = Workplan
    lookup_url_kwarg = "workplan_id"

    def network_queryset(self):
        return selectors.visible_workplans(self.network_access).select_related("working_group")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "access": getattr(self, "network_access", None)}

    def detail(self, workplan: Workplan) -> dict:
        """The plan with its tree, its roll-ups and where its endorsement stands."""
        tree = selectors.workplan_tree(workplan)
        workplan.rollup, workplan.outcome_list = tree.total, tree.outcomes
        workplan.content_sha256 = services.workplan_content_sha256(workplan, tree)
        workplan.endorsement_list = list(
            standing_endorsements(workplan).select_related("co_chair", "organisation")
        )
        return WorkplanDetailSerializer(workplan, context=self.get_serializer_context()).data


class WorkplanListView(WorkplanAPIMixin, generics.ListAPIView):
    """The network's workplans, latest first."""

    serializer_class = WorkplanSerializer


class WorkplanDetailView(WorkplanAPIMixin, generics.RetrieveAPIView):
    """One workplan: outcomes → outputs → activities, with the roll-up at each level."""

    serializer_class = WorkplanDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        return Response(self.detail(self.get_object()))


class EndorseView(WorkplanAPIMixin, generics.GenericAPIView):
    """Endorse the draft plan whose `content_sha256` you read (co-chair; 403 for anyone
    else, and for whoever drafted it). Under the network's rule for workplans (any one
    co-chair by default, or every co-chair in office) the endorsement that completes it
    endorses the plan and keeps its baseline; until then the plan stays a draft and
    `endorsement` names who is awaited. A plan that is not a draft, one that changed since
    you read it (code `stale`) or endorsing twice (code `already_signed`) is a 409; a plan
    without activities, or a body without the hash, a 400. Nothing changes when refused."""

    required_action = Action.WORKPLAN_ENDORSE
    serializer_class = EndorseSerializer
    extra_error_statuses = (status.HTTP_409_CONFLICT,)

    @extend_schema(responses={200: WorkplanDetailSerializer})
    def post(self, request, *args, **kwargs):
        workplan = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.workplan_endorse(
            workplan=workplan,
            by=request.user,
            content_sha256=serializer.validated_data["content_sha256"],
        )
        return Response(self.detail(self.get_object()))


class CoverageView(WorkplanAPIMixin, generics.RetrieveAPIView):
    """The 23 GCM objectives with the plan's activities tagged with each and their budgets
    (an activity under two objectives counts under both; cancelled ones are left out)."""

    serializer_class = CoverageSerializer

    def retrieve(self, request, *args, **kwargs):
        workplan = self.get_object()
        tree = selectors.workplan_tree(workplan)
        payload = {"workplan": workplan, "objectives": selectors.coverage(tree.activities)}
        return Response(self.get_serializer(payload).data)


class ActivityAPIMixin(NetworkAPIMixin):
    required_action = Action.WORKPLANS_VIEW
    schema_model = Activity
    lookup_url_kwarg = "activity_id"

    def network_queryset(self):
        visible = selectors.visible_workplans(self.network_access)
        return Activity.objects.filter(workplan__in=visible).select_related(
            "workplan", "output", "lead_organisation"
        )


class ActivityDetailView(ActivityAPIMixin, generics.RetrieveAPIView):
    """One activity with its indicators (their actual per quarter) and its quarterly
    updates, latest first."""

    serializer_class = ActivityDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        activity = self.get_object()
        [activity] = selectors.with_progress(
            selectors.activities_of([activity.workplan_id]).filter(pk=activity.pk)
        )
        activity.update_list = list(
            ActivityUpdate.objects.filter(activity=activity).select_related("written_by")
        )
        return Response(self.get_serializer(activity).data)


class UpdateCreateView(ActivityAPIMixin, generics.GenericAPIView):
    """Report an activity's progress in a quarter: a focal point of its lead organisation,
    the secretariat or a co-chair (403 for anyone else). The activity takes the update's
    status and spending. A draft or closed workplan takes no updates (409)."""

    required_action = Action.ACTIVITY_CHANGE
    serializer_class = UpdateCreateSerializer
    extra_error_statuses = (status.HTTP_409_CONFLICT,)

    @extend_schema(responses={201: ActivityUpdateSerializer})
    def post(self, request, *args, **kwargs):
        activity = self.get_object()
        if not services.may_change_activity(self.network_access, activity.lead_organisation_id):
            raise PermissionDenied(services.not_lead_message())
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        update = services.update_record(
            activity=activity,
            by=request.user,
            quarter=data["quarter"],
            status=data["status"],
            narrative=data["narrative"],
            spent_to_date=data["spent_to_date"],
            actuals=data.get("actuals") or {},
        )
        return Response(ActivityUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
