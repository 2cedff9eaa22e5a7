"""manage.py load_demo: the four demo networks and their documented logins, idempotent, and
only in demo mode. These load without the history (--without-history), which
tests/demo/test_history.py loads once for its module."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo.loader import NETWORKS
from networks.models import (
    Invitation,
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
from networks.roles import Role
from networks.scoping import network_scope, scopes_disabled
from portal import clock
from workplans.models import Activity, Workplan

# These tests are about the platform as a whole: they start from an empty database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

User = get_user_model()
SLUGS = ["kyrgyzstan", "belarus", "mongolia", "kosovo"]
LOGINS = ["secretariat", "cochair1", "cochair2", "member", "partner", "rco"]


@pytest.fixture
def demo_mode(settings):
    settings.DEBUG = False
    settings.PORTAL_DEMO = True
    return settings


def snapshot() -> dict:
    with scopes_disabled():
        counts = {
            model.__name__: model.objects.count()
            for model in (
                User,
                Region,
                Network,
                Organisation,
                Participation,
                Membership,
                RegionalViewer,
                WorkingGroup,
                WorkingGroupMember,
                UNSDCFOutcome,
                Invitation,
                Workplan,
                Activity,
            )
        }
    counts["passwords"] = sorted(User.objects.values_list("email", "password"))
    return counts


def load(**kwargs) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_demo", "--without-history", stdout=out, **kwargs)
    return out.getvalue()


def test_load_demo_refuses_outside_demo_mode_and_changes_nothing(settings):
    settings.DEBUG = False
    settings.PORTAL_DEMO = False
    before = snapshot()
    with pytest.raises(CommandError, match="only runs in demo mode"):
        load()
    assert snapshot() == before
    assert not Network.objects.exists()


def test_load_demo_runs_with_debug_on(settings):
    settings.DEBUG = True
    settings.PORTAL_DEMO = False
    load()
    assert sorted(Network.objects.values_list("slug", flat=True)) == sorted(SLUGS)


def test_a_second_run_changes_nothing(demo_mode):
    first = load()
    after_first = snapshot()
    second = load()
    assert snapshot() == after_first
    assert "Demo loaded" in first
    assert "nothing changed" in second
    assert after_first["Network"] == 4


def test_every_documented_login_signs_in_with_the_demo_password(demo_mode):
    output = load()
    emails = [f"{login}@{slug}.example.org" for slug in SLUGS for login in LOGINS]
    emails.append("regional@example.org")
    for email in emails:
        assert authenticate(None, username=email, password="demo-portal-2026") is not None, email
        assert email in output
    assert authenticate(None, username="member@kyrgyzstan.example.org", password="wrong") is None


def test_demo_password_comes_from_the_environment(demo_mode, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-long-secret-7")
    output = load()
    assert "another-long-secret-7" not in output
    assert authenticate(
        None, username="secretariat@belarus.example.org", password="another-long-secret-7"
    )
    assert not authenticate(
        None, username="secretariat@belarus.example.org", password="demo-portal-2026"
    )

    # Loading again with the password changed back makes the documented one work again.
    monkeypatch.delenv("DEMO_PASSWORD")
    load()
    assert authenticate(
        None, username="secretariat@belarus.example.org", password="demo-portal-2026"
    )


def roles_of(network: Network) -> dict[str, tuple[str, str]]:
    with network_scope(network):
        return {
            m.user.email.split("@")[0]: (m.role, m.organisation.acronym)
            for m in Membership.objects.active().select_related("user", "organisation")
        }


def test_each_network_has_its_roles_held_by_the_documented_logins(demo_mode):
    load()
    for slug in SLUGS:
        network = Network.objects.get(slug=slug)
        roles = roles_of(network)
        assert roles["secretariat"] == (Role.SECRETARIAT, "IOM")
        assert roles["cochair1"][0] == Role.CO_CHAIR
        assert roles["cochair2"] == (Role.CO_CHAIR, "IOM")
        assert roles["member"] == (Role.MEMBER, "UNDP")
        assert roles["partner"][0] == Role.EXTERNAL_PARTNER
        assert roles["rco"][0] == Role.RCO_REPORTER
        # The co-chair from the coordinator's office and the RCO reporter share that office.
        assert roles["cochair1"][1] == roles["rco"][1]
        with network_scope(network):
            authority = Participation.objects.active().get(is_national_authority=True)
            assert authority.type == Participation.Type.EXTERNAL_PARTNER
            partner = Membership.objects.get(user__email=f"partner@{slug}.example.org")
            assert partner.organisation == authority.organisation
            assert WorkingGroup.objects.count() == 1
            # Member lists look real: more focal points than the six logins.
            assert Membership.objects.active().filter(role=Role.MEMBER).count() >= 5


def test_member_organisations_follow_the_terms_of_reference(demo_mode):
    load()
    expected = {
        "kyrgyzstan": {
            "RCO",
            "IOM",
            "UNODC",
            "UNDP",
            "UN Women",
            "FAO",
            "UNICEF",
            "UNHCR",
            "ILO",
            "UNESCO",
        },
        "mongolia": {"RCO", "IOM", "UNDP", "UNICEF", "UNHCR", "UNFPA", "FAO", "ILO", "UNESCO"},
    }
    for slug, acronyms in expected.items():
        network = Network.objects.get(slug=slug)
        with network_scope(network):
            members = set(
                Participation.objects.active()
                .filter(type=Participation.Type.MEMBER)
                .values_list("organisation__acronym", flat=True)
            )
        assert members == acronyms
    # Organisations are shared: one IOM, taking part in all four networks.
    iom = Organisation.objects.get(acronym="IOM")
    with scopes_disabled():
        assert Participation.objects.filter(organisation=iom).count() == 4


def test_network_settings_follow_the_seeds(demo_mode):
    load()
    kgz = Network.objects.get(slug="kyrgyzstan")
    assert (kgz.code, kgz.time_zone, kgz.meeting_cadence) == ("KGZ", "Asia/Bishkek", "quarterly")
    assert "Concept of Migration Policy of the Kyrgyz Republic" in kgz.national_policy
    with network_scope(kgz):
        authority = Participation.objects.active().get(is_national_authority=True).organisation
    assert (
        authority.name == "Ministry of Labour, Social Security and Migration of the Kyrgyz Republic"
    )

    blr = Network.objects.get(slug="belarus")
    assert (blr.code, blr.time_zone, blr.meeting_cadence) == ("BLR", "Europe/Minsk", "bimonthly")
    with network_scope(blr):
        pillars = list(UNSDCFOutcome.objects.values_list("title", "period"))
    assert pillars[0] == ("Green transition for inclusive and sustainable growth", "2021–2025")
    assert len(pillars) == 4

    mng = Network.objects.get(slug="mongolia")
    assert (mng.code, mng.time_zone, mng.region.slug) == ("MNG", "Asia/Ulaanbaatar", "asia-pacific")
    with network_scope(mng):
        partners = set(
            Participation.objects.active()
            .filter(type=Participation.Type.EXTERNAL_PARTNER)
            .values_list("organisation__name", "is_national_authority")
        )
    assert partners == {
        ("Ministry of Foreign Affairs of Mongolia", True),
        ("National Statistical Office of Mongolia", False),
        ("Ministry of Labour and Social Protection of Mongolia", False),
    }

    kos = Network.objects.get(slug="kosovo")
    assert kos.designation_footnote == (
        "References to Kosovo shall be understood to be in the context of United Nations "
        "Security Council resolution 1244 (1999)."
    )
    assert (kos.un_team_name, kos.coordinator_title) == (
        "UN Kosovo Team",
        "Development Coordinator",
    )
    assert (kos.code, kos.time_zone) == ("KOS", "Europe/Belgrade")
    # Its people read "Pristina time", never the zone's identifier.
    assert kos.time_zone_name == "Pristina time"


def test_the_regional_viewer_sees_the_europe_and_central_asia_networks(demo_mode):
    load()
    viewer = RegionalViewer.objects.active().get(user__email="regional@example.org")
    assert viewer.region.slug == "eca"
    assert sorted(viewer.region.networks.values_list("slug", flat=True)) == [
        "belarus",
        "kosovo",
        "kyrgyzstan",
    ]


def test_every_demo_network_definition_names_the_six_logins():
    for spec in NETWORKS:
        assert sorted(p.login for p in spec.people if p.login) == sorted(LOGINS), spec.slug


def test_a_clash_with_hand_made_data_is_a_clear_message_and_changes_nothing(demo_mode, kyrgyzstan):
    # The test network "kyrgyzstan" already has its own national authority.
    before = snapshot()
    with pytest.raises(CommandError, match="The demo could not be loaded: .*national authority"):
        load()
    assert snapshot() == before


def test_people_take_part_from_the_day_their_network_was_founded(demo_mode):
    load()
    kgz = Network.objects.get(slug="kyrgyzstan")
    with network_scope(kgz):
        started = Membership.objects.values_list("started_at", flat=True)
        assert {clock.network_local(s, kgz).date() for s in started} == {dt.date(2020, 4, 15)}
    assert clock.network_local(kgz.created_at, kgz).date() == dt.date(2020, 4, 15)


def test_a_network_left_by_an_earlier_loader_is_refused_clearly(demo_mode):
    load()
    # An earlier loader started every membership on the day it ran, and built no history.
    with scopes_disabled():
        Membership.objects.update(started_at=timezone.now() - dt.timedelta(days=3))
    before = snapshot()
    with pytest.raises(CommandError, match="earlier version of load_demo.*Reset the database"):
        call_command("load_demo", verbosity=0)
    assert snapshot() == before
