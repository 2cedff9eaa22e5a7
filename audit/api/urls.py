from django.urls import path

from audit.api import views

urlpatterns = [
    path(
        "networks/<slug:network>/audit/",
        views.AuditEventListView.as_view(),
        name="audit-event-list",
    ),
]
