"""manage.py create_network: a platform operator creates a network and invites its first
secretariat officer; bad input is a clear message and creates nothing."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import hash_token
from networks.models import Invitation, Network, Organisation, Participation
from networks.roles import Role
from networks.scoping import network_scope, scopes_disabled

# These tests are about the platform as a whole: they start from an empty database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

GEORGIA = [
    "--name",
    "UN Network on Migration in Georgia",
    "--slug",
    "georgia",
    "--code",
    "geo",
    "--country",
    "Georgia",
    "--time-zone",
    "Asia/Tbilisi",
    "--languages",
    "en,ru",
]


def run(*args) -> str:
    out = StringIO()
    call_command("create_network", *args, stdout=out)
    return out.getvalue()


def nothing_created() -> tuple:
    with scopes_disabled():
        return (
            Network.objects.count(),
            Participation.objects.count(),
            Invitation.objects.count(),
            Organisation.objects.count(),
        )


def test_operator_creates_a_network_and_invites_its_secretariat(eca):
    output = run(
        *GEORGIA,
        "--region",
        "eca",
        "--cadence",
        "bimonthly",
        "--approval",
        "any_co_chair",
        "--footnote",
        "A footnote.",
        "--secretariat-email",
        "Nino.Beridze@Example.org",
        "--secretariat-name",
        "Nino Beridze",
        "--secretariat-organisation",
        "IOM",
    )
    network = Network.objects.get(slug="georgia")
    assert network.code == "GEO"
    assert network.region == eca
    assert network.languages == ["en", "ru"]
    assert network.meeting_cadence == Network.Cadence.BIMONTHLY
    assert network.minutes_approval_rule == Network.ApprovalRule.ANY_CO_CHAIR
    assert network.designation_footnote == "A footnote."

    iom = Organisation.objects.get(acronym="IOM")
    assert iom.name == "International Organization for Migration"
    with network_scope(network):
        assert (
            Participation.objects.active().get(organisation=iom).type == Participation.Type.MEMBER
        )
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.full_name, invitation.role) == (
        "nino.beridze@example.org",
        "Nino Beridze",
        Role.SECRETARIAT,
    )
    # The printed link carries the one-time token whose hash is stored.
    token = re.search(r"/accounts/invitations/([^/\s]+)/", output).group(1)
    assert hash_token(token) == invitation.token_hash
    assert "Created UN Network on Migration in Georgia (GEO) at /n/georgia/" in output


def test_an_existing_organisation_is_found_by_acronym_or_name():
    undp = Organisation.objects.create(
        name="United Nations Development Programme", acronym="UNDP", kind="un_agency"
    )
    run(
        *GEORGIA,
        "--secretariat-email",
        "a@example.org",
        "--secretariat-organisation",
        "united nations development programme",
    )
    with network_scope(Network.objects.get(slug="georgia")):
        assert Invitation.objects.get().organisation == undp


def test_a_network_without_a_secretariat_yet():
    output = run(*GEORGIA)
    assert Network.objects.filter(slug="georgia").exists()
    assert "invitation" not in output.lower()
    with scopes_disabled():
        assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--slug": "kyrgyzstan"}, "short name (slug) “kyrgyzstan” is already used by"),
        ({"--slug": "KYRGYZSTAN"}, "is already used by"),
        ({"--code": "kgz"}, "code “KGZ” is already used by"),
        ({"--time-zone": "Asia/Atlantis"}, "“Asia/Atlantis” is not a known time zone"),
        ({"--languages": "en,xx"}, "Unknown working language “xx”"),
        ({"--languages": ","}, "Unknown working language"),
        ({"--slug": "bad slug!"}, "lower-case letters, digits and hyphens"),
    ],
)
def test_bad_network_details_create_nothing(kyrgyzstan, change, message):
    args = list(GEORGIA)
    for option, value in change.items():
        args[args.index(option) + 1] = value
    before = nothing_created()
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        run(*args, "--secretariat-email", "nino@example.org")
    assert "Nothing was created" in str(error.value)
    assert nothing_created() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--cadence", "weekly"], "Unknown cadence “weekly”: choose one of monthly, bimonthly"),
        (["--approval", "majority"], "Unknown approval “majority”"),
        (["--region", "atlantis"], "There is no region “atlantis”"),
        (["--secretariat-email", "not-an-email"], "is not a valid email address"),
        (["--secretariat-organisation", "IOM"], "need --secretariat-email"),
        (
            ["--secretariat-email", "a@example.org", "--secretariat-organisation", "Acme Corp"],
            "There is no organisation “Acme Corp”",
        ),
    ],
)
def test_bad_options_create_nothing(extra, message):
    before = nothing_created()
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*GEORGIA, *extra)
    assert nothing_created() == before


def test_an_ambiguous_organisation_creates_nothing():
    Organisation.objects.create(name="Ministry of Interior A", acronym="MOI", kind="government")
    Organisation.objects.create(name="Ministry of Interior B", acronym="MOI", kind="government")
    before = nothing_created()
    with pytest.raises(CommandError, match="names several organisations"):
        run(*GEORGIA, "--secretariat-email", "a@example.org", "--secretariat-organisation", "moi")
    assert nothing_created() == before


def test_required_options_are_named():
    with pytest.raises(CommandError, match="--time-zone"):
        call_command(
            "create_network",
            "--name",
            "X",
            "--slug",
            "x",
            "--code",
            "X",
            "--country",
            "X",
            "--languages",
            "en",
        )
