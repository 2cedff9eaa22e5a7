from django import forms
from django.utils.translation import gettext_lazy as _

from networks.models import Organisation, Participation
from networks.roles import MEMBERSHIP_ROLES


class MembershipEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Kept in the membership history, e.g. “left the agency”."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MEMBERSHIP_ROLES,
        error_messages={
            "invalid_choice": _(
                "Choose one of the roles offered: a serving co-chair grants the co-chair "
                "role, the secretariat every other."
            )
        },
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the roles this person may grant (networks.roles.grantable_roles).
        if roles is not None:
            self.fields["role"].choices = roles
        # Only organisations taking part in the entered network.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=Participation.objects.active().values("organisation_id")
        ).order_by("acronym", "name")


class SignoffRulesForm(forms.Form):
    """One choice per kind of record: any one co-chair, or every co-chair in office."""

    def __init__(self, *args, kinds=None, **kwargs):
        from networks.models import Network

        super().__init__(*args, **kwargs)
        for kind, label in (kinds or {}).items():
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Network.ApprovalRule.choices, widget=forms.RadioSelect
            )
