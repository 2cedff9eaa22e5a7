from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditTrailView.as_view(), name="trail"),
    path("export.csv", views.AuditCSVView.as_view(), name="csv"),
]
