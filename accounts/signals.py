"""What a sign-in writes into its session: when it happened (the session's absolute
lifetime, accounts.middleware) and whether the identity provider proved a second factor."""

from __future__ import annotations

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.identity import IDP_MFA_SESSION_KEY
from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT, _now


@receiver(user_logged_in, dispatch_uid="portal-session-signed-in-at")
def session_signed_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
    request.session.pop(IDP_MFA_SESSION_KEY, None)


@receiver(allauth_user_logged_in, dispatch_uid="portal-session-idp-mfa")
def session_idp_mfa(sender, request, user, sociallogin=None, **kwargs) -> None:
    if sociallogin is None:
        return
    from accounts.social import id_token_claims, identity_provider_of

    provider = identity_provider_of(sociallogin)
    if provider is not None and provider.proves_mfa(id_token_claims(sociallogin)):
        request.session[IDP_MFA_SESSION_KEY] = True
