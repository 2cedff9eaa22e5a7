from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="account-profile"),
    path("tokens/", views.AccessTokenListView.as_view(), name="account-tokens"),
    path(
        "tokens/<id:token_id>/revoke/",
        views.AccessTokenRevokeView.as_view(),
        name="account-token-revoke",
    ),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
]
