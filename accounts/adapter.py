from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join a network through an invitation from its secretariat."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def post_login(self, request, user, **kwargs):
        # The portal speaks the language the person chose in their profile.
        response = super().post_login(request, user, **kwargs)
        if user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
