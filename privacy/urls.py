from django.urls import path

from privacy import views

# Under /accounts/ (portal/urls.py), beside the person's other account pages.
urlpatterns = [
    path("personal-data/", views.PersonalDataView.as_view(), name="account-personal-data"),
    path(
        "personal-data/export.json",
        views.PersonalDataExportView.as_view(),
        name="account-personal-data-export",
    ),
]
