from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import IdsChoiceField, local_datetime_field
from decisions.models import ActionPoint, Position, Procedure
from networks.models import Organisation, Participation
from reference.models import GCMObjective


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    concerns_state = forms.BooleanField(
        label=_("Concerns the state"),
        required=False,
        help_text=_("The national authority's position must be on record before adoption."),
    )
    gcm_objectives = IdsChoiceField(
        label=_("GCM objectives"),
        queryset=GCMObjective.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class ProcedureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Procedure"), choices=Procedure.Kind.choices)
    deadline = local_datetime_field(_("Deadline"))


class PositionForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("For"), coerce=int)
    stance = forms.ChoiceField(label=_("Position"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        help_text=_("Required to object or to break silence."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations=(), kind=Procedure.Kind.CONSULTATION, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.display_name) for o in organisations]
        stances = (
            [Position.Stance.CONCUR, Position.Stance.BREAK_SILENCE]
            if kind == Procedure.Kind.SILENCE
            else [Position.Stance.CONCUR, Position.Stance.OBJECT, Position.Stance.ABSTAIN]
        )
        self.fields["stance"].choices = [(s.value, s.label) for s in stances]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Procedure.Outcome.choices)
    statement = forms.CharField(
        label=_("Statement"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionForm(forms.Form):
    deadline = local_datetime_field(_("New deadline"))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ActionPointForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=500)
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner organisation"), queryset=Organisation.objects.none()
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give a date, e.g. 2026-12-31.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taking_part = Participation.objects.active().values("organisation_id")
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            pk__in=taking_part
        ).order_by("acronym", "name")


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionPoint.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SilenceForm(forms.Form):
    deadline = local_datetime_field(_("Deadline"))


class PublishForm(forms.Form):
    agreement = forms.CharField(
        label=_("Agreement to publish"),
        max_length=500,
        help_text=_("The decision or the co-chairs' act that allows it, e.g. KGZ-2026-004."),
    )


class ReviseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)
