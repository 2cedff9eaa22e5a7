from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("new/", views.DecisionCreateView.as_view(), name="create"),
    path("actions/", views.ActionBoardView.as_view(), name="actions"),
    path("actions/<id:action_id>/", views.ActionDetailView.as_view(), name="action"),
    path("statements/", views.StatementListView.as_view(), name="statements"),
    path("statements/new/", views.StatementCreateView.as_view(), name="statement-create"),
    path("statements/<id:statement_id>/", views.StatementDetailView.as_view(), name="statement"),
    path(
        "statements/<id:statement_id>/v<id:number>.pdf",
        views.StatementPdfView.as_view(),
        name="statement-pdf",
    ),
    path("<id:decision_id>/", views.DecisionDetailView.as_view(), name="detail"),
    path("<id:decision_id>/procedure/", views.ProcedureOpenView.as_view(), name="procedure"),
    path("<id:decision_id>/position/", views.PositionView.as_view(), name="position"),
    path("<id:decision_id>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("<id:decision_id>/extend/", views.ExtendView.as_view(), name="extend"),
    path("<id:decision_id>/actions/", views.ActionAddView.as_view(), name="action-add"),
    path(
        "statements/<id:statement_id>/edit/",
        views.StatementEditView.as_view(),
        name="statement-edit",
    ),
    path(
        "statements/<id:statement_id>/submit/",
        views.StatementSubmitView.as_view(),
        name="statement-submit",
    ),
    path(
        "statements/<id:statement_id>/clear/",
        views.StatementClearView.as_view(),
        name="statement-clear",
    ),
    path(
        "statements/<id:statement_id>/return/",
        views.StatementReturnView.as_view(),
        name="statement-return",
    ),
    path(
        "statements/<id:statement_id>/silence/",
        views.StatementSilenceView.as_view(),
        name="statement-silence",
    ),
    path(
        "statements/<id:statement_id>/position/",
        views.StatementPositionView.as_view(),
        name="statement-position",
    ),
    path(
        "statements/<id:statement_id>/extend/",
        views.StatementExtendView.as_view(),
        name="statement-extend",
    ),
    path(
        "statements/<id:statement_id>/outcome/",
        views.StatementOutcomeView.as_view(),
        name="statement-outcome",
    ),
    path(
        "statements/<id:statement_id>/issue/",
        views.StatementIssueView.as_view(),
        name="statement-issue",
    ),
    path(
        "statements/<id:statement_id>/public/",
        views.StatementPublishView.as_view(),
        name="statement-public",
    ),
    path(
        "statements/<id:statement_id>/revise/",
        views.StatementReviseView.as_view(),
        name="statement-revise",
    ),
]
