from django.urls import path

from workplans import views

app_name = "workplans"

urlpatterns = [
    path("", views.WorkplanListView.as_view(), name="list"),
    path("new/", views.WorkplanCreateView.as_view(), name="create"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("<id:workplan_id>/", views.WorkplanDetailView.as_view(), name="detail"),
    path("<id:workplan_id>/endorse/", views.EndorseView.as_view(), name="endorse"),
    path("<id:workplan_id>/start/", views.StartView.as_view(), name="start"),
    path("<id:workplan_id>/close/", views.CloseView.as_view(), name="close"),
    path("<id:workplan_id>/outcomes/", views.OutcomeAddView.as_view(), name="outcome-add"),
    path(
        "<id:workplan_id>/outcomes/<id:outcome_id>/outputs/",
        views.OutputAddView.as_view(),
        name="output-add",
    ),
    path(
        "<id:workplan_id>/outputs/<id:output_id>/activities/new/",
        views.ActivityAddView.as_view(),
        name="activity-add",
    ),
    path("<id:workplan_id>/updates/", views.MissingUpdatesView.as_view(), name="missing"),
    path("<id:workplan_id>/coverage/", views.CoverageView.as_view(), name="coverage"),
    path(
        "<id:workplan_id>/export.xlsx",
        views.ExportView.as_view(extension="xlsx"),
        name="export-xlsx",
    ),
    path(
        "<id:workplan_id>/export.csv", views.ExportView.as_view(extension="csv"), name="export-csv"
    ),
    path("activities/<id:activity_id>/", views.ActivityDetailView.as_view(), name="activity"),
    path(
        "activities/<id:activity_id>/edit/", views.ActivityEditView.as_view(), name="activity-edit"
    ),
    path(
        "activities/<id:activity_id>/indicators/",
        views.IndicatorAddView.as_view(),
        name="indicator-add",
    ),
    path("activities/<id:activity_id>/update/", views.UpdateView.as_view(), name="update"),
]
