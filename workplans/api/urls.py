from django.urls import path

from workplans.api import views

urlpatterns = [
    path(
        "networks/<slug:network>/workplans/",
        views.WorkplanListView.as_view(),
        name="workplan-list",
    ),
    path(
        "networks/<slug:network>/workplans/<id:workplan_id>/",
        views.WorkplanDetailView.as_view(),
        name="workplan-detail",
    ),
    path(
        "networks/<slug:network>/workplans/<id:workplan_id>/endorse/",
        views.EndorseView.as_view(),
        name="workplan-endorse",
    ),
    path(
        "networks/<slug:network>/workplans/<id:workplan_id>/coverage/",
        views.CoverageView.as_view(),
        name="workplan-coverage",
    ),
    path(
        "networks/<slug:network>/activities/<id:activity_id>/",
        views.ActivityDetailView.as_view(),
        name="activity-detail",
    ),
    path(
        "networks/<slug:network>/activities/<id:activity_id>/updates/",
        views.UpdateCreateView.as_view(),
        name="activity-update-create",
    ),
]
