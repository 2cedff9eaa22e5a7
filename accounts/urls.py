from django.urls import path

from accounts import views

urlpatterns = [
    # Before allauth's own "login/", which this one extends.
    path("login/", views.LoginView.as_view(), name="account_login"),
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
