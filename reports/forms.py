from django import forms
from django.utils.translation import gettext_lazy as _

from common import quarters
from reports.services import MAX_NARRATIVE, MAX_REASON


class OpenForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args, quarters: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(label, label) for label in quarters]

    def year_and_quarter(self) -> tuple[int, int]:
        return quarters.parse_label(self.cleaned_data["quarter"])


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=MAX_NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What the network did and achieved in the quarter, in the secretariat's words."
        ),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class SubmitForm(forms.Form):
    # The SHA-256 of the figures and narrative the co-chair read: a signature on anything
    # else is refused (the report changed since the page was opened).
    content_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(
        label=_("Reason for the resubmission"),
        required=False,
        max_length=MAX_REASON,
        help_text=_("Needed when the report was submitted before; the earlier version is kept."),
    )
