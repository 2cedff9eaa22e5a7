from django.urls import include, path

from networks.api import views

app_name = "api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("networks/", views.MyNetworksView.as_view(), name="network-list"),
    path("networks/<slug:network>/", views.NetworkDetailView.as_view(), name="network-detail"),
    path(
        "networks/<slug:network>/organisations/",
        views.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path("networks/<slug:network>/members/", views.MemberListView.as_view(), name="member-list"),
    path(
        "networks/<slug:network>/members/<id:pk>/",
        views.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path(
        "networks/<slug:network>/members/<id:pk>/end/",
        views.MembershipEndView.as_view(),
        name="member-end",
    ),
    path(
        "networks/<slug:network>/invitations/",
        views.InvitationCreateView.as_view(),
        name="invitation-create",
    ),
    path(
        "networks/<slug:network>/working-groups/",
        views.WorkingGroupListView.as_view(),
        name="working-group-list",
    ),
    path(
        "networks/<slug:network>/working-groups/<id:pk>/",
        views.WorkingGroupDetailView.as_view(),
        name="working-group-detail",
    ),
    path("", include("circulation.api.urls")),
    path("", include("meetings.api.urls")),
    path("", include("documents.api.urls")),
    path("", include("decisions.api.urls")),
    path("", include("workplans.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("audit.api.urls")),
]
