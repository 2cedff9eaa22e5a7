"""The quarterly report reads a meeting held at 10:00 as 10:00: the page and the PDF in the
network's time with its label, the spreadsheet and the CSV in ISO 8601 with the network's
offset that day — Kosovo's first quarter of 2026 has a meeting on each side of the clocks'
change (UTC+1 on 10 March, UTC+2 on 31 March), and no Kosovo file names Europe/Belgrade."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from meetings.models import Meeting
from networks.scoping import network_scope, scopes_disabled
from reports import services
from tests.factories import build_network
from tests.meetings.conftest import local
from tests.reports.conftest import submit
from tests.reports.test_formats import xlsx_rows

# The network of each case is a fixture looked up by name: the database is asked for here.
pytestmark = pytest.mark.django_db


@pytest.fixture
def kosovo(db):
    with scopes_disabled():
        return build_network(
            "kosovo", code="KOS", time_zone="Europe/Belgrade", time_zone_name="Pristina time"
        )


def held(net, start: str) -> None:
    with network_scope(net.network):
        starts = local(net, start)
        Meeting.objects.create(
            network=net.network,
            title=f"Meeting of {start[:10]}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )


def submitted(net, year: int, quarter: int):
    with network_scope(net.network):
        report, _created = services.report_open(
            network=net.network, by=net.secretariat, year=year, quarter=quarter
        )
    return report, submit(net, report)


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


CASES = [
    pytest.param(
        "kyrgyzstan",
        (2026, 3),
        {"2026-07-14T10:00": ("2026-07-14 10:00 (Bishkek time, UTC+6)", "+06:00")},
        id="bishkek",
    ),
    pytest.param(
        "kosovo",
        (2026, 1),
        {
            "2026-03-10T10:00": ("2026-03-10 10:00 (Pristina time, UTC+1)", "+01:00"),
            "2026-03-31T10:00": ("2026-03-31 10:00 (Pristina time, UTC+2)", "+02:00"),
        },
        id="pristina-on-both-sides-of-the-clocks-change",
    ),
]


@pytest.mark.real_pdf  # reads what the PDF says
@pytest.mark.parametrize("slug, quarter, meetings", CASES)
def test_a_10_00_meeting_reads_10_00_in_the_quarterly_report_pdf_and_xlsx(
    request, client, slug, quarter, meetings
):
    net = request.getfixturevalue(slug)
    for start in meetings:
        held(net, start)
    report, version = submitted(net, *quarter)
    client.force_login(net.rco)
    base = f"/n/{slug}/reports/{report.pk}/v{version.number}/report"

    page = client.get(f"/n/{slug}/reports/{report.pk}/").content.decode()
    text = pdf_text(client.get(f"{base}.pdf").content)
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    cells = [str(row[3]) for row in xlsx_rows(book)]
    rows = csv.reader(io.StringIO(client.get(f"{base}.csv").content.decode("utf-8-sig")))
    csv_cells = [value for row in rows for value in row]
    for start, (shown, offset) in meetings.items():
        machine = f"{start}:00{offset}"  # ISO 8601: 2026-07-14T10:00:00+06:00
        assert shown in page and f'<time datetime="{machine}">' in page
        assert shown in text
        assert machine in cells and machine in csv_cells
    for content in (page, text):
        assert "Europe/Belgrade" not in content and "Asia/Bishkek" not in content
