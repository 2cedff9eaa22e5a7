"""Regional viewers see the GCM coverage of the endorsed and active workplans of their
region's networks side by side; nobody else sees the page."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.models import RegionalViewer
from networks.scoping import network_scope, scopes_disabled
from tests.factories import build_network, person
from tests.workplans.conftest import build_plan
from workplans import services


def test_the_matrix_adds_up_the_endorsed_plans_of_each_network(
    kyrgyzstan, mongolia, eca, client, db
):
    with scopes_disabled():
        tajikistan = build_network("tajikistan", code="TJK", region_obj=eca)
    elsewhere = mongolia
    build_plan(kyrgyzstan)  # objective 6: A and B, 15,000 required
    build_plan(tajikistan)
    with network_scope(tajikistan.network):  # a draft is never shown
        services.workplan_create(
            network=tajikistan.network,
            by=tajikistan.secretariat,
            title="Draft",
            start_year=2027,
            years=1,
        )
    build_plan(elsewhere)
    viewer = person("analyst@dcoeca.test")
    RegionalViewer.objects.create(user=viewer, region=eca)
    client.force_login(viewer)
    landing = client.get("/").content.decode()
    assert "/regions/eca/coverage/" in landing
    page = client.get("/regions/eca/coverage/").content.decode()
    headers = re.findall(r'<th scope="col">([^<]+)</th>', page)
    assert headers == ["GCM objective", "Kyrgyzstan", "Tajikistan"]  # not Mongolia
    six = re.search(r"<th scope=\"row\">6\. [^<]+</th>(.*?)</tr>", page, re.S)[1]
    assert six.count("2 activities, 15,000 USD") == 2
    two = re.search(r"<th scope=\"row\">2\. [^<]+</th>(.*?)</tr>", page, re.S)[1]
    assert two.count("1 activity, 10,000 USD") == 2  # C (cancelled) left out


def test_only_the_regions_viewers_see_it(kyrgyzstan, eca, client):
    for someone in (kyrgyzstan.secretariat, kyrgyzstan.rco):
        client.force_login(someone)
        assert client.get("/regions/eca/coverage/").status_code == 404
    viewer = person("analyst@dcoeca.test")
    RegionalViewer.objects.create(user=viewer, region=eca)
    client.force_login(viewer)
    assert client.get("/regions/nowhere/coverage/").status_code == 404
    client.logout()
    assert client.get("/regions/eca/coverage/").status_code == 302  # to sign in


def test_the_matrix_runs_fixed_queries_whatever_the_number_of_networks(kyrgyzstan, eca, client):
    viewer = person("analyst@dcoeca.test")
    RegionalViewer.objects.create(user=viewer, region=eca)
    client.force_login(viewer)
    build_plan(kyrgyzstan)
    client.get("/regions/eca/coverage/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/regions/eca/coverage/").status_code == 200
        return len(queries)

    one = count()
    with scopes_disabled():
        for n in range(3):
            build_plan(build_network(f"net{n}", code=f"N{n}", region_obj=eca))
    assert count() == one
