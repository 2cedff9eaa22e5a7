"""People and sign-in in the operators' admin: an email-only account, no username. Operators
create accounts, set flags and deactivate people; a person's roles live in their networks
and are not shown here (operators see no network content).

The admin never shows nor accepts an authentication secret: no password field (an operator
sends a reset link to the person's own address instead), no way to change a person's
address (the person changes it, confirmed from the new address), no TOTP secret, recovery
code, session key or provider token, and an identity provider's client secret is write-only.
Every change made here is written to Django's admin log (LogEntry), shown read-only as
“Operator actions”."""

from __future__ import annotations

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import privacy
from accounts.identity import domain_of
from accounts.models import Erasure, IdentityProvider, OperatorAction, User, _domains
from common.admin import RecordedDeletions

for model in (Authenticator, SocialApp, SocialToken, SocialAccount, EmailAddress, UserSession):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

# django.contrib.auth's groups, with deletions recorded like every other admin's.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RecordedDeletions, DjangoGroupAdmin):
    pass


class PersonCreationForm(forms.ModelForm):
    """A new account has no password: the operator sends the person a reset link (or the
    person signs in through their agency's identity provider)."""

    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A person with this email address already exists."))
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class PersonChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "full_name",
            "job_title",
            "language",
            "time_zone",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        ]


@admin.register(User)
class UserAdmin(RecordedDeletions, DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    add_form_template = None
    change_password_form = None
    list_display = ["email", "full_name", "job_title", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    readonly_fields = ["email", "last_login", "date_joined", "erased_at"]
    actions = ["send_password_reset_link", "erase_personal_data"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("About the person"), {"fields": ["full_name", "job_title", "language", "time_zone"]}),
        (
            _("Platform access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined", "erased_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name"]})]

    def get_readonly_fields(self, request, obj=None):
        # The address is chosen when the account is made; after that only its owner changes
        # it, and the new one must be confirmed from its own mailbox.
        return self.readonly_fields if obj is not None else ["last_login", "date_joined"]

    def get_urls(self):
        # Not Django's "<id>/password/" page: nobody sets another person's password.
        return admin.ModelAdmin.get_urls(self)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting would erase the person's dated roles in their networks (and list them on
        # the confirmation page); operators deactivate instead.
        return False

    @admin.action(description=_("Send a password reset link to their own address"))
    def send_password_reset_link(self, request, queryset) -> None:
        sent = 0
        for user in queryset.filter(is_active=True):
            form = ResetPasswordForm({"email": user.email})
            if form.is_valid():
                form.save(request)
                self.log_change(request, user, gettext("Sent a password reset link."))
                sent += 1
        self.message_user(
            request,
            ngettext(
                "A reset link was sent to %(count)d person's own address.",
                "Reset links were sent to %(count)d people's own addresses.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Erase personal data (on the person's request)"))
    def erase_personal_data(self, request, queryset):
        """A confirmation page with the reason first; then accounts.privacy.person_erase.
        One person at a time, so that nobody erases a list by a slip of the hand."""
        people = list(queryset[:2])
        if len(people) != 1:
            self.message_user(request, gettext("Erase one person at a time."), messages.ERROR)
            return None
        person = people[0]
        if person.erased_at is not None:
            self.message_user(
                request, gettext("This person's data has already been erased."), messages.ERROR
            )
            return None
        form = ErasureForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                erasure = privacy.person_erase(
                    user=person, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(
                    request,
                    person,
                    gettext("Erased the person's personal data on request: %(reason)s")
                    % {"reason": erasure.reason},
                )
                self.message_user(
                    request,
                    gettext("The personal data is erased; the person is now “%(pseudonym)s”.")
                    % {"pseudonym": erasure.pseudonym},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Erase this person's personal data?"),
            "person": person,
            "preview": privacy.erasure_preview(person),
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/erase_confirmation.html", context)


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=privacy.MAX_REASON,
        help_text=_("The person's request: when and how they asked, and its reference."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(Erasure)
class ErasureAdmin(RecordedDeletions):
    """Who was erased (by pseudonym), why, when and by which operator. Read only."""

    list_display = ["erased_at", "pseudonym", "erased_by", "reason"]
    search_fields = ["pseudonym", "reason"]
    fields = ["pseudonym", "reason", "erased_by", "erased_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class IdentityProviderForm(forms.ModelForm):
    issuer = forms.URLField(
        label=_("issuer"),
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer").help_text,
    )
    new_client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "slug",
            "organisation",
            "domains",
            "issuer",
            "client_id",
            "new_client_secret",
            "password_sign_in",
            "mfa_amr_values",
            "mfa_acr_values",
            "is_active",
        ]

    def clean_domains(self) -> str:
        domains = _domains(self.cleaned_data["domains"])
        if not domains:
            raise forms.ValidationError(_("Give at least one email domain, e.g. “undp.org”."))
        for domain in domains:
            if "." not in domain or domain_of("x@" + domain) != domain or "/" in domain:
                raise forms.ValidationError(
                    _("“%(domain)s” is not an email domain."), params={"domain": domain}
                )
        others = IdentityProvider.objects.exclude(pk=self.instance.pk)
        for other in others:
            taken = sorted(set(domains) & set(other.domain_list))
            if taken:
                raise forms.ValidationError(
                    _("%(domains)s already belongs to %(provider)s."),
                    params={"domains": ", ".join(taken), "provider": other.name},
                )
        return "\n".join(domains)

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].rstrip("/")
        if not issuer.startswith("https://") and not issuer.startswith("http://127.0.0.1"):
            raise forms.ValidationError(_("The issuer must be an https:// address."))
        return issuer

    def clean(self):
        data = super().clean()
        if not self.instance.client_secret and not data.get("new_client_secret"):
            self.add_error("new_client_secret", _("Give the client secret."))
        return data

    def save(self, commit=True):
        provider = super().save(commit=False)
        if self.cleaned_data.get("new_client_secret"):
            provider.set_client_secret(self.cleaned_data["new_client_secret"])
        if commit:
            provider.save()
        return provider


@admin.register(IdentityProvider)
class IdentityProviderAdmin(RecordedDeletions):
    form = IdentityProviderForm
    list_display = ["name", "slug", "domain_summary", "password_sign_in", "is_active"]
    list_filter = ["is_active", "password_sign_in"]
    search_fields = ["name", "slug", "domains", "client_id"]
    readonly_fields = ["secret_set_at", "created_at"]

    @admin.display(description=_("email domains"))
    def domain_summary(self, obj: IdentityProvider) -> str:
        return ", ".join(obj.domain_list)


@admin.register(Authenticator)
class AuthenticatorAdmin(RecordedDeletions):
    """Who has which second factor, and when it was last used; never its secret. Removing
    one (a lost phone) makes the person set up a new one at their next sign-in."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OperatorAction)
class OperatorActionAdmin(RecordedDeletions):
    """Django's admin log: every addition, change, deletion and action made in this admin,
    by whom and when. Nobody edits or deletes it here."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "user__email"]
    date_hierarchy = "action_time"

    @admin.display(description=_("change"))
    def change(self, obj: LogEntry) -> str:
        return obj.get_change_message()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
