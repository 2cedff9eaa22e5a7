"""Networks (the tenants), organisations, and who takes part in which network as what.

Platform-level tables (Network, Region, Organisation) are not tenant-owned. Everything that
belongs to one network inherits `NetworkOwned`: it carries its network and cannot be queried
without entering one (see networks.scoping).
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from networks.roles import MEMBERSHIP_ROLES
from networks.scoping import NetworkOwned, NetworkScopedManager, NetworkScopedQuerySet


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_languages(value: list) -> None:
    known = {code for code, _name in LANGUAGE_CHOICES}
    if not isinstance(value, list) or not value or any(code not in known for code in value):
        raise ValidationError(_("Choose one or more working languages from the list."))


LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("ky", _("Kyrgyz")),
    ("mn", _("Mongolian")),
    ("be", _("Belarusian")),
    ("sq", _("Albanian")),
    ("sr", _("Serbian")),
]


class ActiveMixin:
    """For rows with a `started_at` / `ended_at` history: those in force at `at` (now)."""

    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(Q(started_at__lte=at), Q(ended_at__isnull=True) | Q(ended_at__gt=at))


class PlatformDatedQuerySet(ActiveMixin, models.QuerySet):
    pass


class Region(models.Model):
    """A group of networks a regional viewer sees (e.g. Europe and Central Asia)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")

    def __str__(self) -> str:
        return self.name


