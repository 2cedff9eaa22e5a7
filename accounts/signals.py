"""What a sign-in writes into its session: when it happened (the session's absolute
lifetime, accounts.middleware) and whether the identity provider proved a second factor; and
a new person's address, recorded as verified in allauth's table."""

from __future__ import annotations

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from accounts import middleware
from accounts.identity import IDP_MFA_SESSION_KEY
from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

# A personal access token authenticated its first request of the day (UTC): `token`, `request`.
# Sent by accounts.api.authentication; the audit trail records it.
access_token_used = Signal()


@receiver(user_logged_in, dispatch_uid="portal-session-signed-in-at")
def session_signed_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = middleware._now()
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


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal-verified-address")
def verified_address(sender, instance, created, raw=False, **kwargs) -> None:
    """A person's own address (the one invited, or given by an operator) is their verified,
    primary address in allauth's table, so that changing it goes through allauth's
    confirmation: the new one replaces it only once confirmed from its own mailbox."""
    if raw or not created or not instance.email:
        return
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=instance,
        email=instance.email.lower(),
        defaults={"verified": True, "primary": True},
    )


@receiver([post_save, post_delete], sender="accounts.IdentityProvider")
def forget_provider_origins(**kwargs) -> None:
    """The pages' CSP lists the providers' origins as form targets (accounts.middleware)."""
    from django.core.cache import cache

    from accounts.middleware import PROVIDER_ORIGINS_KEY

    cache.delete(PROVIDER_ORIGINS_KEY)
