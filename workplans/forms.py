from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.widgets import IdsChoiceField
from networks.models import Organisation, Participation, UNSDCFOutcome, WorkingGroup
from reference.models import GCMObjective, GuidingPrinciple, SDGTarget
from workplans.models import MARKERS, Activity
from workplans.services import ActivityData, money

AMOUNT_HELP = _("US dollars, e.g. 25000.00")


class WorkplanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    years = forms.TypedChoiceField(
        label=_("Length"), coerce=int, choices=[(1, _("One year")), (2, _("Two years"))]
    )
    working_group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        empty_label=_("— the network's own workplan —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = WorkingGroup.objects.filter(
            closed_at__isnull=True
        ).order_by("name")


class CodeTitleForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=300)


class AmountField(forms.CharField):
    """A non-negative amount in USD; the same rule as the import and the API."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", AMOUNT_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return money("0", "amount")
        try:
            return money(value, "amount")
        except ValidationError as error:
            raise ValidationError(error.message_dict["amount"]) from None


def _organisations():
    taking_part = Participation.objects.active().values("organisation_id")
    return Organisation.objects.filter(pk__in=taking_part).order_by("acronym", "name")


class ActivityForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none()
    )
    participating_organisations = IdsChoiceField(
        label=_("Participating organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    quarters = forms.MultipleChoiceField(
        label=_("Runs in"), required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    budget_required = AmountField(label=_("Budget required (USD)"), required=False)
    budget_available = AmountField(label=_("Budget available (USD)"), required=False)
    budget_spent = AmountField(label=_("Spent to date (USD)"), required=False)
    geographic_scope = forms.CharField(label=_("Geographic scope"), max_length=200, required=False)
    gcm_objectives = IdsChoiceField(
        label=_("GCM objectives"),
        queryset=GCMObjective.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    guiding_principles = IdsChoiceField(
        label=_("Guiding principles"),
        queryset=GuidingPrinciple.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    sdg_targets = IdsChoiceField(
        label=_("SDG targets"),
        queryset=SDGTarget.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    unsdcf_outcomes = IdsChoiceField(
        label=_("UNSDCF outcomes"),
        queryset=UNSDCFOutcome.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    gender_marker = forms.TypedChoiceField(
        label=_("Gender equality marker"), coerce=int, choices=MARKERS, initial=0
    )
    human_rights_marker = forms.TypedChoiceField(
        label=_("Human rights marker"), coerce=int, choices=MARKERS, initial=0
    )

    def __init__(self, *args, workplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = _organisations()
        self.fields["participating_organisations"].queryset = _organisations()
        self.fields["unsdcf_outcomes"].queryset = UNSDCFOutcome.objects.all()
        self.fields["quarters"].choices = [(q, q) for q in workplan.quarters]

    def activity_data(self) -> ActivityData:
        data = self.cleaned_data
        return ActivityData(
            code=data["code"],
            title=data["title"],
            description=data["description"],
            lead_organisation=data["lead_organisation"],
            participating_organisations=list(data["participating_organisations"]),
            quarters=list(data["quarters"]),
            status=data["status"],
            budget_required=data["budget_required"],
            budget_available=data["budget_available"],
            budget_spent=data["budget_spent"],
            geographic_scope=data["geographic_scope"],
            gcm_objectives=list(data["gcm_objectives"]),
            guiding_principles=list(data["guiding_principles"]),
            sdg_targets=list(data["sdg_targets"]),
            unsdcf_outcomes=list(data["unsdcf_outcomes"]),
            gender_marker=data["gender_marker"],
            human_rights_marker=data["human_rights_marker"],
        )

    @staticmethod
    def initial_from(activity: Activity) -> dict:
        return {
            "code": activity.code,
            "title": activity.title,
            "description": activity.description,
            "lead_organisation": activity.lead_organisation_id,
            "participating_organisations": [
                o.pk for o in activity.participating_organisations.all()
            ],
            "quarters": list(activity.quarters),
            "status": activity.status,
            "budget_required": activity.budget_required,
            "budget_available": activity.budget_available,
            "budget_spent": activity.budget_spent,
            "geographic_scope": activity.geographic_scope,
            "gcm_objectives": [o.pk for o in activity.gcm_objectives.all()],
            "guiding_principles": [p.pk for p in activity.guiding_principles.all()],
            "sdg_targets": [t.pk for t in activity.sdg_targets.all()],
            "unsdcf_outcomes": [o.pk for o in activity.unsdcf_outcomes.all()],
            "gender_marker": activity.gender_marker,
            "human_rights_marker": activity.human_rights_marker,
        }


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=2, initial=0)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)


class UpdateForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    narrative = forms.CharField(
        label=_("Progress this quarter"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    spent_to_date = AmountField(label=_("Spent to date (USD)"))

    def __init__(self, *args, activity, quarters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q, q) for q in quarters]
        self.indicators = list(activity.indicators.all())
        for indicator in self.indicators:
            label = indicator.name + (f" ({indicator.unit})" if indicator.unit else "")
            self.fields[f"actual_{indicator.pk}"] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=14,
                decimal_places=2,
                help_text=_("Baseline %(baseline)s, target %(target)s")
                % {"baseline": indicator.baseline, "target": indicator.target},
            )

    def actuals(self) -> dict:
        return {
            indicator.pk: self.cleaned_data.get(f"actual_{indicator.pk}")
            for indicator in self.indicators
        }


class EndorseForm(forms.Form):
    """The SHA-256 of the plan as the co-chair read it on its page: an endorsement of a plan
    that changed since is refused."""

    content_sha256 = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": _("Open the workplan's page and endorse it from there.")},
    )


class ChaseForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args, quarters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q, q) for q in quarters]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workplan file (XLSX)"))
