from django.urls import path

from decisions.api import views

urlpatterns = [
    path(
        "networks/<slug:network>/decisions/",
        views.DecisionListView.as_view(),
        name="decision-list",
    ),
    path(
        "networks/<slug:network>/decisions/<id:pk>/",
        views.DecisionDetailView.as_view(),
        name="decision-detail",
    ),
]
