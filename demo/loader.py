"""The demo: four real networks with invented people, and the loader `manage.py load_demo` runs.

Networks, member organisations, cadences, national authorities and policies follow the terms
of reference in the project's seed documents (seeds/INDEX.md); every person is invented.
Kosovo's terms of reference are not among the seeds: its member agencies here are a plausible
UN Kosovo Team line-up, not a quoted list.

Each network is built as it looks after years of use (demo.history): its people take part
from the day it was founded (`DemoNetwork.founded`), and its meetings, minutes, decisions,
procedures, workplan, reports, documents and mailings are made through the services, each at
the moment it would have happened (demo.clock), relative to the day the loader runs.

Loading is idempotent: every row is looked up by its natural key first, and a network that
has its history keeps it, so a second run changes nothing and creates nothing. A network left
by an earlier version of the loader (its people taking part only since the day it was loaded,
and no history) is refused with a clear message: reset the database and load again.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from demo import history
from demo.clock import clock_at, real_now
from networks import services
from networks.models import (
    Membership,
    Network,
    Organisation,
    Participation,
    Region,
    RegionalViewer,
    UNSDCFOutcome,
    WorkingGroup,
    WorkingGroupMember,
)
from networks.organisations import UN_SYSTEM, Org, organisation_get_or_create
from networks.roles import Role
from networks.scoping import network_scope

DEFAULT_PASSWORD = "demo-portal-2026"

Kind = Organisation.Kind


def demo_password() -> str:
    """The password of every demo login: DEMO_PASSWORD when set, else the documented one."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


@dataclass(frozen=True)
class Person:
    """One demo person. `login` names the documented logins (`<login>@<slug>.example.org`);
    other people get `<first>.<last>@<slug>.example.org`."""

    full_name: str
    organisation: str  # an acronym of UN_SYSTEM, or "RCO", "AUTH" or an external partner's
    role: Role
    job_title: str
    login: str = ""
    working_group: bool = False

    def email(self, slug: str) -> str:
        if self.login:
            return f"{self.login}@{slug}.example.org"
        local = ".".join(part.lower() for part in self.full_name.split())
        local = local.translate(str.maketrans("ćčšžëçğıöüāēūīŋ", "ccszecgiouaeuin"))
        return f"{local}@{slug}.example.org"


@dataclass(frozen=True)
class DemoNetwork:
    slug: str
    name: str
    code: str
    country: str
    region: str
    time_zone: str
    languages: list[str]
    cadence: str
    rco: Org
    national_authority: Org
    members: list[str]  # acronyms of UN_SYSTEM, in the order of the ToR (the RCO is added)
    people: list[Person]
    working_group: tuple[str, str, str]  # name, kind, mandate
    founded: date  # the day its people start taking part (local)
    national_policy: str = ""
    external_partners: list[Org] = field(default_factory=list)
    designation_footnote: str = ""
    un_team_name: str = "UN Country Team"
    coordinator_title: str = "Resident Coordinator"
    unsdcf_outcomes: list[tuple[str, str]] = field(default_factory=list)
    unsdcf_period: str = ""
    # Empty: the zone's city ("Bishkek time").
    time_zone_name: str = ""


REGIONS = {
    "eca": "Europe and Central Asia",
    "asia-pacific": "Asia and the Pacific",
}

S, C, M, P, R = (
    Role.SECRETARIAT,
    Role.CO_CHAIR,
    Role.MEMBER,
    Role.EXTERNAL_PARTNER,
    Role.RCO_REPORTER,
)

KOSOVO_FOOTNOTE = (
    "References to Kosovo shall be understood to be in the context of United Nations "
    "Security Council resolution 1244 (1999)."
)

