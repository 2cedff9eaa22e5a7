from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.NetworkHomeView.as_view(), name="home"),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("members/export.csv", views.MemberListCSVView.as_view(), name="members-csv"),
    path("members/export.pdf", views.MemberListPDFView.as_view(), name="members-pdf"),
    path(
        "members/<id:membership_id>/end/",
        views.MembershipEndView.as_view(),
        name="membership-end",
    ),
    path("members/invite/", views.InvitationView.as_view(), name="invite"),
    path("signoff-rules/", views.SignoffRulesView.as_view(), name="signoff-rules"),
    path(
        "members/invitations/<id:invitation_id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("working-groups/", views.WorkingGroupListView.as_view(), name="working-group-list"),
    path(
        "working-groups/<id:pk>/",
        views.WorkingGroupDetailView.as_view(),
        name="working-group-detail",
    ),
]
