from django.urls import path

from networks.api import views

app_name = "api"

urlpatterns = [
    path("networks/", views.MyNetworksView.as_view(), name="network-list"),
    path("networks/<slug:network>/", views.NetworkDetailView.as_view(), name="network-detail"),
    path(
        "networks/<slug:network>/organisations/",
        views.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path("networks/<slug:network>/members/", views.MemberListView.as_view(), name="member-list"),
    path(
        "networks/<slug:network>/members/<int:pk>/",
        views.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path(
        "networks/<slug:network>/working-groups/",
        views.WorkingGroupListView.as_view(),
        name="working-group-list",
    ),
    path(
        "networks/<slug:network>/working-groups/<int:pk>/",
        views.WorkingGroupDetailView.as_view(),
        name="working-group-detail",
    ),
]
