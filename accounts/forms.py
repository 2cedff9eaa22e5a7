import zoneinfo

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessToken


def zone_choices() -> list[tuple[str, str]]:
    """Every place's zone ("Europe/London"), without the aliases and technical entries of
    the zone database."""
    places = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/", "US/"))
    )
    return [("", _("None: the network's time only")), ("UTC", "UTC")] + [(p, p) for p in places]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["full_name", "job_title", "language", "time_zone"]
        labels = {"time_zone": _("Your own time zone")}
        help_texts = {
            "language": _("The portal and its emails speak this language to you."),
            "time_zone": _(
                "Every time is shown in the network's own time; with a zone here, the pages "
                "also show your time beside it, e.g. “10:00 (Bishkek time, UTC+6) · 05:00 "
                "your time (London, UTC+1)”."
            ),
        }
        widgets = {"time_zone": forms.Select}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = zone_choices()
        current = self.instance.time_zone
        if current and current not in dict(choices):
            # An older zone name (an alias) stays choosable rather than silently lost.
            choices.append((current, current))
        self.fields["time_zone"].widget.choices = choices

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value and value not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                _("“%(value)s” is not a known time zone."), params={"value": value}
            )
        return value


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “RCO quarterly pull”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=AccessToken.Scope.choices, initial=AccessToken.Scope.READ
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that does not expire."),
    )

    def clean_expires_on(self):
        value = self.cleaned_data.get("expires_on")
        if value and value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return value


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = get_user_model()(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