NETWORKS: list[DemoNetwork] = [
    # Seed 000 (ToR, UN Migration Network in the Kyrgyz Republic) and seed 002 (the Concept).
    DemoNetwork(
        slug="kyrgyzstan",
        name="UN Migration Network in the Kyrgyz Republic",
        code="KGZ",
        country="Kyrgyzstan",
        region="eca",
        time_zone="Asia/Bishkek",
        languages=["en", "ru", "ky"],
        cadence=Network.Cadence.QUARTERLY,
        national_policy=(
            "Concept of Migration Policy of the Kyrgyz Republic 2021–2030 "
            "(Government Resolution No. 191 of 4 May 2021)"
        ),
        rco=Org("RCO", "Resident Coordinator's Office in the Kyrgyz Republic", Kind.RCO),
        # The ToR (2020) names the State Migration Service; the Concept (seed 002) names this
        # ministry, which now holds the migration mandate, as its implementer.
        national_authority=Org(
            "MLSSM",
            "Ministry of Labour, Social Security and Migration of the Kyrgyz Republic",
            Kind.GOVERNMENT,
        ),
        members=["IOM", "UNODC", "UNDP", "UN Women", "FAO", "UNICEF", "UNHCR", "ILO", "UNESCO"],
        people=[
            Person(
                "Aizada Mamytova",
                "IOM",
                S,
                "National Programme Officer, Network Secretariat",
                "secretariat",
                True,
            ),
            Person(
                "Henrik Lindqvist",
                "RCO",
                C,
                "UN Resident Coordinator in the Kyrgyz Republic",
                "cochair1",
            ),
            Person("Valentina Moretti", "IOM", C, "Chief of Mission, IOM Kyrgyzstan", "cochair2"),
            Person(
                "Nurbek Toktogulov",
                "UNDP",
                M,
                "Programme Analyst, Governance and Migration",
                "member",
                True,
            ),
            Person(
                "Bakyt Asanaliev",
                "AUTH",
                P,
                "Head of the Department of Migration Policy",
                "partner",
                True,
            ),
            Person(
                "Elnura Osmonova", "RCO", R, "Data Management and Results Monitoring Officer", "rco"
            ),
            Person("Timur Kadyrov", "UNODC", M, "National Project Officer, Trafficking in Persons"),
            Person(
                "Gulnara Beishenova",
                "UN Women",
                M,
                "Programme Specialist, Ending Violence against Women",
            ),
            Person("Azamat Zhusupov", "FAO", M, "Assistant FAO Representative (Programme)"),
            Person(
                "Saltanat Ermekova", "UNICEF", M, "Child Protection Officer", working_group=True
            ),
            Person("Daniyar Kurmanbekov", "UNHCR", M, "Protection Associate"),
            Person("Cholpon Abdrakhmanova", "ILO", M, "National Coordinator, Labour Migration"),
            Person("Meerim Sultanalieva", "UNESCO", M, "National Programme Officer, Education"),
        ],
        # The ToR of April 2020 (seed 000).
        founded=date(2020, 4, 15),
        working_group=(
            "Working Group on Migration Data",
            WorkingGroup.Kind.PERMANENT,
            "Supports a unified national system for collecting disaggregated statistics on "
            "migration, as the Concept of Migration Policy provides.",
        ),
    ),
    # Seed 001 (ToR, UN Country Network on Migration, Belarus). The ToR names categories
    # (UNCT members and IFIs for which migration is relevant, and the RCO), not agencies:
    # the agencies below are a plausible UNCT Belarus line-up.
    DemoNetwork(
        slug="belarus",
        name="UN Country Network on Migration in Belarus",
        code="BLR",
        country="Belarus",
        region="eca",
        time_zone="Europe/Minsk",
        languages=["en", "ru"],
        cadence=Network.Cadence.BIMONTHLY,
        national_policy="Concept for National Migration Policy of the Republic of Belarus",
        rco=Org("RCO", "Resident Coordinator's Office in Belarus", Kind.RCO),
        national_authority=Org(
            "MIA", "Ministry of Internal Affairs of the Republic of Belarus", Kind.GOVERNMENT
        ),
        external_partners=[
            Org(
                "MLSP",
                "Ministry of Labour and Social Protection of the Republic of Belarus",
                Kind.GOVERNMENT,
            ),
        ],
        members=["IOM", "UNDP", "UNICEF", "UNHCR", "UNFPA", "WHO", "World Bank"],
        people=[
            Person(
                "Alena Savitskaya",
                "IOM",
                S,
                "Project Officer, Network Secretariat",
                "secretariat",
                True,
            ),
            Person("Ingrid Aasen", "RCO", C, "UN Resident Coordinator in Belarus", "cochair1"),
            Person("Mahir Aliyev", "IOM", C, "Chief of Mission, IOM Belarus", "cochair2"),
            Person(
                "Dzmitry Lapko", "UNDP", M, "Programme Associate, Inclusive Growth", "member", True
            ),
            Person(
                "Siarhei Maroz",
                "AUTH",
                P,
                "Deputy Head, Department of Citizenship and Migration",
                "partner",
                True,
            ),
            Person(
                "Katsiaryna Hrynevich",
                "RCO",
                R,
                "Partnerships and Development Finance Officer",
                "rco",
            ),
            Person("Volha Pashkevich", "UNICEF", M, "Social Policy Officer"),
            Person("Andrei Zhuk", "UNHCR", M, "Senior Protection Assistant"),
            Person(
                "Natallia Ramanenka",
                "UNFPA",
                M,
                "Population and Development Analyst",
                working_group=True,
            ),
            Person("Iryna Sakalova", "WHO", M, "National Professional Officer, Health Systems"),
            Person("Pavel Karpovich", "World Bank", M, "Economist, Social Protection and Jobs"),
        ],
        # The ToR cites data read on 19 May 2020 (seed 001): set up in June 2020.
        founded=date(2020, 6, 15),
        working_group=(
            "Working Group on Labour Migration and Skills",
            WorkingGroup.Kind.AD_HOC,
            "Drafts the network's contribution on labour market gaps and regular pathways to the "
            "Concept for National Migration Policy.",
        ),
        unsdcf_outcomes=[
            ("1", "Green transition for inclusive and sustainable growth"),
            ("2", "Future generation orientation: adolescents and youth"),
            ("3", "Digital transformation and social innovation"),
            ("4", "Gender-equitable society"),
        ],
        unsdcf_period="2021–2025",
    ),
    # Seed 003 (ToR, UN Network for Migration in Mongolia).
    DemoNetwork(
        slug="mongolia",
        name="UN Network for Migration in Mongolia",
        code="MNG",
        country="Mongolia",
        region="asia-pacific",
        time_zone="Asia/Ulaanbaatar",
        languages=["en", "mn"],
        cadence=Network.Cadence.QUARTERLY,
        rco=Org("RCO", "Resident Coordinator's Office in Mongolia", Kind.RCO),
        national_authority=Org("MFA", "Ministry of Foreign Affairs of Mongolia", Kind.GOVERNMENT),
        external_partners=[
            Org("NSO", "National Statistical Office of Mongolia", Kind.GOVERNMENT),
            Org("MLSP", "Ministry of Labour and Social Protection of Mongolia", Kind.GOVERNMENT),
        ],
        members=["IOM", "UNDP", "UNICEF", "UNHCR", "UNFPA", "FAO", "ILO", "UNESCO"],
        people=[
            Person(
                "Oyunchimeg Batbayar",
                "IOM",
                S,
                "Programme Officer, Network Secretariat",
                "secretariat",
                True,
            ),
            Person("Amara Okafor", "RCO", C, "UN Resident Coordinator in Mongolia", "cochair1"),
            Person("Kenji Watanabe", "IOM", C, "Chief of Mission, IOM Mongolia", "cochair2"),
            Person(
                "Bat-Erdene Ganbold",
                "UNDP",
                M,
                "Programme Analyst, Sustainable Development",
                "member",
                True,
            ),
            Person("Enkhtuya Dashdorj", "AUTH", P, "Director, Consular Department", "partner"),
            Person("Solongo Tserendorj", "RCO", R, "Economist and Reporting Officer", "rco"),
            Person("Munkhzul Purevdorj", "UNICEF", M, "Deputy Representative"),
            Person("Temuulen Baatar", "UNHCR", M, "Senior Programme Manager"),
            Person("Nomin Altangerel", "UNFPA", M, "Assistant Representative", working_group=True),
            Person("Ganzorig Chuluun", "FAO", M, "Senior Programme Manager"),
            Person("Sarantuya Lkhagva", "ILO", M, "National Project Coordinator"),
            Person("Tuvshin Enkhbold", "UNESCO", M, "Head of the Education Sector"),
            Person(
                "Bolormaa Sukhbaatar",
                "NSO",
                P,
                "Head of the Population and Housing Statistics Division",
                working_group=True,
            ),
        ],
        # The ToR speaks of the recovery from COVID-19 and a network "being established"
        # (seed 003): founded in mid-2021.
        founded=date(2021, 6, 15),
        working_group=(
            "Working Group on Internal Migration",
            WorkingGroup.Kind.PERMANENT,
            "Brings rural-to-urban migration data and its effect on Ulaanbaatar's services to "
            "the network, with the National Statistical Office.",
        ),
    ),
    # Seed 004 (IOM news of 18 December 2020) records the launch. Kosovo's ToR is not among the
    # seeds: the member agencies below are a plausible UN Kosovo Team line-up.
    DemoNetwork(
        slug="kosovo",
        name="UN Network on Migration in Kosovo",
        code="KOS",
        country="Kosovo",
        region="eca",
        time_zone="Europe/Belgrade",
        time_zone_name="Pristina time",
        languages=["en", "sq", "sr"],
        cadence=Network.Cadence.QUARTERLY,
        designation_footnote=KOSOVO_FOOTNOTE,
        un_team_name="UN Kosovo Team",
        coordinator_title="Development Coordinator",
        rco=Org("DCO", "Development Coordinator's Office in Kosovo", Kind.RCO),
        national_authority=Org("MIA-K", "Ministry of Internal Affairs (Kosovo)", Kind.GOVERNMENT),
        members=["IOM", "UNDP", "UNICEF", "UNHCR", "UNFPA", "UN Women", "WHO"],
        people=[
            Person(
                "Arta Krasniqi",
                "IOM",
                S,
                "Programme Officer, Network Secretariat",
                "secretariat",
                True,
            ),
            Person("Marianne Dufour", "RCO", C, "UN Development Coordinator in Kosovo", "cochair1"),
            Person("Lukas Brenner", "IOM", C, "Chief of Mission, IOM Kosovo", "cochair2"),
            Person("Besnik Gashi", "UNDP", M, "Programme Analyst, Rule of Law", "member"),
            Person(
                "Driton Berisha",
                "AUTH",
                P,
                "Director, Department of Citizenship, Asylum and Migration",
                "partner",
                True,
            ),
            Person(
                "Vjosa Hoxha", "RCO", R, "Head of Office, Development Coordinator's Office", "rco"
            ),
            Person(
                "Milica Jovanović", "UNICEF", M, "Child Protection Specialist", working_group=True
            ),
            Person("Albulena Morina", "UNHCR", M, "Protection Officer", working_group=True),
            Person("Fatmire Shala", "UNFPA", M, "Programme Analyst"),
            Person("Jelena Petrović", "UN Women", M, "Programme Coordinator"),
            Person("Arben Kelmendi", "WHO", M, "Health Emergencies Officer"),
        ],
        # Launched on International Migrants Day, 18 December 2020 (seed 004).
        founded=date(2020, 12, 18),
        working_group=(
            "Working Group on Return and Reintegration",
            WorkingGroup.Kind.PERMANENT,
            "Coordinates support to the sustainable reintegration of people returning to Kosovo.",
        ),
    ),
]

