"""The operators' admin (/operators/): platform staff manage regions, networks and the shared
organisations. Nothing a network owns (memberships, working groups, invitations, documents…)
is registered here: operators see no network content unless they hold a role in a network.

Tenant rows are touched only through networks.services (creating a network's first
secretariat invitation). Deleting is switched off where the confirmation page would list a
network's content, or destroy its history.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from networks import services, signoff
from networks.models import (
    LANGUAGE_CHOICES,
    Network,
    Organisation,
    Participation,
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
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RegionalViewerInline]


class NetworkForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("working languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
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


class NetworkAddForm(NetworkForm):
    """Creating a network can also invite its first secretariat officer."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        iom = Organisation.objects.filter(acronym="IOM").first()
        if iom is not None:
            self.fields["secretariat_organisation"].initial = iom.pk

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("secretariat_email") and not cleaned.get("secretariat_organisation"):
            self.add_error(
                "secretariat_organisation",
                gettext("Choose the organisation the secretariat officer works for."),
            )
        return cleaned


NETWORK_FIELDSETS = [
    (None, {"fields": ["name", "slug", "code", "country", "region", "time_zone", "languages"]}),
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
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "code", "country", "region", "meeting_cadence", "created_at"]
    list_filter = ["region", "meeting_cadence"]
    search_fields = ["name", "slug", "code", "country"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ["country"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = NetworkForm if obj is not None else NetworkAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return NETWORK_FIELDSETS
        return [
            *NETWORK_FIELDSETS,
            (
                _("First secretariat officer (optional)"),
                {"fields": ["secretariat_email", "secretariat_name", "secretariat_organisation"]},
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
            with network_scope(obj):
                signoff.rules_set(network=obj, by=request.user, rules=form.signoff_rules())
            return
        network = services.network_create(
            name=obj.name,
            slug=obj.slug,
            code=obj.code,
            country=obj.country,
            time_zone=obj.time_zone,
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
        email = form.cleaned_data.get("secretariat_email")
        if email:
            self._invite_secretariat(request, network, form, email)

    def _invite_secretariat(self, request, network, form, email: str) -> None:
        organisation = form.cleaned_data["secretariat_organisation"]
        with network_scope(network):
            taking_part = Participation.objects.active().filter(organisation=organisation).exists()
        if not taking_part:
            services.participation_add(
                network=network, organisation=organisation, type=Participation.Type.MEMBER
            )
        _invitation, token = services.invitation_create(
            network=network,
            email=email,
            organisation=organisation,
            role=Role.SECRETARIAT,
            invited_by=request.user,
            full_name=form.cleaned_data.get("secretariat_name", ""),
        )
        link = request.build_absolute_uri(f"/accounts/invitations/{token}/")
        messages.warning(
            request,
            gettext(
                "Invitation for %(email)s as secretariat of %(organisation)s: %(link)s — copy "
                "it now, it is shown only once. It works once and expires in %(days)s days."
            )
            % {
                "email": email,
                "organisation": organisation,
                "link": link,
                "days": settings.PORTAL_INVITATION_DAYS,
            },
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # The confirmation page would list the networks' participations and memberships.
        return False
