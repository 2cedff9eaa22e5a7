"""Regional viewers see the submitted reports of their region's networks side by side, with
a GCM coverage heatmap — never a draft, never a document; anyone else gets 404."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.models import Region, RegionalViewer
from networks.scoping import network_scope, scopes_disabled
from reports import services
from tests.factories import build_network, person
from tests.reports.conftest import build_quarter, submit

URL = "/regions/eca/reports/?quarter=2026-Q3"


def viewer_of(region, email="analyst@dcoeca.test"):
    viewer = person(email)
    RegionalViewer.objects.create(user=viewer, region=region)
    return viewer


def test_the_region_compares_submitted_reports_and_hides_drafts(
    q3, kyrgyzstan, mongolia, eca, client
):
    _expected, report = q3
    submit(kyrgyzstan, report)
    with scopes_disabled():
        tajikistan = build_network("tajikistan", code="TJK", region_obj=eca)
        build_network("kosovo", code="KOS", region_obj=eca, time_zone="Europe/Belgrade")
    with network_scope(tajikistan.network):  # a draft: never shown to the region
        services.report_open(
            network=tajikistan.network, by=tajikistan.secretariat, year=2026, quarter=3
        )
    with network_scope(mongolia.network):  # another region's
        theirs, _ = services.report_open(
            network=mongolia.network, by=mongolia.secretariat, year=2026, quarter=3
        )
        # Both co-chairs sign by default (issue #14).
        services.report_submit(report=theirs, by=mongolia.co_chair)
        services.report_submit(report=theirs, by=mongolia.co_chair2)
    client.force_login(viewer_of(eca))
    assert "/regions/eca/reports/" in client.get("/").content.decode()
    page = client.get(URL).content.decode()
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', page, re.S)
    names = [re.sub("<[^>]+>", "", name) for name, _cells in rows if "GCM" not in name]
    assert names == ["Kosovo", "Kyrgyzstan", "Tajikistan"]  # not Mongolia
    kyrgyz = dict((re.sub("<[^>]+>", "", n), c) for n, c in rows)["Kyrgyzstan"]
    cells = re.findall(r"<td>([^<]*)</td>", kyrgyz)
    # meetings, represented, decisions, activities, completed, progress, required, available, spent
    assert cells == ["2", "1 of 2", "1", "3", "1", "50", "55,000.00", "40,000.00", "21,500.00"]
    assert page.count("Not submitted") == 2
    assert "1 network has submitted its report" in page
    assert "<svg" in page and "GCM coverage: activities per objective and network" in page
    # The link leads to the submitted version, which the viewer may open; the draft 404s.
    link = re.search(r'href="(/n/kyrgyzstan/reports/\d+/v1/)"', page)[1]
    assert client.get(link).status_code == 200
    assert client.get(f"{link}report.pdf").status_code == 200
    with scopes_disabled():
        from reports.models import QuarterlyReport

        draft = QuarterlyReport.objects.get(network=tajikistan.network)
    assert client.get(f"/n/tajikistan/reports/{draft.pk}/").status_code == 404
    assert "2026-Q3" not in client.get("/n/tajikistan/reports/").content.decode()


def test_only_the_regions_viewers_see_it(kyrgyzstan, eca, client):
    for someone in (kyrgyzstan.secretariat, kyrgyzstan.co_chair, kyrgyzstan.rco):
        client.force_login(someone)
        assert client.get(URL).status_code == 404
    other = Region.objects.create(name="Asia and the Pacific", slug="asia-pacific")
    client.force_login(viewer_of(other, "viewer@asia.test"))
    assert client.get(URL).status_code == 404
    assert client.get("/regions/nowhere/reports/").status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_regional_view_runs_a_fixed_number_of_queries(kyrgyzstan, eca, client):
    client.force_login(viewer_of(eca))

    def count():
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    few = count()
    for n in range(3):
        with scopes_disabled():
            extra = build_network(f"net{n}", code=f"N{n}", region_obj=eca)
        build_quarter(extra)
        with network_scope(extra.network):
            report, _ = services.report_open(
                network=extra.network, by=extra.secretariat, year=2026, quarter=3
            )
        submit(extra, report)
    assert count() == few


def test_the_quarter_picker_counts_each_network_in_its_own_time_zone(
    kyrgyzstan, eca, client, monkeypatch
):
    """At 20:00 UTC on 30 September it is already 1 October in Bishkek: the third quarter
    has ended there, so the region can compare it, although it has not ended in UTC."""
    from datetime import UTC, datetime

    from django.utils import timezone

    moment = datetime(2026, 9, 30, 20, 0, tzinfo=UTC)
    viewer = viewer_of(eca)
    RegionalViewer.objects.filter(user=viewer).update(started_at=datetime(2026, 1, 1, tzinfo=UTC))
    client.force_login(viewer)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    response = client.get("/regions/eca/reports/")
    assert response.status_code == 200, response
    page = response.content.decode()
    offered = re.findall(r'<option value="(\d{4}-Q\d)"', page)
    assert offered[0] == "2026-Q3", offered


def test_the_page_opens_on_the_latest_quarter_someone_submitted(kyrgyzstan, eca, client):
    # The last ended quarter (2026-Q3 today) is still being drafted: the page would open on
    # nothing; it opens on 2026-Q2, which Kyrgyzstan submitted, and Q3 stays one click away.
    with network_scope(kyrgyzstan.network):
        q2, _ = services.report_open(
            network=kyrgyzstan.network, by=kyrgyzstan.secretariat, year=2026, quarter=2
        )
        services.report_open(
            network=kyrgyzstan.network, by=kyrgyzstan.secretariat, year=2026, quarter=3
        )
    submit(kyrgyzstan, q2)
    client.force_login(viewer_of(eca))
    page = client.get("/regions/eca/reports/").content.decode()
    assert "1 network has submitted its report" in page
    assert re.search(r'<option value="2026-Q2"[^>]*selected', page)
    assert '<option value="2026-Q3"' in page
