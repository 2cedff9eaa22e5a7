"""The server-rendered pages: what each role sees and does not see, the layout on every page,
ending memberships and working groups."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from networks import services
from networks.models import (
    Membership,
    Network,
    Organisation,
    Participation,
    RegionalViewer,
    WorkingGroup,
    WorkingGroupMember,
)
from networks.scoping import network_scope, scopes_disabled
from tests.factories import build_network, organisation, person
from tests.helpers import without_csrf
from tests.test_isolation import fill, network_routes

HOME = reverse("networks:home", kwargs={"network": "kyrgyzstan"})
FOOTNOTE = (
    "References to Kosovo shall be understood to be in the context of United Nations Security "
    "Council resolution 1244 (1999)."
)


def url(name, network="kyrgyzstan", **kwargs):
    return reverse(f"networks:{name}", kwargs={"network": network, **kwargs})


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


@pytest.fixture
def kosovo(db):
    with scopes_disabled():
        kosovo = build_network("kosovo", code="KOS", time_zone="Europe/Belgrade")
    Network.objects.filter(pk=kosovo.network.pk).update(
        designation_footnote=FOOTNOTE,
        un_team_name="UN Kosovo Team",
        coordinator_title="Development Coordinator",
    )
    kosovo.network.refresh_from_db()
    return kosovo


@pytest.fixture
def regional_viewer(eca):
    viewer = person("regional@example.org", full_name="Regional Viewer")
    RegionalViewer.objects.create(user=viewer, region=eca)
    return viewer


# --- The landing page -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_landing_lists_my_network_with_my_roles_even_when_i_have_only_one(
    kyrgyzstan, mongolia, login
):
    response = login(kyrgyzstan.member).get("/")
    assert response.status_code == 200  # one network is no reason to skip the landing page
    page = response.content.decode()
    assert kyrgyzstan.network.name in page
    assert "Kyrgyzstan" in page  # the country
    assert "Member focal point" in page
    assert mongolia.network.name not in page


def test_a_person_in_two_networks_sees_both_with_their_roles_and_switches(
    kyrgyzstan, mongolia, login
):
    officer = kyrgyzstan.secretariat
    services.membership_start(
        network=mongolia.network,
        user=officer,
        organisation=mongolia.organisations["IOM"],
        role="co_chair",
    )
    client = login(officer)
    page = client.get("/").content.decode()
    assert kyrgyzstan.network.name in page and mongolia.network.name in page
    assert "Secretariat" in page and "Co-chair" in page
    # The switcher offers both networks and takes the person to the one chosen.
    assert 'value="mongolia"' in page and 'value="kyrgyzstan"' in page
    switched = client.get(reverse("switch-network"), {"network": "mongolia"}, follow=True)
    assert switched.redirect_chain[-1][0] == url("home", network="mongolia")
    assert switched.status_code == 200
    assert "<h1>" + mongolia.network.name + "</h1>" in switched.content.decode()


def test_regional_viewer_finds_the_networks_of_the_region_on_the_landing_page(
    kyrgyzstan, mongolia, regional_viewer, login
):
    page = login(regional_viewer).get("/").content.decode()
    assert kyrgyzstan.network.name in page  # Kyrgyzstan is in Europe and Central Asia
    assert "Regional viewer" in page
    assert mongolia.network.name not in page  # Mongolia is in no region here


def test_platform_operator_without_a_role_is_told_where_networks_are_created(kyrgyzstan, client):
    operator = get_user_model().objects.create_superuser(
        email="operator@example.org", password="operator-pass-123"
    )
    client.force_login(operator)
    page = client.get("/").content.decode()
    assert 'href="/operators/"' in page
    assert "operators' administration" in page
    assert kyrgyzstan.network.name not in page
    assert client.get(HOME).status_code == 404  # and no network content either


# --- The layout of every page ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        HOME,
        url("working-group-list"),
        url("members"),
        url("invite"),
        "/accounts/profile/",
        "/n/atlantis/",
    ],
)
def test_every_page_has_one_h1_landmarks_a_skip_link_and_its_language(kyrgyzstan, login, path):
    client = login(kyrgyzstan.secretariat)
    for language in ("en", "ru"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}">' in page
        assert h1_count(page) == 1, path
        assert '<a class="skip-link" href="#main">' in page
        assert '<main id="main"' in page and "<header" in page and "<footer" in page


def test_the_header_offers_the_user_menu_and_the_language_switch(kyrgyzstan, login):
    page = login(kyrgyzstan.member).get(HOME).content.decode()
    for target in ("/accounts/profile/", "/accounts/tokens/", reverse("usersessions_list")):
        assert f'href="{target}"' in page
    # Signing out and changing the language are POST forms, so a link cannot trigger them.
    assert re.search(rf'<form method="post" action="{reverse("account_logout")}">', page)
    assert re.search(
        rf'<form class="language" method="post" action="{reverse("set_language")}">', page
    )
    assert '<label for="language-switch">' in page and '<option value="ru" lang="ru">' in page


def test_the_language_switch_turns_the_pages_russian(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    response = client.post(reverse("set_language"), {"language": "ru"}, HTTP_REFERER=HOME)
    assert response.status_code == 302 and response["Location"] == HOME
    page = client.get(HOME).content.decode()
    assert '<html lang="ru">' in page
    assert "Ждёт вашего действия" in page
    assert "Список членов" in client.get(url("members")).content.decode()


def test_the_network_navigation_follows_the_role(kyrgyzstan, regional_viewer, login):
    groups = url("working-group-list")
    mailings = reverse("circulation:list", kwargs={"network": "kyrgyzstan"})
    secretariat = login(kyrgyzstan.secretariat).get(HOME).content.decode()
    assert f'href="{groups}"' in secretariat and f'href="{mailings}"' in secretariat
    member = login(kyrgyzstan.member).get(HOME).content.decode()
    assert f'href="{groups}"' in member and f'href="{mailings}"' not in member
    viewer = login(regional_viewer).get(HOME).content.decode()
    assert f'href="{groups}"' not in viewer


def test_messages_are_shown_on_the_next_page(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    page = client.post(
        url("membership-end", membership_id=membership.pk), {"reason": ""}, follow=True
    ).content.decode()
    assert '<ul class="messages" role="status">' in page
    assert "no longer holds the role Member focal point" in page


# --- The network home and its member list ------------------------------------------------


def test_network_home_shows_the_network_and_links_its_member_list_by_participation(kosovo, login):
    with network_scope(kosovo.network):
        services.participation_add(
            network=kosovo.network,
            organisation=organisation("WB", Organisation.Kind.IFI, name="World Bank"),
            type=Participation.Type.OBSERVER,
        )
    client = login(kosovo.member)
    home = client.get(url("home", network="kosovo")).content.decode()
    assert f"<h1>{kosovo.network.name}</h1>" in home
    for fact in ("Quarterly", "All co-chairs approve", "UN Kosovo Team", "Development Coordinator"):
        assert fact in home
    members_page = url("members", network="kosovo")
    assert f'href="{members_page}"' in home
    assert kosovo.co_chair.email not in home  # the people are on the member list's own page
    page = client.get(members_page).content.decode()
    assert "<h1>Member list</h1>" in page
    members, observers, partners = (
        page.index(">Members <"),
        page.index(">Observers <"),
        page.index(">External partners <"),
    )
    assert members < observers < partners
    assert page.index("United Nations Development Programme") < observers
    assert observers < page.index("World Bank") < partners
    authority = page.index("National migration authority (kosovo)")
    assert authority > partners
    assert page.index("National authority", authority) - authority < 80  # marked beside it
    co_chair = kosovo.co_chair
    assert f'<a class="email" href="mailto:{co_chair.email}">{co_chair.email}</a>' in page
    assert co_chair.get_full_name() in page


def test_regional_viewer_sees_the_network_but_not_its_people(kyrgyzstan, regional_viewer, login):
    client = login(regional_viewer)
    response = client.get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert kyrgyzstan.network.name in page and "Quarterly" in page
    assert f'href="{url("members")}"' not in page
    for someone in kyrgyzstan.people.values():
        assert someone.email not in page
    assert client.get(url("members")).status_code == 403
    assert client.get(url("members-csv")).status_code == 403


def test_external_partner_sees_no_member_list(kyrgyzstan, login):
    client = login(kyrgyzstan.partner)
    page = client.get(HOME).content.decode()
    assert f'href="{url("members")}"' not in page
    assert kyrgyzstan.member.email not in page
    assert client.get(url("members")).status_code == 403


def test_the_secretariat_invites_and_ends_memberships_a_co_chair_only_the_co_chairs(
    kyrgyzstan, login
):
    # Separation of duties (tests/networks/test_duties.py): the co-chair role is the serving
    # co-chairs' to grant and end; every other role the secretariat's.
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
        co_chair2 = Membership.objects.get(user=kyrgyzstan.co_chair2)
    end = url("membership-end", membership_id=membership.pk)
    end_co_chair = url("membership-end", membership_id=co_chair2.pk)
    members = url("members")
    secretariat = login(kyrgyzstan.secretariat).get(members).content.decode()
    assert f'href="{end}"' in secretariat and f'href="{url("invite")}"' in secretariat
    assert f'href="{end_co_chair}"' not in secretariat
    co_chair = login(kyrgyzstan.co_chair).get(members).content.decode()
    assert f'href="{end}"' not in co_chair and f'href="{end_co_chair}"' in co_chair
    assert f'href="{url("invite")}"' in co_chair
    assert "Export as CSV" in co_chair
    member = login(kyrgyzstan.member).get(members).content.decode()
    assert "End membership" not in member and url("invite") not in member


def test_member_of_mongolia_gets_404_on_kyrgyzstans_home(kyrgyzstan, mongolia, login):
    response = login(mongolia.member).get(HOME)
    assert response.status_code == 404


def test_the_404_is_the_same_for_an_unknown_and_someone_elses_network(kyrgyzstan, mongolia, login):
    client = login(mongolia.member)
    theirs = client.get(HOME)
    missing = client.get("/n/atlantis/")
    assert theirs.status_code == missing.status_code == 404
    assert without_csrf(theirs.content) == without_csrf(missing.content)
    assert b"Kyrgyz" not in theirs.content


def test_a_404_inside_my_own_network_names_no_network(kosovo, login):
    page = login(kosovo.member).get(url("working-group-detail", network="kosovo", pk=999999))
    assert page.status_code == 404
    assert kosovo.network.name not in page.content.decode().split("<select", 1)[0]
    assert "1244" not in page.content.decode()


# --- The designation footnote --------------------------------------------------------------


def test_designation_footnote_on_every_page_of_the_network(kosovo, kyrgyzstan, client):
    """Every page route under /n/<network>/, as the secretariat (pages) and as an external
    partner (who meets the 403 page of the network on most of them)."""
    pages = [r for r in network_routes() if not r.is_api]
    checked = set()
    for who in ("secretariat", "partner"):
        client.force_login(kosovo.people[who])
        for route in pages:
            response = client.get(reverse(route.name, kwargs=fill(route, kosovo)))
            if not response["Content-Type"].startswith("text/html"):
                continue  # the CSV and PDF exports, tested in test_exports.py
            if response.status_code not in (200, 403):
                continue  # POST-only routes answer 405 without a page
            assert FOOTNOTE in response.content.decode(), (who, route.name)
            checked.add(route.name)
    assert {"networks:home", "networks:working-group-list", "networks:invite"} <= checked
    assert len(checked) >= 8
    client.force_login(kyrgyzstan.secretariat)
    assert "1244" not in client.get(HOME).content.decode()  # another network has none


# --- Ending a membership -----------------------------------------------------------------


def test_the_secretariat_confirms_then_ends_a_membership_and_history_is_kept(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    end = url("membership-end", membership_id=membership.pk)
    confirmation = client.get(end).content.decode()
    assert kyrgyzstan.member.get_full_name() in confirmation
    assert 'name="reason"' in confirmation
    with network_scope(kyrgyzstan.network):
        assert Membership.objects.get(pk=membership.pk).ended_at is None  # GET changes nothing

    response = client.post(end, {"reason": "Left UNDP"})
    assert response.status_code == 302 and response["Location"] == url("members")
    with network_scope(kyrgyzstan.network):
        membership.refresh_from_db()
    assert membership.ended_at is not None and membership.end_reason == "Left UNDP"
    assert kyrgyzstan.member.email not in client.get(HOME).content.decode()


def test_ending_an_ended_membership_says_so_and_changes_nothing(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    end = url("membership-end", membership_id=membership.pk)
    client.post(end, {"reason": "Left UNDP"})
    with network_scope(kyrgyzstan.network):
        first_end = Membership.objects.get(pk=membership.pk).ended_at

    again = client.post(end, {"reason": "twice"})
    assert again.status_code == 409
    assert "This membership has already ended." in again.content.decode()
    assert "This membership has already ended." in client.get(end).content.decode()
    with network_scope(kyrgyzstan.network):
        membership.refresh_from_db()
    assert membership.end_reason == "Left UNDP" and membership.ended_at == first_end


def test_a_too_long_reason_is_refused_and_nothing_changes(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    response = login(kyrgyzstan.secretariat).post(
        url("membership-end", membership_id=membership.pk), {"reason": "x" * 301}
    )
    assert response.status_code == 400
    assert "at most 300 characters" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        assert Membership.objects.get(pk=membership.pk).ended_at is None


def test_a_membership_of_another_network_is_not_found(kyrgyzstan, mongolia, login):
    with network_scope(mongolia.network):
        theirs = Membership.objects.get(user=mongolia.member)
    client = login(kyrgyzstan.secretariat)
    end = url("membership-end", membership_id=theirs.pk)
    assert client.get(end).status_code == 404
    assert client.post(end, {"reason": "not mine"}).status_code == 404
    with network_scope(mongolia.network):
        assert Membership.objects.get(pk=theirs.pk).ended_at is None


def test_a_member_cannot_end_memberships(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.co_chair)
    client = login(kyrgyzstan.member)
    assert client.get(url("membership-end", membership_id=membership.pk)).status_code == 403
    assert client.post(url("membership-end", membership_id=membership.pk)).status_code == 403
    with network_scope(kyrgyzstan.network):
        assert Membership.objects.get(pk=membership.pk).ended_at is None


# --- Working groups ------------------------------------------------------------------------


@pytest.fixture
def groups(kyrgyzstan):
    with network_scope(kyrgyzstan.network):
        mine = WorkingGroup.objects.create(
            network=kyrgyzstan.network,
            name="Return and reintegration",
            lead_organisation=kyrgyzstan.organisations["IOM"],
        )
        internal = WorkingGroup.objects.create(
            network=kyrgyzstan.network, name="Internal coordination"
        )
        for user in (kyrgyzstan.partner, kyrgyzstan.member):
            WorkingGroupMember.objects.create(
                network=kyrgyzstan.network, working_group=mine, user=user
            )
    return mine, internal


def test_members_see_every_working_group_and_its_members_with_their_organisation(
    kyrgyzstan, groups, login
):
    mine, internal = groups
    client = login(kyrgyzstan.member)
    listing = client.get(url("working-group-list")).content.decode()
    assert "Return and reintegration" in listing and "Internal coordination" in listing
    assert "2 members" in listing
    detail = client.get(url("working-group-detail", pk=mine.pk)).content.decode()
    assert "<h1>Return and reintegration</h1>" in detail
    assert kyrgyzstan.partner.get_full_name() in detail
    assert "National migration authority (kyrgyzstan) (MLSM)" in detail
    assert "United Nations Development Programme (UNDP)" in detail


def test_external_partners_see_only_their_working_groups(kyrgyzstan, groups, login):
    mine, internal = groups
    client = login(kyrgyzstan.partner)
    listing = client.get(url("working-group-list")).content.decode()
    assert "Return and reintegration" in listing and "Internal coordination" not in listing
    assert client.get(url("working-group-detail", pk=mine.pk)).status_code == 200
    assert client.get(url("working-group-detail", pk=internal.pk)).status_code == 404


def test_regional_viewer_sees_no_working_groups(kyrgyzstan, groups, regional_viewer, login):
    assert login(regional_viewer).get(url("working-group-list")).status_code == 403


def test_a_working_group_of_another_network_is_not_found(kyrgyzstan, mongolia, login):
    with network_scope(mongolia.network):
        theirs = WorkingGroup.objects.create(network=mongolia.network, name="Labour migration")
    response = login(kyrgyzstan.member).get(url("working-group-detail", pk=theirs.pk))
    assert response.status_code == 404
    assert b"Labour migration" not in response.content


# --- The network switcher ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["mongolia", "кыргызстан", "../admin", "", "a" * 500])
def test_the_network_switcher_never_fails(kyrgyzstan, login, value):
    response = login(kyrgyzstan.member).get(reverse("switch-network"), {"network": value})
    assert response.status_code == 302