REGIONAL_VIEWER = (
    "regional@example.org",
    "Ilse Vandenberghe",
    "eca",
    "Regional Migration Policy Officer, Europe and Central Asia",
)


@dataclass
class Login:
    email: str
    full_name: str
    what: str


@dataclass
class DemoResult:
    logins: list[Login] = field(default_factory=list)
    created: int = 0


class _Passwords:
    """Hash the demo password once; check an existing account's hash once per distinct hash.
    The slow password hasher then runs twice per load instead of once per person."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._hash: str | None = None
        self._verified: dict[str, bool] = {}

    @property
    def hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(self.raw)
        return self._hash

    def matches(self, encoded: str) -> bool:
        if encoded not in self._verified:
            self._verified[encoded] = check_password(self.raw, encoded)
        return self._verified[encoded]


def _hold_mail(*args, **kwargs) -> None:
    """Stands in for handing a mailing to the queue while the demo loads: nothing is sent."""


@transaction.atomic
def demo_load(*, password: str | None = None, history_too: bool = True) -> DemoResult:
    """Create (or find) the demo regions, organisations, networks, people and roles, and
    build each network's history. Callers check that demo mode is on. Idempotent: a second
    run changes nothing. No mailing the history makes is handed to the queue (their
    deliveries are given their states by demo.history.History.settle_deliveries). Without
    `history_too`, only the networks, organisations, people and logins (a later full load
    adds the history)."""
    result = DemoResult()
    passwords = _Passwords(password or demo_password())
    now = real_now()
    regions = {
        slug: Region.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in REGIONS.items()
    }
    with mock.patch("circulation.services.enqueue_on_commit", _hold_mail):
        for spec in NETWORKS:
            _load_network(spec, regions[spec.region], passwords, result, now, history_too)

    email, full_name, region_slug, job_title = REGIONAL_VIEWER
    # The regional viewer has followed the region's networks since the first was founded.
    with clock_at(min(_founded(spec) for spec in NETWORKS)):
        viewer = _person(email, full_name, job_title, passwords, result)
        if (
            not RegionalViewer.objects.active(now)
            .filter(user=viewer, region=regions[region_slug])
            .exists()
        ):
            RegionalViewer.objects.create(user=viewer, region=regions[region_slug])
            result.created += 1
    result.logins.append(
        Login(email, full_name, f"{Role.REGIONAL_VIEWER.label}, {regions[region_slug].name}")
    )
    return result


def _founded(spec: DemoNetwork) -> datetime:
    return datetime.combine(spec.founded, time(9, 0), tzinfo=ZoneInfo(spec.time_zone))


def _load_network(
    spec: DemoNetwork,
    region: Region,
    passwords: _Passwords,
    result: DemoResult,
    now: datetime,
    history_too: bool,
) -> None:
    """The network and its people (created on the day it was founded, when it is new), then
    its history, once."""
    founded = _founded(spec)
    new = not Network.objects.filter(slug=spec.slug).exists()
    with clock_at(founded) if new else nullcontext():
        network, organisations = _network_and_people(spec, region, passwords, result)
    with network_scope(network):
        if not history_too or history.has_history(network):
            return
        first = (
            Membership.objects.filter(user__email=f"secretariat@{spec.slug}.example.org")
            .order_by("started_at")
            .values_list("started_at", flat=True)
            .first()
        )
        if first is None or first > founded + timedelta(days=1):
            raise ValidationError(
                f"The {spec.country} network was loaded by an earlier version of load_demo "
                "(its people take part only since that day, and it has no history). Reset "
                "the database (delete var/portal.sqlite3, or flush it) and run load_demo again."
            )
        result.created += history.History(
            network=network, organisations=organisations, founded=founded, now=now
        ).build()


def _network_and_people(
    spec: DemoNetwork, region: Region, passwords: _Passwords, result: DemoResult
) -> tuple[Network, dict[str, Organisation]]:
    network = Network.objects.filter(slug=spec.slug).first()
    if network is None:
        network = services.network_create(
            name=spec.name,
            slug=spec.slug,
            code=spec.code,
            country=spec.country,
            time_zone=spec.time_zone,
            time_zone_name=spec.time_zone_name,
            languages=spec.languages,
            region=region,
            meeting_cadence=spec.cadence,
            designation_footnote=spec.designation_footnote,
            national_policy=spec.national_policy,
            un_team_name=spec.un_team_name,
            coordinator_title=spec.coordinator_title,
            unsdcf_outcomes=spec.unsdcf_outcomes,
        )
        result.created += 1
        if spec.unsdcf_period:
            with network_scope(network):
                UNSDCFOutcome.objects.update(period=spec.unsdcf_period)

    organisations: dict[str, Organisation] = {}
    plan = [("RCO", spec.rco, Participation.Type.MEMBER, False)]
    plan += [(a, UN_SYSTEM[a], Participation.Type.MEMBER, False) for a in spec.members]
    plan.append(("AUTH", spec.national_authority, Participation.Type.EXTERNAL_PARTNER, True))
    plan += [
        (o.acronym, o, Participation.Type.EXTERNAL_PARTNER, False) for o in spec.external_partners
    ]
    for key, org, type_, is_authority in plan:
        organisation, created = organisation_get_or_create(org)
        result.created += created
        organisations[key] = organisation
        with network_scope(network):
            taking_part = Participation.objects.active().filter(organisation=organisation).exists()
        if not taking_part:
            services.participation_add(
                network=network,
                organisation=organisation,
                type=type_,
                is_national_authority=is_authority,
            )
            result.created += 1

    group_members = []
    for person in spec.people:
        user = _person(
            person.email(spec.slug), person.full_name, person.job_title, passwords, result
        )
        organisation = organisations[person.organisation]
        with network_scope(network):
            holds = Membership.objects.active().filter(user=user, role=person.role).exists()
        if not holds:
            services.membership_start(
                network=network, user=user, organisation=organisation, role=person.role
            )
            result.created += 1
        if person.working_group:
            group_members.append(user)
        if person.login:
            result.logins.append(
                Login(
                    user.email,
                    person.full_name,
                    f"{Role(person.role).label} ({organisation.acronym}), {spec.country}",
                )
            )

    name, kind, mandate = spec.working_group
    with network_scope(network):
        group, created = WorkingGroup.objects.get_or_create(
            network=network,
            name=name,
            defaults={"kind": kind, "mandate": mandate, "lead_organisation": organisations["IOM"]},
        )
        result.created += created
        for user in group_members:
            if not WorkingGroupMember.objects.filter(
                working_group=group, user=user, ended_at__isnull=True
            ).exists():
                WorkingGroupMember.objects.create(network=network, working_group=group, user=user)
                result.created += 1
    return network, organisations


def _person(email: str, full_name: str, job_title: str, passwords: _Passwords, result: DemoResult):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email, full_name=full_name, job_title=job_title, password=passwords.hash
        )
        result.created += 1
    elif not passwords.matches(user.password):
        # DEMO_PASSWORD changed since the last load: the documented logins must still work.
        user.password = passwords.hash
        user.save(update_fields=["password"])
    return user
