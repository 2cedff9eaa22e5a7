from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("new/", views.ReportOpenView.as_view(), name="open"),
    path("<id:report_id>/", views.ReportDetailView.as_view(), name="detail"),
    path("<id:report_id>/now/", views.WorkingCopyView.as_view(), name="working-copy"),
    path("<id:report_id>/narrative/", views.NarrativeView.as_view(), name="narrative"),
    path("<id:report_id>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<id:report_id>/v<id:number>/", views.VersionView.as_view(), name="version"),
    path(
        "<id:report_id>/v<id:number>/report.pdf",
        views.DownloadView.as_view(extension="pdf"),
        name="pdf",
    ),
    path(
        "<id:report_id>/v<id:number>/report.xlsx",
        views.DownloadView.as_view(extension="xlsx"),
        name="xlsx",
    ),
    path(
        "<id:report_id>/v<id:number>/report.csv",
        views.DownloadView.as_view(extension="csv"),
        name="csv",
    ),
]
