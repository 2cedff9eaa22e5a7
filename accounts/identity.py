"""Signing in through an agency's identity provider (accounts.models.IdentityProvider),
with django-allauth's `openid_connect` provider: which provider speaks for an address, the
allauth app built from the row (nothing in allauth's own SocialApp table), and the start
of a sign-in there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

from accounts.models import IdentityProvider

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialApp

# The key of the sign-in's proof of a second factor at the provider, in the session.
IDP_MFA_SESSION_KEY = "_portal_idp_mfa"


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def provider_for_email(email: str) -> IdentityProvider | None:
    domain = domain_of(email)
    if not domain:
        return None
    for provider in IdentityProvider.objects.filter(is_active=True):
        if domain in provider.domain_list:
            return provider
    return None


def password_refused_for(email: str) -> IdentityProvider | None:
    """The provider that has switched off password sign-in for this address, if any."""
    provider = provider_for_email(email)
    return provider if provider is not None and not provider.password_sign_in else None


def social_app(provider: IdentityProvider) -> SocialApp:
    from allauth.socialaccount.models import SocialApp

    from accounts.crypto import decrypt

    return SocialApp(
        provider="openid_connect",
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.client_id,
        secret=decrypt(provider.client_secret) if provider.client_secret else "",
        settings={
            "server_url": provider.issuer,
            "oauth_pkce_enabled": True,
            "fetch_userinfo": True,
        },
    )


def start_sign_in(
    request: HttpRequest,
    provider: IdentityProvider,
    *,
    email: str = "",
    next_url: str | None = None,
    invitation_token: str = "",
) -> HttpResponse:
    """The redirect to the provider's sign-in page. The invitation being accepted, if any,
    travels in allauth's state (kept in the session, used once)."""
    allauth_provider = social_app(provider).get_provider(request)
    auth_params = {"login_hint": email} if email else {}
    return allauth_provider.redirect(
        request,
        "login",
        next_url=next_url,
        data={"invitation": invitation_token} if invitation_token else None,
        auth_params=auth_params,
    )
