"""The operators' admin (/operators/): platform staff manage regions, networks and the shared
organisations. Nothing a network owns (memberships, working groups, invitations, documents…)
is registered here: operators see no network content unless they hold a role in a network.

Tenant rows are touched only through networks.services: inviting a network's first
secretariat officer and its first co-chair, as the platform operator (`as_operator=True`),
which the services allow only while the network has nobody in that role — after that the
secretariat and a serving co-chair invite their successors. The invitation records the
operator who made it, and the membership it starts too. Deleting is switched off where the
confirmation page would list a network's content, or destroy its history.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.admin import RecordedDeletions
from networks import services, signoff
from networks.models import (
    LANGUAGE_CHOICES,
    Membership,
    Network,
    Organisation,
    Region,
    RegionalViewer,
)
from networks.roles import Role
from networks.scoping import network_scope

admin.site.site_header = _("Network Portal — platform operators")
admin.site.site_title = _("Network Portal operators")
admin.site.index_title = _("Platform administration")


class RegionalViewerInline(admin.TabularInline):
    model = RegionalViewer
    extra = 0
    can_delete = False  # end a regional role by dating it; the history stays
    fields = ["user", "started_at", "ended_at"]
    autocomplete_fields = ["user"]
    verbose_name_plural = _("regional viewers")


@admin.register(Region)
class RegionAdmin(RecordedDeletions):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RegionalViewerInline]


# The roles the operator may grant a network that has nobody in them, with the prefix of
# their fields on the network's form.
OPERATOR_INVITES = (("secretariat", Role.SECRETARIAT), ("co_chair", Role.CO_CHAIR))


class NetworkForm(forms.ModelForm):
    """The network's details; and, while it has no secretariat or no co-chair, the first
    one to invite (the admin shows those fields only then)."""

    languages = forms.MultipleChoiceField(
        label=_("working languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    secretariat_email = forms.EmailField(
        label=_("first secretariat officer: email"),
        required=False,
        help_text=_("They receive a one-time invitation link to set their password."),
    )
    secretariat_name = forms.CharField(
        label=_("first secretariat officer: full name"), required=False, max_length=200
    )
    secretariat_organisation = forms.ModelChoiceField(
        label=_("first secretariat officer: organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Usually IOM, the network's coordinator and secretariat."),
    )
    co_chair_email = forms.EmailField(
        label=_("first co-chair: email"),
        required=False,
        help_text=_("They receive a one-time invitation link to set their password."),
    )
    co_chair_name = forms.CharField(
        label=_("first co-chair: full name"), required=False, max_length=200
    )
    co_chair_organisation = forms.ModelChoiceField(
        label=_("first co-chair: organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_(
            "Usually the Resident Coordinator's Office. Once they serve, the co-chairs invite "
            "the next co-chair themselves."
        ),
    )

    class Meta:
        model = Network
        fields = [
            "name",
            "slug",
            "code",
            "country",
            "region",
            "time_zone",
            "time_zone_name",
            "languages",
            "meeting_cadence",
            "minutes_approval_rule",
            "national_policy",
            "un_team_name",
            "coordinator_title",
            "designation_footnote",
        ]

    # Who signs the other kinds of record (the minutes: `minutes_approval_rule` above).
    signoff_agenda = forms.ChoiceField(
        label=_("sign-off of agendas"), choices=Network.ApprovalRule.choices, required=False
    )
    signoff_statement = forms.ChoiceField(
        label=_("clearance of joint statements"),
        choices=Network.ApprovalRule.choices,
        required=False,
    )
    signoff_report = forms.ChoiceField(
        label=_("submission of quarterly reports"),
        choices=Network.ApprovalRule.choices,
        required=False,
    )
    signoff_workplan = forms.ChoiceField(
        label=_("endorsement of workplans"), choices=Network.ApprovalRule.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            with network_scope(self.instance):
                rules = signoff.rules_of(self.instance)
        else:
            rules = {kind: signoff.DEFAULTS.get(kind, signoff.ALL) for kind in signoff.KINDS}
        for kind, rule in rules.items():
            if f"signoff_{kind}" in self.fields:
                self.fields[f"signoff_{kind}"].initial = rule
        iom = Organisation.objects.filter(acronym="IOM").first()
        if iom is not None and "secretariat_organisation" in self.fields:
            self.fields["secretariat_organisation"].initial = iom.pk

    def signoff_rules(self) -> dict[str, str]:
        return {
            kind: self.cleaned_data[f"signoff_{kind}"]
            for kind in signoff.KINDS
            # Left empty (a script posting only the older fields): the kind keeps its rule.
            if self.cleaned_data.get(f"signoff_{kind}")
        }

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].strip().lower()

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        for prefix, _role in OPERATOR_INVITES:
            if cleaned.get(f"{prefix}_email") and not cleaned.get(f"{prefix}_organisation"):
                self.add_error(
                    f"{prefix}_organisation",
                    gettext("Choose the organisation this person works for."),
                )
        secretariat, co_chair = cleaned.get("secretariat_email"), cleaned.get("co_chair_email")
        if secretariat and co_chair and secretariat.lower() == co_chair.lower():
            self.add_error(
                "co_chair_email",
                gettext("One person cannot be both the secretariat and a co-chair of a network."),
            )
        return cleaned


NETWORK_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "name",
                "slug",
                "code",
                "country",
                "region",
                "time_zone",
                "time_zone_name",
                "languages",
            ]
        },
    ),
    (
        _("How the network works"),
        {"fields": ["meeting_cadence", "minutes_approval_rule", "national_policy"]},
    ),
    (
        _("Who signs"),
        {
            "fields": [
                "signoff_agenda",
                "signoff_statement",
                "signoff_report",
                "signoff_workplan",
            ]
        },
    ),
    (
        _("Local terms and designation"),
        {"fields": ["un_team_name", "coordinator_title", "designation_footnote"]},
    ),
]


@admin.register(Network)
class NetworkAdmin(RecordedDeletions):
    list_display = ["name", "slug", "code", "country", "region", "meeting_cadence", "created_at"]
    list_filter = ["region", "meeting_cadence"]
    search_fields = ["name", "slug", "code", "country"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ["country"]}
    form = NetworkForm

    def _vacant(self, obj) -> list[tuple[str, Role]]:
        """The roles the operator may still grant: those nobody serves in (as
        networks.services counts them: an active membership of a person who can sign in)."""
        if obj is None:
            return list(OPERATOR_INVITES)
        with network_scope(obj):
            held = set(
                Membership.objects.active()
                .filter(role__in=[role for _prefix, role in OPERATOR_INVITES])
                .filter(user__is_active=True)
                .values_list("role", flat=True)
            )
        return [(prefix, role) for prefix, role in OPERATOR_INVITES if role not in held]

    def get_fieldsets(self, request, obj=None):
        titles = {
            "secretariat": _("First secretariat officer (optional)"),
            "co_chair": _("First co-chair (optional, only while the network has none)"),
        }
        return [
            *NETWORK_FIELDSETS,
            *(
                (
                    titles[prefix],
                    {"fields": [f"{prefix}_email", f"{prefix}_name", f"{prefix}_organisation"]},
                )
                for prefix, _role in self._vacant(obj)
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        # Decision register numbers carry the code: it cannot change once issued.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            network = obj
        else:
            network = services.network_create(
                name=obj.name,
                slug=obj.slug,
                code=obj.code,
                country=obj.country,
                time_zone=obj.time_zone,
                time_zone_name=obj.time_zone_name,
                languages=obj.languages,
                region=obj.region,
                meeting_cadence=obj.meeting_cadence,
                minutes_approval_rule=obj.minutes_approval_rule,
                designation_footnote=obj.designation_footnote,
                national_policy=obj.national_policy,
                un_team_name=obj.un_team_name,
                coordinator_title=obj.coordinator_title,
            )
            obj.pk = network.pk
            obj.refresh_from_db()
            obj._state.adding = False
        with network_scope(network):
            signoff.rules_set(network=network, by=request.user, rules=form.signoff_rules())
        for prefix, role in self._vacant(network):
            email = form.cleaned_data.get(f"{prefix}_email")
            if email:
                self._invite(request, network, form, prefix=prefix, role=role, email=email)

    def _invite(self, request, network, form, *, prefix: str, role: Role, email: str) -> None:
        organisation = form.cleaned_data[f"{prefix}_organisation"]
        try:
            # As the operator: the service allows it only while nobody holds the role, and
            # records who invited (the membership, once accepted, too).
            _invitation, token = services.first_holder_invite(
                network=network,
                email=email,
                organisation=organisation,
                role=role,
                operator=request.user,
                full_name=form.cleaned_data.get(f"{prefix}_name", ""),
            )
        except ValidationError as error:
            messages.error(
                request,
                gettext("No invitation for %(email)s: %(reason)s")
                % {"email": email, "reason": " ".join(error.messages)},
            )
            return
        link = request.build_absolute_uri(reverse("invitation-accept", kwargs={"token": token}))
        messages.warning(
            request,
            gettext(
                "Invitation for %(email)s as %(role)s of %(organisation)s: %(link)s — copy "
                "it now, it is shown only once. It works once and expires in %(days)s days."
            )
            % {
                "email": email,
                "role": role.label,
                "organisation": organisation,
                "link": link,
                "days": settings.PORTAL_INVITATION_DAYS,
            },
        )


@admin.register(Organisation)
class OrganisationAdmin(RecordedDeletions):
    # A website typed without a scheme is https (Django 6's default, and the web's).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["acronym", "name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # The confirmation page would list the networks' participations and memberships.
        return False
