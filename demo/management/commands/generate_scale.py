"""manage.py generate_scale — fill a demo or benchmark database with realistic volume.

`--networks N` is the number of networks the database holds afterwards: the existing ones
(e.g. the four demo networks) count, and generated ones (`scale-0001`, …) make up the rest.
Each generated network has 8–15 member organisations drawn from one shared pool (IOM and its
own Resident Coordinator's Office always among them), a national authority and a few other
external partners, a secretariat, two co-chairs, an RCO reporter, one to three focal points
per member organisation, and one to three working groups.

`--years Y` is the history to generate. Today it spreads people's start dates over the last
Y years and gives some focal points a predecessor whose membership ended (dated history),
and gives every network (the existing ones too) a regular meeting each quarter of those Y
years, with a circulated agenda of five items and its participants; later issues add the
decisions and reports of each year.

`--activities A` brings every network's active workplan to A activities (networks without a
workplan get one), tagged with GCM objectives, for the workplan and coverage benchmark.

Rows go in with bulk_create, so 100 networks take seconds. Every generated person's password
is the demo password (DEMO_PASSWORD or demo-portal-2026).
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.loader import demo_password
from demo.mode import require_demo_mode
from networks.models import (
    Membership,
    Network,
    Organisation,
    Participation,
    Region,
    WorkingGroup,
    WorkingGroupMember,
)
from networks.organisations import UN_SYSTEM, organisation_get_or_create
from networks.roles import Role
from networks.scoping import network_scope, scopes_disabled

MAX_NETWORKS = 2000
MAX_YEARS = 20
BATCH = 500

REGIONS = {
    "eca": "Europe and Central Asia",
    "asia-pacific": "Asia and the Pacific",
    "africa": "Africa",
    "americas": "Latin America and the Caribbean",
    "mena": "Middle East and North Africa",
}
TIME_ZONES = {
    "eca": ["Asia/Tbilisi", "Asia/Almaty", "Europe/Chisinau", "Asia/Dushanbe", "Europe/Sarajevo"],
    "asia-pacific": ["Asia/Dhaka", "Asia/Kathmandu", "Asia/Manila", "Pacific/Fiji", "Asia/Bangkok"],
    "africa": [
        "Africa/Nairobi",
        "Africa/Dakar",
        "Africa/Lagos",
        "Africa/Addis_Ababa",
        "Africa/Accra",
    ],
    "americas": ["America/Bogota", "America/Lima", "America/Guatemala", "America/Santo_Domingo"],
    "mena": ["Africa/Cairo", "Asia/Amman", "Africa/Tunis", "Asia/Beirut"],
}
LANGUAGES = [["en"], ["en", "ru"], ["en", "ru", "ky"], ["en", "mn"], ["en", "sq", "sr"]]
CADENCES = [Network.Cadence.QUARTERLY] * 3 + [Network.Cadence.BIMONTHLY, Network.Cadence.MONTHLY]

FIRST_NAMES = (
    "Aigul Amina Ana Andrei Arman Aziz Bakyt Carmen Chidi Daniel Dilnoza Elena Farida Fatima "
    "Gulnara Hannah Ibrahim Irina Jamal Jana Kamila Kofi Laura Layla Lucas Mahmoud Maria Marta "
    "Mehmet Miguel Nadia Nikolai Nomin Olga Omar Paolo Priya Rahim Sara Sergei Sofia Tamar "
    "Timur Valentina Yusuf Zainab Zarina"
).split()
LAST_NAMES = (
    "Abdullaev Achieng Aliyeva Bakirov Batbayar Castillo Demir Diallo Dimitrova Ferreira "
    "Gashi Haddad Hoxha Ibragimova Jovanović Kamau Karimova Kovalenko Lindqvist Mensah "
    "Mendoza Moretti Nazarova Novak Okafor Osmonova Petrova Rahman Reyes Said Santos "
    "Sultanov Tanaka Toure Usmanova Volkova Yilmaz Zhukova"
).split()


MAX_DOCUMENTS = 20_000
TOPICS = (
    "labour migration",
    "remittances",
    "return and reintegration",
    "border management",
    "climate mobility",
    "trafficking in persons",
    "diaspora engagement",
    "migration data",
)


def library_documents(count: int, rng: random.Random) -> int:
    """Bring the library of each demo network (not the generated `scale-…` ones) to `count`
    documents, each with one version and searchable text (the files themselves are not
    written: the benchmark lists and searches, it does not download)."""
    from django.db import connection

    from documents.models import Document, DocumentVersion
    from documents.tasks import search_vector

    added = 0
    categories = [value for value, _label in Document.Category.choices]
    for network in Network.objects.exclude(slug__startswith="scale-"):
        with network_scope(network):
            missing = count - Document.objects.count()
            if missing <= 0:
                continue
            rows = []
            for n in range(missing):
                topic = rng.choice(TOPICS)
                rows.append(
                    Document(
                        network=network,
                        title=f"{topic.capitalize()}: note {n + 1}",
                        category=rng.choice(categories),
                        confidentiality="restricted" if n % 20 == 0 else "internal",
                        description=f"Background note on {topic} for the network.",
                        search_text=f"{topic} " * 30 + rng.choice(TOPICS),
                    )
                )
            created = Document.objects.bulk_create(rows, batch_size=BATCH)
            DocumentVersion.objects.bulk_create(
                (
                    DocumentVersion(
                        network=network,
                        document=document,
                        number=1,
                        file=f"documents/{network.pk}/generated-{document.pk}",
                        filename="note.pdf",
                        content_type="application/pdf",
                        size=rng.randint(50_000, 5_000_000),
                        sha256="0" * 64,
                    )
                    for document in created
                ),
                batch_size=BATCH,
            )
            if connection.vendor == "postgresql":
                Document.objects.filter(pk__in=[d.pk for d in created]).update(
                    search_vector=search_vector()
                )
            added += len(created)
    return added


MAX_ACTIVITIES = 1000
STATUSES = ["not_started", "on_track", "on_track", "on_track", "delayed", "completed", "cancelled"]


def workplan_activities(count: int, rng: random.Random) -> int:
    """Bring every network's active workplan to `count` activities (a network without a
    workplan gets an endorsed, active one for this year and next, with two outcomes of two
    outputs each). Each activity is led by a member organisation, tagged with one to three
    GCM objectives and has one indicator with a latest actual."""
    from decimal import Decimal

    from reference.models import GCMObjective
    from workplans.models import Activity, Indicator, Outcome, Output, Workplan

    objectives = list(GCMObjective.objects.values_list("pk", flat=True))
    year = timezone.now().year
    added = 0
    for network in Network.objects.all():
        with network_scope(network):
            plan = Workplan.objects.filter(status=Workplan.Status.ACTIVE).first()
            if plan is None:
                plan = Workplan.objects.create(
                    network=network,
                    title=f"Joint workplan {year}–{year + 1}",
                    start_year=year,
                    years=2,
                    status=Workplan.Status.ACTIVE,
                    endorsed_at=timezone.now(),
                    baseline={"outcomes": []},
                )
                for o in (1, 2):
                    outcome = Outcome.objects.create(
                        network=network, workplan=plan, code=str(o), title=f"Outcome {o}"
                    )
                    for p in (1, 2):
                        Output.objects.create(
                            network=network, outcome=outcome, code=f"{o}.{p}", title=f"Output {p}"
                        )
            outputs = list(Output.objects.filter(outcome__workplan=plan))
            missing = count - Activity.objects.filter(workplan=plan).count()
            if missing <= 0 or not outputs:
                continue
            leads = list(
                Participation.objects.active()
                .filter(type=Participation.Type.MEMBER)
                .values_list("organisation_id", flat=True)
            )
            rows = []
            for n in range(missing):
                required = Decimal(rng.randrange(5_000, 200_000, 500))
                rows.append(
                    Activity(
                        network=network,
                        workplan=plan,
                        output=rng.choice(outputs),
                        code=f"G{n + 1}",
                        title=f"{rng.choice(TOPICS).capitalize()}: activity {n + 1}",
                        lead_organisation_id=rng.choice(leads),
                        quarters=plan.quarters[rng.randrange(0, 4) : rng.randrange(4, 8)],
                        status=rng.choice(STATUSES),
                        budget_required=required,
                        budget_available=required * Decimal(rng.choice([0, 0.25, 0.5, 1])),
                        budget_spent=Decimal(rng.randrange(0, 5_000, 100)),
                        position=100 + n,
                    )
                )
            created = Activity.objects.bulk_create(rows, batch_size=BATCH)
            Through = Activity.gcm_objectives.through
            Through.objects.bulk_create(
                (
                    Through(activity_id=activity.pk, gcmobjective_id=objective)
                    for activity in created
                    for objective in rng.sample(objectives, rng.randint(1, 3))
                ),
                batch_size=BATCH,
            )
            Indicator.objects.bulk_create(
                (
                    Indicator(network=network, activity=a, name="Milestones", target=4)
                    for a in created
                ),
                batch_size=BATCH,
            )
            added += len(created)
    return added


class Command(BaseCommand):
    help = (
        "Fill a demo or benchmark database with realistic volume: --networks N networks in "
        "all, --years Y of history. Only in demo mode (PORTAL_DEMO=1 or DEBUG)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--networks", type=int, required=True, help="networks in all")
        parser.add_argument("--years", type=int, default=1, help="years of history (1–20)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable)")
        parser.add_argument(
            "--documents",
            type=int,
            default=0,
            help="documents in the library of each demo network (0–20000), for the library "
            "and search benchmark",
        )
        parser.add_argument(
            "--activities",
            type=int,
            default=0,
            help="activities in every network's active workplan (0–1000), for the workplan "
            "and coverage benchmark",
        )

    def handle(
        self,
        *args,
        networks: int,
        years: int,
        seed: int,
        documents: int = 0,
        activities: int = 0,
        **options,
    ):
        require_demo_mode("generate_scale")
        if not 1 <= networks <= MAX_NETWORKS:
            raise CommandError(
                f"--networks must be between 1 and {MAX_NETWORKS}, not {networks}. Nothing was changed."
            )
        if not 1 <= years <= MAX_YEARS:
            raise CommandError(
                f"--years must be between 1 and {MAX_YEARS}, not {years}. Nothing was changed."
            )
        if not 0 <= documents <= MAX_DOCUMENTS:
            raise CommandError(
                f"--documents must be between 0 and {MAX_DOCUMENTS}, not {documents}. "
                "Nothing was changed."
            )
        if not 0 <= activities <= MAX_ACTIVITIES:
            raise CommandError(
                f"--activities must be between 0 and {MAX_ACTIVITIES}, not {activities}. "
                "Nothing was changed."
            )
        if documents:
            with transaction.atomic():
                added = library_documents(documents, random.Random(seed))
            if options["verbosity"] >= 1:
                self.stdout.write(f"Added {added} documents to the demo networks' libraries.")
        self.generate_networks(networks, years, seed, options)
        if activities:
            with transaction.atomic():
                added = workplan_activities(activities, random.Random(seed))
            if options["verbosity"] >= 1:
                self.stdout.write(f"Added {added} workplan activities.")

    def generate_networks(self, networks: int, years: int, seed: int, options) -> None:
        existing = Network.objects.count()
        missing = networks - existing
        if missing <= 0:
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"The database already holds {existing} networks: nothing to generate."
                )
            return
        started = time.monotonic()
        with transaction.atomic():
            counts = Generator(random.Random(seed), years).run(missing)
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {missing} networks ({networks} in all) with {counts['organisations']} "
                f"new organisations, {counts['people']} people, {counts['memberships']} "
                f"memberships, {counts['working_groups']} working groups and "
                f"{counts['meetings']} meetings in "
                f"{time.monotonic() - started:.1f} s."
            )
        )


class Generator:
    def __init__(self, rng: random.Random, years: int) -> None:
        self.rng = rng
        self.years = years
        self.now = timezone.now()
        self.password = make_password(demo_password())
        self.counts = {
            "organisations": 0,
            "people": 0,
            "memberships": 0,
            "working_groups": 0,
            "meetings": 0,
        }

    def when(self) -> datetime:
        return self.now - timedelta(days=self.rng.randint(0, 365 * self.years))

    def run(self, how_many: int) -> dict[str, int]:
        regions = {
            slug: Region.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in REGIONS.items()
        }
        pool = [organisation_get_or_create(org)[0] for org in UN_SYSTEM.values()]
        iom = next(org for org in pool if org.acronym == "IOM")
        others = [org for org in pool if org is not iom]

        first = self._first_free_number()
        numbers = range(first, first + how_many)
        networks = Network.objects.bulk_create(
            [self._network(number, regions) for number in numbers], batch_size=BATCH
        )
        own = self._own_organisations(networks)

        participations, plans = [], []
        for network in networks:
            rco, authority, partners = own[network.slug]
            members = [iom, rco, *self.rng.sample(others, self.rng.randint(6, 13))]
            for org in members:
                participations.append(self._participation(network, org, Participation.Type.MEMBER))
            participations.append(
                self._participation(network, authority, Participation.Type.EXTERNAL_PARTNER, True)
            )
            for org in partners:
                participations.append(
                    self._participation(network, org, Participation.Type.EXTERNAL_PARTNER)
                )
            plans.append((network, iom, rco, authority, members))

        people, memberships, groups = [], [], []
        for network, iom_org, rco, authority, members in plans:
            cast = [
                (iom_org, Role.SECRETARIAT),
                (rco, Role.CO_CHAIR),
                (iom_org, Role.CO_CHAIR),
                (rco, Role.RCO_REPORTER),
                (authority, Role.EXTERNAL_PARTNER),
            ]
            for org in members:
                if org in (iom_org, rco):
                    continue
                cast += [(org, Role.MEMBER)] * self.rng.randint(1, 3)
            network_people = []
            for org, role in cast:
                user = self._user(network, len(network_people))
                people.append(user)
                network_people.append(user)
                started = self.when()
                memberships.append(self._membership(network, user, org, role, started))
                if role == Role.MEMBER and self.rng.random() < 0.15:
                    # A predecessor who handed over: kept as dated history.
                    predecessor = self._user(network, len(network_people) + 1000)
                    people.append(predecessor)
                    memberships.append(
                        self._membership(
                            network,
                            predecessor,
                            org,
                            role,
                            started - timedelta(days=365),
                            ended=started,
                        )
                    )
            groups.append((network, network_people))

        User = get_user_model()
        User.objects.bulk_create(people, batch_size=BATCH)
        with scopes_disabled():
            Participation.objects.bulk_create(participations, batch_size=BATCH)
            Membership.objects.bulk_create(memberships, batch_size=BATCH)
            self._working_groups(groups, iom)
            self._meeting_history()
        self.counts["people"] = len(people)
        self.counts["memberships"] = len(memberships)
        return self.counts

    def _meeting_history(self) -> None:
        """A regular meeting each quarter of the last `years` years in every network, with
        five agenda items and the network's secretariat, co-chairs and focal points."""
        from meetings.models import AgendaItem, Meeting, Participant

        quarters = range(1, 4 * self.years + 1)
        roles = (Role.SECRETARIAT, Role.CO_CHAIR, Role.MEMBER)
        people: dict[int, dict[int, int]] = {}
        for network_id, user_id, organisation_id in (
            Membership.objects.active()
            .filter(role__in=roles)
            .values_list("network_id", "user_id", "organisation_id")
        ):
            people.setdefault(network_id, {}).setdefault(user_id, organisation_id)
        meetings = []
        for network in Network.objects.all():
            for quarter in quarters:
                start = (self.now - timedelta(days=91 * quarter)).replace(
                    hour=8, minute=0, second=0, microsecond=0
                )
                meetings.append(
                    Meeting(
                        network=network,
                        kind=Meeting.Kind.REGULAR,
                        title=f"Regular meeting {start:%Y-%m}",
                        starts_at=start,
                        ends_at=start + timedelta(hours=2),
                        location="UN House",
                        agenda_status=Meeting.AgendaStatus.CIRCULATED,
                        agenda_circulated_at=start - timedelta(days=14),
                    )
                )
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        items, participants = [], []
        for meeting in meetings:
            for position in range(1, 6):
                items.append(
                    AgendaItem(
                        network_id=meeting.network_id,
                        meeting=meeting,
                        position=position,
                        title=f"Item {position}",
                        duration_minutes=20,
                    )
                )
            for user_id, organisation_id in people.get(meeting.network_id, {}).items():
                participants.append(
                    Participant(
                        network_id=meeting.network_id,
                        meeting=meeting,
                        user_id=user_id,
                        organisation_id=organisation_id,
                        answer=self.rng.choice(Participant.Answer.values),
                    )
                )
        AgendaItem.objects.bulk_create(items, batch_size=BATCH)
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        self.counts["meetings"] = len(meetings)

    def _first_free_number(self) -> int:
        slugs = Network.objects.filter(slug__startswith="scale-").values_list("slug", flat=True)
        numbers = [int(slug[6:]) for slug in slugs if slug[6:].isdigit()]
        return max(numbers, default=0) + 1

    def _network(self, number: int, regions: dict[str, Region]) -> Network:
        region_slug = self.rng.choice(list(REGIONS))
        return Network(
            name=f"UN Network on Migration in Scaleland {number:04d}",
            slug=f"scale-{number:04d}",
            code=f"S{number:04d}",
            country=f"Scaleland {number:04d}",
            region=regions[region_slug],
            time_zone=self.rng.choice(TIME_ZONES[region_slug]),
            languages=self.rng.choice(LANGUAGES),
            meeting_cadence=self.rng.choice(CADENCES),
            national_policy=f"National Migration Strategy of Scaleland {number:04d}",
        )

    def _own_organisations(self, networks: list[Network]) -> dict[str, tuple]:
        """Per network: its RCO, its national authority and one to three other partners."""
        rows, plan = [], {}
        for network in networks:
            country = network.country
            rco = Organisation(
                acronym="RCO",
                name=f"Resident Coordinator's Office in {country}",
                kind=Organisation.Kind.RCO,
            )
            authority = Organisation(
                acronym="MOI",
                name=f"Ministry of Interior of {country}",
                kind=Organisation.Kind.GOVERNMENT,
            )
            partners = self.rng.sample(
                [
                    Organisation(
                        acronym="MOL",
                        name=f"Ministry of Labour of {country}",
                        kind=Organisation.Kind.GOVERNMENT,
                    ),
                    Organisation(
                        acronym="NSO",
                        name=f"National Statistics Office of {country}",
                        kind=Organisation.Kind.GOVERNMENT,
                    ),
                    Organisation(
                        acronym="",
                        name=f"Migrant Rights Centre, {country}",
                        kind=Organisation.Kind.CSO,
                    ),
                    Organisation(
                        acronym="",
                        name=f"Institute for Migration Studies, {country}",
                        kind=Organisation.Kind.ACADEMIA,
                    ),
                ],
                self.rng.randint(1, 3),
            )
            rows += [rco, authority, *partners]
            plan[network.slug] = (rco, authority, partners)
        Organisation.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["organisations"] = len(rows)
        return plan

    def _participation(self, network, organisation, type_, authority=False) -> Participation:
        return Participation(
            network=network,
            organisation=organisation,
            type=type_,
            is_national_authority=authority,
            started_at=self.when(),
        )

    def _user(self, network: Network, index: int):
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        User = get_user_model()
        return User(
            email=f"{first}.{last}.{index}@{network.slug}.example.org".lower().replace("ć", "c"),
            full_name=f"{first} {last}",
            password=self.password,
            date_joined=self.now,
        )

    def _membership(self, network, user, organisation, role, started, ended=None) -> Membership:
        return Membership(
            network=network,
            user=user,
            organisation=organisation,
            role=role,
            started_at=started,
            ended_at=ended,
        )

    def _working_groups(self, groups, iom) -> None:
        created, members = [], []
        topics = [
            "Migration Data",
            "Labour Migration",
            "Return and Reintegration",
            "Counter-Trafficking",
            "Climate Mobility",
            "Migrant Health",
        ]
        for network, people in groups:
            for topic in self.rng.sample(topics, self.rng.randint(1, 3)):
                group = WorkingGroup(
                    network=network,
                    name=f"Working Group on {topic}",
                    kind=self.rng.choice(list(WorkingGroup.Kind)),
                    lead_organisation=iom,
                )
                created.append(group)
                chosen = self.rng.sample(people, min(len(people), self.rng.randint(3, 8)))
                members += [(group, user) for user in chosen]
        WorkingGroup.objects.bulk_create(created, batch_size=BATCH)
        WorkingGroupMember.objects.bulk_create(
            [
                WorkingGroupMember(network=group.network, working_group=group, user=user)
                for group, user in members
            ],
            batch_size=BATCH,
        )
        self.counts["working_groups"] = len(created)
