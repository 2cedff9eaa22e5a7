from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join a network through an invitation from its secretariat."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # The failed sign-ins are counted per account *and* client address (the real one,
        # portal.middleware): an attacker's wrong passwords lock the account only for the
        # attacker's address, never for its owner signing in from elsewhere.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{self.get_client_ip(request)}"

    def authenticate(self, request, **credentials):
        # A domain whose identity provider has switched password sign-in off: the password
        # is not even checked (the sign-in page sends these people to their provider).
        from accounts.identity import password_refused_for

        if password_refused_for(str(credentials.get("email") or "")):
            self.authentication_failed(request, **credentials)
            return None
        return super().authenticate(request, **credentials)

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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # A person's mail (password reset, two-factor changes) speaks their profile's
        # language; mail to an address with no account, the language of the page.
        user = context.get("user")
        if user is None:
            user = get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "language", "") or translation.get_language()
        with translation.override(language):
            # allauth's mails greet "from" and sign off with the site: the portal's name
            # and address, not the host name of the request.
            site = SimpleNamespace(name=gettext("Network Portal"), domain=settings.PORTAL_BASE_URL)
            super().send_mail(template_prefix, email, {"current_site": site, **context})


class PortalMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and the recovery codes' seed, encrypted at rest (accounts.crypto)."""

    def encrypt(self, text: str) -> str:
        from accounts.crypto import encrypt

        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        from accounts.crypto import decrypt

        return decrypt(encrypted_text)
