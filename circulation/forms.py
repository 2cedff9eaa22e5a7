from django import forms
from django.utils.translation import gettext_lazy as _

from circulation.models import MailPreference


class MailPreferenceForm(forms.Form):
    optional_mail = forms.ChoiceField(
        label=_("Documents, reminders and reports"),
        choices=MailPreference.Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Agendas, minutes and consultations always reach you at once."),
    )
