"""The regional pages guide: the heatmap writes each objective's label whole, the overview
and the coverage come as spreadsheet and CSV, and a network's designation footnote (Kosovo's)
is printed wherever that network is listed."""

import csv
import io
import re

from openpyxl import load_workbook

from networks.models import Network
from networks.scoping import scopes_disabled
from tests.factories import build_network
from tests.reports.conftest import submit
from tests.reports.test_regional import viewer_of

REPORTS = "/regions/eca/reports/?quarter=2026-Q3"
COVERAGE = "/regions/eca/coverage/"
FOOTNOTE = (
    "References to Kosovo shall be understood to be in the context of United Nations "
    "Security Council resolution 1244 (1999)."
)


def kosovo(eca):
    with scopes_disabled():
        built = build_network("kosovo", code="KOS", region_obj=eca, time_zone="Europe/Belgrade")
        Network.objects.filter(pk=built.network.pk).update(designation_footnote=FOOTNOTE)
    return built


def svg_text(page: str) -> str:
    """What the heatmap writes (not the titles a pointer shows)."""
    svg = page[page.index("<svg") : page.index("</svg>")]
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", svg).split())


def test_the_heatmap_writes_every_objective_label_whole(q3, kyrgyzstan, eca, client):
    client.force_login(viewer_of(eca))
    text = svg_text(client.get(REPORTS).content.decode())
    assert "4. Legal identity and documentation" in text
    assert "19. Migrant and diaspora contributions" in text


def test_kosovo_s_footnote_is_printed_where_kosovo_is_listed(kyrgyzstan, eca, client):
    client.force_login(viewer_of(eca))
    for url in (REPORTS, COVERAGE):
        assert "1244" not in client.get(url).content.decode(), url
    kosovo(eca)
    for url in (REPORTS, COVERAGE):
        page = client.get(url).content.decode()
        assert page.count(FOOTNOTE) == 1, url
        assert 'href="#note-kosovo"' in page, url


def test_the_overview_and_coverage_download_as_xlsx_and_csv(q3, kyrgyzstan, eca, client):
    _expected, report = q3
    submit(kyrgyzstan, report)
    kosovo(eca)
    client.force_login(viewer_of(eca))
    page = client.get(REPORTS).content.decode()
    assert 'href="/regions/eca/reports/export.xlsx?quarter=2026-Q3"' in page
    assert 'href="/regions/eca/reports/export.csv?quarter=2026-Q3"' in page

    response = client.get("/regions/eca/reports/export.xlsx?quarter=2026-Q3")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Reports", "GCM coverage"]
    sheet = book["Reports"]
    cells = [row for row in sheet.iter_rows(values_only=True)]
    flat = [value for row in cells for value in row if value is not None]
    assert "2026-Q3" in flat and "Europe and Central Asia" in flat and FOOTNOTE in flat
    header = next(row for row in cells if row and row[0] == "Network")
    kyrgyz = next(row for row in cells if row and row[0] == "Kyrgyzstan")
    values = dict(zip(header, kyrgyz, strict=False))
    assert values["Meetings held"] == 2 and values["Version"] == 1
    assert values["Required (USD)"] == 55000
    assert next(row for row in cells if row and row[0] == "Kosovo*")[2] == "Not submitted"
    coverage = [row for row in book["GCM coverage"].iter_rows(values_only=True)]
    labels = [row[0] for row in coverage if row and row[0]]
    assert "4. Legal identity and documentation" in labels

    response = client.get("/regions/eca/reports/export.csv?quarter=2026-Q3")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Network",
        "GCM objective",
        "Objective",
        "Activities",
        "Required (USD)",
        "Available (USD)",
        "Spent (USD)",
    ]
    assert any(row[0] == "Kyrgyzstan" and row[1] == "4" for row in rows[1:])


def test_only_the_regions_viewers_download_it(kyrgyzstan, eca, client):
    for someone in (kyrgyzstan.secretariat, kyrgyzstan.rco):
        client.force_login(someone)
        for ext in ("xlsx", "csv"):
            assert client.get(f"/regions/eca/reports/export.{ext}").status_code == 404
    client.logout()
    assert client.get("/regions/eca/reports/export.xlsx").status_code == 302
