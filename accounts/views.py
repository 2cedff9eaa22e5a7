"""A person's own account: signing in, profile, personal access tokens, and accepting an
invitation."""

from __future__ import annotations

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import UpdateView

from accounts import services
from accounts.forms import AccessTokenForm, InvitationAcceptForm, ProfileForm
from accounts.models import AccessToken
from networks import services as network_services


class LoginView(AllauthLoginView):
    """allauth's sign-in. When allauth refuses an attempt because of too many failed ones
    (ACCOUNT_RATE_LIMITS["login_failed"]), the page says so and answers 429 Too Many
    Requests, like allauth's other rate limits, rather than 200."""

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
        context = {
            "invitation": invitation,
            "problem": problem,
            "existing": existing,
            "form": form
            or (
                None
                if existing
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
        existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
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
            _("Welcome to %(network)s.") % {"network": invitation.network.name},
        )
        return redirect("networks:home", network=invitation.network.slug)
