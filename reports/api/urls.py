from django.urls import path

from reports.api import views

urlpatterns = [
    path(
        "networks/<slug:network>/reports/",
        views.ReportListView.as_view(),
        name="report-list",
    ),
    path(
        "networks/<slug:network>/reports/<id:report_id>/",
        views.ReportDetailView.as_view(),
        name="report-detail",
    ),
    path(
        "networks/<slug:network>/reports/<id:report_id>/versions/<id:number>/",
        views.ReportVersionView.as_view(),
        name="report-version",
    ),
]
