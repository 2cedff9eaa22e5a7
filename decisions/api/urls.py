from django.urls import path

from decisions.api import views

N = "networks/<slug:network>/"

urlpatterns = [
    path(f"{N}decisions/", views.DecisionListView.as_view(), name="decision-list"),
    path(f"{N}decisions/<id:pk>/", views.DecisionDetailView.as_view(), name="decision-detail"),
    path(
        f"{N}decisions/<id:decision_id>/procedures/",
        views.ProcedureOpenView.as_view(),
        name="procedure-open",
    ),
    path(f"{N}procedures/", views.ProcedureListView.as_view(), name="procedure-list"),
    path(
        f"{N}procedures/<id:procedure_id>/",
        views.ProcedureDetailView.as_view(),
        name="procedure-detail",
    ),
    path(
        f"{N}procedures/<id:procedure_id>/positions/",
        views.PositionRecordView.as_view(),
        name="position-record",
    ),
    path(
        f"{N}procedures/<id:procedure_id>/extend/",
        views.DeadlineExtendView.as_view(),
        name="procedure-extend",
    ),
    path(
        f"{N}procedures/<id:procedure_id>/outcome/",
        views.OutcomeRecordView.as_view(),
        name="procedure-outcome",
    ),
    path(f"{N}action-points/", views.ActionPointListView.as_view(), name="action-point-list"),
    path(
        f"{N}action-points/<id:pk>/",
        views.ActionPointDetailView.as_view(),
        name="action-point-detail",
    ),
    path(
        f"{N}action-points/<id:action_id>/notes/",
        views.ActionNoteCreateView.as_view(),
        name="action-note-create",
    ),
    path(f"{N}statements/", views.StatementListView.as_view(), name="statement-list"),
    path(
        f"{N}statements/<id:statement_id>/",
        views.StatementDetailView.as_view(),
        name="statement-detail",
    ),
    path(
        f"{N}statements/<id:statement_id>/submit/",
        views.StatementSubmitView.as_view(),
        name="statement-submit",
    ),
    path(
        f"{N}statements/<id:statement_id>/clear/",
        views.StatementClearView.as_view(),
        name="statement-clear",
    ),
    path(
        f"{N}statements/<id:statement_id>/return/",
        views.StatementReturnView.as_view(),
        name="statement-return",
    ),
    path(
        f"{N}statements/<id:statement_id>/silence/",
        views.StatementSilenceView.as_view(),
        name="statement-silence",
    ),
    path(
        f"{N}statements/<id:statement_id>/issue/",
        views.StatementIssueView.as_view(),
        name="statement-issue",
    ),
    path(
        f"{N}statements/<id:statement_id>/publish/",
        views.StatementPublishView.as_view(),
        name="statement-publish",
    ),
    path(
        f"{N}statements/<id:statement_id>/revise/",
        views.StatementReviseView.as_view(),
        name="statement-revise",
    ),
]