class Network(models.Model):
    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        BIMONTHLY = "bimonthly", _("Every two months")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Every six months")

    class ApprovalRule(models.TextChoices):
        ALL_CO_CHAIRS = "all_co_chairs", _("All co-chairs approve")
        ANY_CO_CHAIR = "any_co_chair", _("Any one co-chair approves")

    name = models.CharField(_("name"), max_length=200)
    # The network's own names in Russian, for the pages, mails and PDFs read in Russian; empty:
    # the name above (and, for the UN team and coordinator, the portal's Russian of the
    # default English title).
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)
    slug = models.SlugField(_("short name"), unique=True, max_length=60)
    code = models.CharField(
        _("register code"),
        max_length=8,
        unique=True,
        help_text=_("Prefix of the decision register numbers, e.g. KGZ."),
    )
    country = models.CharField(_("country or territory"), max_length=120)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="networks",
        null=True,
        blank=True,
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    # Empty: the city of the time zone ("Asia/Bishkek" reads "Bishkek time"). Kosovo's zone
    # is Europe/Belgrade, and its people read "Pristina time", never the zone's identifier.
    time_zone_name = models.CharField(
        _("name of the local time"),
        max_length=60,
        blank=True,
        help_text=_(
            "As the network's people say it, e.g. “Pristina time”; every time shown carries "
            "it with its UTC offset. Empty: the city of the time zone, e.g. “Bishkek time”."
        ),
    )
    languages = models.JSONField(
        _("working languages"), default=list, validators=[validate_languages]
    )
    meeting_cadence = models.CharField(
        _("meeting cadence"), max_length=16, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    minutes_approval_rule = models.CharField(
        _("approval of minutes"),
        max_length=16,
        choices=ApprovalRule.choices,
        default=ApprovalRule.ALL_CO_CHAIRS,
    )
    national_policy = models.CharField(
        _("national policy it aligns to"), max_length=300, blank=True
    )
    designation_footnote = models.TextField(
        _("designation footnote"),
        blank=True,
        help_text=_("Shown on every page and PDF of this network."),
    )
    un_team_name = models.CharField(
        _("name of the UN team"), max_length=120, default="UN Country Team"
    )
    un_team_name_ru = models.CharField(
        _("name of the UN team in Russian"), max_length=120, blank=True
    )
    coordinator_title = models.CharField(
        _("title of the UN coordinator"), max_length=120, default="Resident Coordinator"
    )
    coordinator_title_ru = models.CharField(
        _("title of the UN coordinator in Russian"), max_length=120, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    # What a person reads, in the active language (a page, or a mail or PDF rendered in its
    # recipient's language).
    @property
    def label(self) -> str:
        return self._in_language("name")

    @property
    def un_team_label(self) -> str:
        return self._in_language("un_team_name")

    @property
    def coordinator_label(self) -> str:
        return self._in_language("coordinator_title")

    def _in_language(self, field: str) -> str:
        value: str = getattr(self, field)
        if not (get_language() or "").startswith("ru"):
            return value
        translated: str = getattr(self, f"{field}_ru")
        if translated:
            return translated
        # The default English titles have the portal's Russian.
        if value in DEFAULT_TITLES:
            return str(DEFAULT_TITLES[value])
        return value


# The defaults of `un_team_name` and `coordinator_title`, translated when a network keeps them.
DEFAULT_TITLES = {
    "UN Country Team": _("UN Country Team"),
    "Resident Coordinator": _("Resident Coordinator"),
}


class Organisation(models.Model):
    """Shared across networks: IOM takes part in all of them."""

    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        RCO = "rco", _("Resident Coordinator's Office")
        IFI = "ifi", _("International financial institution")
        GOVERNMENT = "government", _("Government body")
        CSO = "cso", _("Civil society organisation")
        DONOR = "donor", _("Donor")
        ACADEMIA = "academia", _("Academia")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=250, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["acronym", "name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.acronym or self.name

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class DatedQuerySet(ActiveMixin, NetworkScopedQuerySet):
    pass


class UNSDCFOutcome(NetworkOwned):
    """One outcome (or pillar) of the network's UN Sustainable Development Cooperation
    Framework, used to tag workplan activities."""

    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    period = models.CharField(_("framework period"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("UNSDCF outcome")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "code"], name="unsdcf_code_unique_per_network"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Participation(NetworkOwned):
    """An organisation taking part in a network. Ending it keeps the row (dated history)."""

    class Type(models.TextChoices):
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")
        EXTERNAL_PARTNER = "external_partner", _("External partner")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    type = models.CharField(_("participation"), max_length=20, choices=Type.choices)
    is_national_authority = models.BooleanField(_("national authority"), default=False)
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = NetworkScopedManager.from_queryset(DatedQuerySet)()

    class Meta:
        ordering = ["type", "organisation__acronym", "organisation__name"]
        verbose_name = _("participation")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                condition=Q(ended_at__isnull=True),
                name="one_open_participation_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(ended_at__isnull=True, is_national_authority=True),
                name="one_national_authority_per_network",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_type_display()}"


class Membership(NetworkOwned):
    """A person holding one role in a network on behalf of one organisation.

    One row per role; changing a role ends one row and starts another, so the history of who
    held what, and when, is kept. Ending takes effect on the person's next request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=MEMBERSHIP_ROLES)
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = NetworkScopedManager.from_queryset(DatedQuerySet)()

    class Meta:
        ordering = ["organisation__acronym", "user__full_name", "role"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "role"],
                condition=Q(ended_at__isnull=True),
                name="one_open_membership_per_role",
            ),
        ]
        indexes = [models.Index(fields=["user", "network"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"


class RegionalViewer(models.Model):
    """Sees the submitted reports and GCM coverage of the networks of one region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regional_roles"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="viewers")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager.from_queryset(PlatformDatedQuerySet)()

    class Meta:
        verbose_name = _("regional viewer")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=Q(ended_at__isnull=True),
                name="one_open_regional_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.region}"


class WorkingGroup(NetworkOwned):
    class Kind(models.TextChoices):
        PERMANENT = "permanent", _("Permanent")
        AD_HOC = "ad_hoc", _("Ad hoc")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERMANENT)
    mandate = models.TextField(_("mandate"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead organisation"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="working_group_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class WorkingGroupMember(NetworkOwned):
    """A person in a working group; external partners of the network may be included."""

    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_open_working_group_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.working_group_id}"


class Invitation(NetworkOwned):
    """An emailed invitation into a role and organisation. Works once; expires after
    PORTAL_INVITATION_DAYS. Only the SHA-256 of the link's token is stored."""

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=MEMBERSHIP_ROLES)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.email} → {self.get_role_display()}"


class SignoffRule(NetworkOwned):
    """Who must sign one kind of record in this network: any one co-chair, or every co-chair
    in office. A network without a row for a kind follows the default of that kind
    (networks.signoff.DEFAULTS). The minutes' rule is `Network.minutes_approval_rule` itself,
    so it has no row here."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        STATEMENT = "statement", _("Joint statement")
        REPORT = "report", _("Quarterly report")
        WORKPLAN = "workplan", _("Workplan endorsement")

    kind = models.CharField(_("record"), max_length=12, choices=Kind.choices)
    rule = models.CharField(_("who signs"), max_length=16, choices=Network.ApprovalRule.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sign-off rule")
        constraints = [
            models.UniqueConstraint(fields=["network", "kind"], name="one_signoff_rule_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_rule_display()}"
