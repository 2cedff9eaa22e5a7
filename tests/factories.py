"""Small builders for tests: a network with its organisations and one person per role.

`build_network("kyrgyzstan")` gives a Kyrgyz network where `people["secretariat"]`,
`people["co_chair"]`, `people["co_chair2"]`, `people["member"]`, `people["partner"]` and
`people["rco"]` hold their roles, all with the password TEST_PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from networks import services
from networks.models import Network, Organisation, Participation, Region
from networks.roles import Role
from networks.scoping import network_scope

TEST_PASSWORD = "correct-horse-battery-staple"

User = get_user_model()


def organisation(
    acronym: str, kind: str = Organisation.Kind.UN_AGENCY, name: str = ""
) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=name or f"{acronym} (test)", defaults={"acronym": acronym, "kind": kind}
    )
    return org


def person(email: str, full_name: str = "", **fields):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=TEST_PASSWORD,
            full_name=full_name or email.split("@")[0].title(),
            **fields,
        )
    return user


@dataclass
class TestNetwork:
    __test__ = False  # a fixture, not a test class

    network: Network
    people: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)

    def __getattr__(self, name):
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


def region(slug: str = "eca", name: str = "Europe and Central Asia") -> Region:
    return Region.objects.get_or_create(slug=slug, defaults={"name": name})[0]


# The organisations of every test network, by key: (acronym, kind, name; "{slug}" is filled).
ORGANISATIONS = {
    "IOM": ("IOM", Organisation.Kind.UN_AGENCY, "International Organization for Migration"),
    "UNDP": ("UNDP", Organisation.Kind.UN_AGENCY, "United Nations Development Programme"),
    "UNHCR": ("UNHCR", Organisation.Kind.UN_AGENCY, "UN High Commissioner for Refugees"),
    "RCO": ("RCO", Organisation.Kind.RCO, "Resident Coordinator's Office ({slug})"),
    "AUTH": ("MLSM", Organisation.Kind.GOVERNMENT, "National migration authority ({slug})"),
}
# Who holds which role, on behalf of which organisation. co_chair2 is IOM's head: a different
# person from the IOM secretariat officer.
PEOPLE = {
    "secretariat": ("IOM", Role.SECRETARIAT),
    "co_chair": ("RCO", Role.CO_CHAIR),
    "co_chair2": ("IOM", Role.CO_CHAIR),
    "member": ("UNDP", Role.MEMBER),
    "member_unhcr": ("UNHCR", Role.MEMBER),
    "partner": ("AUTH", Role.EXTERNAL_PARTNER),
    "rco": ("RCO", Role.RCO_REPORTER),
}


def _email(key: str, slug: str) -> str:
    return f"{key.replace('_', '')}@{slug}.test"


def build_network(
    slug: str,
    *,
    name: str | None = None,
    code: str | None = None,
    region_obj: Region | None = None,
    time_zone: str = "Asia/Bishkek",
    time_zone_name: str = "",
) -> TestNetwork:
    network = services.network_create(
        name=name or f"UN Network on Migration — {slug.title()}",
        slug=slug,
        code=code or slug[:3].upper(),
        country=slug.title(),
        time_zone=time_zone,
        time_zone_name=time_zone_name,
        languages=["en", "ru"],
        region=region_obj,
    )
    orgs = {
        key: organisation(acronym, kind, name=org_name.format(slug=slug))
        for key, (acronym, kind, org_name) in ORGANISATIONS.items()
    }
    for key in ("IOM", "UNDP", "UNHCR", "RCO"):
        services.participation_add(
            network=network, organisation=orgs[key], type=Participation.Type.MEMBER
        )
    services.participation_add(
        network=network,
        organisation=orgs["AUTH"],
        type=Participation.Type.EXTERNAL_PARTNER,
        is_national_authority=True,
    )
    people = {}
    for key, (org_key, role) in PEOPLE.items():
        user = person(
            _email(key, slug),
            full_name=f"{key.replace('_', ' ').title()} of {slug.title()}",
        )
        services.membership_start(network=network, user=user, organisation=orgs[org_key], role=role)
        people[key] = user
    return TestNetwork(network=network, people=people, organisations=orgs)


def find_network(slug: str) -> TestNetwork | None:
    """The network `build_network(slug)` built, read back from the database as fresh objects
    (three queries), or None when it is not there."""
    network = Network.objects.filter(slug=slug).select_related("region").first()
    if network is None:
        return None
    emails = {key: _email(key, slug) for key in PEOPLE}
    users = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    names = {key: org_name.format(slug=slug) for key, (_a, _k, org_name) in ORGANISATIONS.items()}
    orgs = {org.name: org for org in Organisation.objects.filter(name__in=names.values())}
    return TestNetwork(
        network=network,
        people={key: users[email] for key, email in emails.items()},
        organisations={key: orgs[name] for key, name in names.items()},
    )


def in_network(test_network: TestNetwork):
    return network_scope(test_network.network)
