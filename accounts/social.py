"""allauth's social accounts, for the agencies' identity providers only: the apps come from
accounts.IdentityProvider, nobody signs up through a provider (an invitation makes the
account), and a provider is believed only for the email domains it speaks for."""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.identity import domain_of, social_app
from accounts.models import IdentityProvider

VERIFIED = {True, "true", "1"}


def refuse(request, message: str, *, status: int = 403):
    return ImmediateHttpResponse(
        render(request, "accounts/sign_in_refused.html", {"message": message}, status=status)
    )


def id_token_claims(sociallogin) -> dict:
    return (sociallogin.account.extra_data or {}).get("id_token") or {}


def claims_of(sociallogin) -> dict:
    extra = sociallogin.account.extra_data or {}
    return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}


def identity_provider_of(sociallogin) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(
        slug=sociallogin.account.provider, is_active=True
    ).first()


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        rows = IdentityProvider.objects.filter(is_active=True)
        if provider and provider != "openid_connect":
            rows = rows.filter(slug=provider)
        if client_id:
            rows = rows.filter(client_id=client_id)
        return [social_app(row) for row in rows]

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        extra_context = extra_context or {}
        name = getattr(provider, "name", "") or _("your organisation")
        if "state_id" in extra_context:
            message = _(
                "This sign-in through %(provider)s was already used or has expired. Start "
                "again from the sign-in page."
            ) % {"provider": name}
        elif error == "cancelled":
            message = _("You cancelled the sign-in at %(provider)s.") % {"provider": name}
        else:
            cause = getattr(exception, "__cause__", None)
            reason = type(cause).__name__ if cause is not None else ""
            if reason == "ExpiredSignatureError":
                message = _(
                    "%(provider)s answered with an expired sign-in. Check that your device's "
                    "clock is right and start again."
                ) % {"provider": name}
            elif reason == "InvalidAudienceError":
                message = _(
                    "%(provider)s answered with a sign-in meant for another application, so "
                    "it was refused. Tell the platform operators."
                ) % {"provider": name}
            else:
                message = _(
                    "The sign-in through %(provider)s did not succeed. Start again; if it "
                    "keeps failing, tell the platform operators."
                ) % {"provider": name}
        raise refuse(request, message, status=400)

    def pre_social_login(self, request, sociallogin) -> None:
        provider = identity_provider_of(sociallogin)
        if provider is None:
            raise refuse(request, _("This identity provider is not set up in the portal."))
        if sociallogin.state.get("process") == "connect":
            raise refuse(
                request,
                _("Sign out, then sign in through %(provider)s: the accounts are joined then.")
                % {"provider": provider.name},
            )
        claims = claims_of(sociallogin)
        email = str(claims.get("email") or "").strip().lower()
        if not email:
            raise refuse(
                request,
                _("%(provider)s did not tell the portal your email address.")
                % {"provider": provider.name},
            )
        domain = domain_of(email)
        if domain not in provider.domain_list:
            raise refuse(
                request,
                _(
                    "%(provider)s signed you in as %(email)s, but it does not speak for "
                    "%(domain)s addresses in this portal. Sign in with your own "
                    "organisation's account."
                )
                % {"provider": provider.name, "email": email, "domain": domain},
            )
        if claims.get("email_verified") not in VERIFIED and claims.get("xms_edov") not in VERIFIED:
            raise refuse(
                request,
                _("%(provider)s has not verified the address %(email)s.")
                % {"provider": provider.name, "email": email},
            )
        token = ((sociallogin.state.get("data") or {}) or {}).get("invitation", "")
        if token:
            self._accept_invitation(request, sociallogin, provider, token, email, claims)
            return
        if sociallogin.is_existing:
            return
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise refuse(
                request,
                _(
                    "There is no account for %(email)s in the portal. The secretariat of your "
                    "network invites you: open the link in their email."
                )
                % {"email": email},
            )
        sociallogin.connect(request, user)

    def _accept_invitation(self, request, sociallogin, provider, token, email, claims) -> None:
        from django.core.exceptions import ValidationError

        from networks import services as network_services

        invitation = network_services.invitation_for_token(token)
        if invitation is None:
            raise refuse(request, _("This invitation link is not valid."))
        if email != invitation.email.lower():
            raise refuse(
                request,
                _(
                    "%(provider)s signed you in as %(email)s, but the invitation is for "
                    "%(invited)s. Sign in there with that account."
                )
                % {"provider": provider.name, "email": email, "invited": invitation.email},
            )
        User = get_user_model()
        existing = User.objects.filter(email__iexact=email).first()
        if sociallogin.is_existing and existing is not None and sociallogin.user.pk != existing.pk:
            raise refuse(request, _("This identity already belongs to another account."))
        try:
            with transaction.atomic():
                user = network_services.invitation_accept(
                    token=token, user=existing, full_name=str(claims.get("name") or "")
                )
                if existing is None:
                    # Signs in through the provider only: no portal password at all.
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                if not sociallogin.is_existing:
                    sociallogin.connect(request, user)
        except ValidationError as error:
            raise refuse(request, " ".join(error.messages), status=409) from error
        request.session["_portal_welcome"] = invitation.network_id
