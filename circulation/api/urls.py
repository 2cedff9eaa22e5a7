from django.urls import path

from circulation.api import views

urlpatterns = [
    path(
        "networks/<slug:network>/circulations/",
        views.CirculationListView.as_view(),
        name="circulation-list",
    ),
    path(
        "networks/<slug:network>/circulations/<id:pk>/",
        views.CirculationDetailView.as_view(),
        name="circulation-detail",
    ),
]
