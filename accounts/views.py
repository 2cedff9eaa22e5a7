"""A person's own account: signing in, profile, personal access tokens, and accepting an
invitation."""

from __future__ import annotations

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import UpdateView
from requests import RequestException

from accounts import services
from accounts.forms import AccessTokenForm, InvitationAcceptForm, ProfileForm
from accounts.identity import provider_for_email, start_sign_in
from accounts.models import AccessToken
from networks import services as network_services


def sign_in_at_provider(request, provider, **kwargs) -> HttpResponse:
    """The redirect to the agency's identity provider, or a page that says it cannot be
    reached."""
    try:
        return start_sign_in(request, provider, **kwargs)
    except (RequestException, OAuth2Error, ValueError, KeyError):
        message = _("%(provider)s cannot be reached at the moment. Try again in a few minutes.") % {
            "provider": provider.name
        }
        return render(request, "accounts/sign_in_refused.html", {"message": message}, status=502)


class LoginView(AllauthLoginView):
    """allauth's sign-in. An address whose domain has an identity provider (accounts.
    IdentityProvider) is sent there: always when the provider has switched password sign-in
    off, else when no password was typed. When allauth refuses an attempt because of too
    many failed ones (ACCOUNT_RATE_LIMITS["login_failed"]), the page says so and answers 429
    Too Many Requests, like allauth's other rate limits, rather than 200."""

    def post(self, request, *args, **kwargs):
        email = request.POST.get("login", "").strip()
        provider = provider_for_email(email) if "@" in email else None
        if provider is not None and (
            not provider.password_sign_in or not request.POST.get("password")
        ):
            return sign_in_at_provider(
                request, provider, email=email, next_url=get_next_redirect_url(request)
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        errors = form.errors.as_data().get(NON_FIELD_ERRORS, [])
        if any(error.code == "too_many_login_attempts" for error in errors):
            response.status_code = 429
        return response


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        translation.activate(form.instance.language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.instance.language, samesite="Lax")
        messages.success(self.request, _("Your profile is saved."))
        return response

    def get_success_url(self):
        return reverse("account-profile")


class AccessTokenListView(LoginRequiredMixin, View):
    template_name = "accounts/tokens.html"

    def get(self, request, form=None, created=None):
        tokens = AccessToken.objects.filter(user=request.user)
        return render(
            request,
            self.template_name,
            {"tokens": tokens, "form": form or AccessTokenForm(), "created": created},
        )

    def post(self, request):
        form = AccessTokenForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form)
        token, raw = services.access_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_on=form.cleaned_data["expires_on"],
        )
        # The secret is shown in this response only; it is stored hashed.
        return self.get(request, created={"token": token, "secret": raw})


class AccessTokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, token_id: int):
        token = get_object_or_404(AccessToken, pk=token_id, user=request.user)
        services.access_token_revoke(token=token)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("account-tokens")


class InvitationAcceptView(View):
    """The link in an invitation email. The token is the capability: it names one
    invitation, works once, and expires."""

    template_name = "accounts/invitation_accept.html"

    def dispatch(self, request, token: str):
        self.invitation = network_services.invitation_for_token(token)
        if self.invitation is None:
            # Says what is wrong with the link, and nothing about any network.
            return render(request, self.template_name, {"unknown": True}, status=404)
        self.token = token
        return super().dispatch(request, token)

    def render(self, request, form=None, status=200):
        invitation = self.invitation
        problem = network_services.invitation_problem(invitation)
        existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
        provider = provider_for_email(invitation.email)
        if provider is not None and not provider.password_sign_in:
            form = None
        context = {
            "identity_provider": provider,
            "invitation": invitation,
            "problem": problem,
            "existing": existing,
            "form": form
            or (
                None
                if existing or (provider is not None and not provider.password_sign_in)
                else InvitationAcceptForm(
                    email=invitation.email, initial={"full_name": invitation.full_name}
                )
            ),
            "signed_in_as_other": request.user.is_authenticated
            and request.user.email.lower() != invitation.email,
        }
        return render(request, self.template_name, context, status=410 if problem else status)

    def get(self, request, token):
        return self.render(request)

    def post(self, request, token):
        invitation = self.invitation
        if network_services.invitation_problem(invitation):
            return self.render(request)
        provider = provider_for_email(invitation.email)
        if provider is not None and request.POST.get("via") == "provider":
            # Accepted on the way back from the provider, by the identity it signs in
            # (accounts.social.PortalSocialAccountAdapter._accept_invitation).
            return sign_in_at_provider(
                request,
                provider,
                email=invitation.email,
                invitation_token=token,
                next_url=reverse("networks:home", kwargs={"network": invitation.network.slug}),
            )
        existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
        if provider is not None and not provider.password_sign_in:
            messages.error(
                request,
                _("Accept the invitation by signing in through %(provider)s.")
                % {"provider": provider.name},
            )
            return self.render(request, status=400)
        form = None
        if existing is None:
            form = InvitationAcceptForm(request.POST, email=invitation.email)
            if not form.is_valid():
                return self.render(request, form=form, status=400)
        elif not request.user.is_authenticated or request.user.pk != existing.pk:
            return self.render(request, status=403)
        try:
            with transaction.atomic():
                user = network_services.invitation_accept(
                    token=token,
                    user=existing,
                    full_name=form.cleaned_data["full_name"] if form else "",
                    password=form.cleaned_data["password1"] if form else "",
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render(request, form=form, status=409)
        if existing is None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to %(network)s.") % {"network": invitation.network.label},
        )
        return redirect("networks:home", network=invitation.network.slug)


def operators_login(request):
    """The operators' admin has no sign-in page of its own: operators sign in like everyone
    (allauth: the same rate limits, the same second factor), then come back."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_staff and request.user.is_active:
            return redirect(next_url)
        return render(request, "403.html", status=403)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
