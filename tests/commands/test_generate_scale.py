"""manage.py generate_scale: realistic volume for benchmarks, only in demo mode."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from networks.models import Membership, Network, Organisation, Participation, WorkingGroup
from networks.roles import Role
from networks.scoping import network_scope, scopes_disabled

# These tests are about the platform as a whole: they start from an empty database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def demo_mode(settings):
    settings.DEBUG = False
    settings.PORTAL_DEMO = True


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_scale", *args, stdout=out)
    return out.getvalue()


def test_refuses_outside_demo_mode_and_creates_nothing(settings):
    settings.DEBUG = False
    settings.PORTAL_DEMO = False
    with pytest.raises(CommandError, match="only runs in demo mode"):
        generate("--networks", "3")
    assert not Network.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--networks", "0"], "--networks must be between 1 and 2000, not 0"),
        (["--networks", "-5"], "--networks must be between 1 and 2000"),
        (["--networks", "1000000"], "--networks must be between 1 and 2000"),
        (["--networks", "3", "--years", "0"], "--years must be between 1 and 20, not 0"),
        (["--networks", "3", "--years", "500"], "--years must be between 1 and 20"),
    ],
)
def test_absurd_values_are_refused(demo_mode, args, message):
    with pytest.raises(CommandError, match=message):
        generate(*args)
    assert not Network.objects.exists()


def test_generates_realistic_networks_up_to_the_total_asked(demo_mode, kyrgyzstan):
    output = generate("--networks", "6", "--years", "3")
    assert "Generated 5 networks (6 in all)" in output
    assert Network.objects.count() == 6

    with scopes_disabled():
        generated = Network.objects.filter(slug__startswith="scale-")
        assert generated.count() == 5
        for network in generated:
            participations = Participation.objects.filter(network=network)
            members = participations.filter(type=Participation.Type.MEMBER)
            assert 8 <= members.count() <= 15
            assert participations.filter(is_national_authority=True).count() == 1
            roles = (
                Membership.objects.active()
                .filter(network=network)
                .aggregate(
                    secretariat=Count("id", filter=Q(role=Role.SECRETARIAT)),
                    co_chairs=Count("id", filter=Q(role=Role.CO_CHAIR)),
                    rco=Count("id", filter=Q(role=Role.RCO_REPORTER)),
                    members=Count("id", filter=Q(role=Role.MEMBER)),
                )
            )
            assert roles["secretariat"] == 1 and roles["co_chairs"] == 2 and roles["rco"] == 1
            assert roles["members"] >= members.count() - 2  # every agency has a focal point
            assert 1 <= WorkingGroup.objects.filter(network=network).count() <= 3
        # One shared pool: one IOM row takes part in every network.
        iom = Organisation.objects.get(acronym="IOM", kind=Organisation.Kind.UN_AGENCY)
        assert Participation.objects.filter(organisation=iom).count() == 6


def test_a_second_run_with_the_same_total_generates_nothing(demo_mode):
    generate("--networks", "2")
    users = get_user_model().objects.count()
    output = generate("--networks", "2")
    assert "already holds 2 networks" in output
    assert get_user_model().objects.count() == users
    generate("--networks", "3")
    assert sorted(Network.objects.values_list("slug", flat=True)) == [
        "scale-0001",
        "scale-0002",
        "scale-0003",
    ]


def test_every_network_gets_a_regular_meeting_each_quarter_of_the_history(demo_mode, kyrgyzstan):
    from meetings.models import AgendaItem, Meeting, Participant
    from networks.scoping import scopes_disabled

    generate("--networks", "3", "--years", "2")
    with scopes_disabled():
        per_network = {
            network_id: Meeting.objects.filter(network_id=network_id).count()
            for network_id in Network.objects.values_list("pk", flat=True)
        }
        kyrgyz = Meeting.objects.filter(network=kyrgyzstan.network)
        assert AgendaItem.objects.filter(meeting__in=kyrgyz).count() == 8 * 5
        assert Participant.objects.filter(meeting__in=kyrgyz).count() == 8 * 5
    assert set(per_network.values()) == {8}


def test_documents_fill_each_demo_networks_library(demo_mode, kyrgyzstan):
    from documents.models import Document, DocumentVersion

    generate("--networks", "2", "--documents", "50")
    with scopes_disabled():
        assert Document.objects.filter(network=kyrgyzstan.network).count() == 50
        assert DocumentVersion.objects.filter(document__network=kyrgyzstan.network).count() == 50
        assert not Document.objects.filter(network__slug__startswith="scale-").exists()
    generate("--networks", "2", "--documents", "50")  # a second run adds nothing
    with scopes_disabled():
        assert Document.objects.count() == 50
    with pytest.raises(CommandError, match="--documents must be between"):
        generate("--networks", "2", "--documents", "999999")


def test_activities_fill_every_networks_active_workplan(demo_mode, kyrgyzstan):
    from workplans.models import Activity, Workplan
    from workplans.selectors import workplan_tree

    generate("--networks", "3", "--activities", "40")
    with scopes_disabled():
        assert Workplan.objects.filter(status="active").count() == 3
        for network in Network.objects.all():
            assert Activity.objects.filter(network=network).count() == 40
        assert Activity.gcm_objectives.through.objects.count() >= 40
    with network_scope(kyrgyzstan.network):
        tree = workplan_tree(Workplan.objects.get())
    assert tree.total.activities == 40 and tree.total.required > 0
    generate("--networks", "3", "--activities", "40")  # a second run adds nothing
    with scopes_disabled():
        assert Activity.objects.count() == 120
    with pytest.raises(CommandError, match="--activities must be between"):
        generate("--networks", "3", "--activities", "5000")
