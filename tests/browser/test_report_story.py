"""The story of issue 8 in a real browser: a co-chair of Kosovo submits the Q3 report to the
UN Kosovo Team, and the RCO downloads its PDF, which holds the figures and the designation
footnote."""

import io
import re

import pytest
from pypdf import PdfReader

from common.quarters import last_ended_quarter
from networks.models import Network
from networks.scoping import network_scope, scopes_disabled
from reports import services
from reports.models import ReportVersion
from tests.browser.test_meeting_story import as_person  # noqa: F401
from tests.factories import build_network
from tests.reports.conftest import build_quarter

pytestmark = pytest.mark.browser

FOOTNOTE = (
    "References to Kosovo shall be understood to be in the context of United Nations "
    "Security Council resolution 1244 (1999)."
)


@pytest.mark.real_pdf  # reads what the PDF says
def test_a_kosovo_co_chair_submits_q3_and_the_rco_downloads_the_pdf(
    as_person,  # noqa: F811
    live_server,
    transactional_db,
):
    with scopes_disabled():
        kosovo = build_network("kosovo", code="KOS", time_zone="Europe/Belgrade")
        Network.objects.filter(pk=kosovo.network.pk).update(
            designation_footnote=FOOTNOTE,
            un_team_name="UN Kosovo Team",
            coordinator_title="Development Coordinator",
        )
        kosovo.network.refresh_from_db()
    period = last_ended_quarter(kosovo.network)
    assert period.label == "2026-Q3", "the hand-built quarter below is 2026-Q3"
    build_quarter(kosovo)
    with network_scope(kosovo.network):
        report, _ = services.report_open(
            network=kosovo.network, by=None, year=period.year, quarter=period.quarter, notify=True
        )
        services.narrative_save(
            report=report,
            by=kosovo.secretariat,
            narrative="The network met twice and adopted a joint statement.",
            revision=report.revision,
        )

    # Every co-chair in office signs (issue #14): the first signature waits for the other.
    co_chair = as_person(kosovo.co_chair, "/n/kosovo/")
    co_chair.get_by_role("link", name="Reports", exact=True).click()
    co_chair.get_by_role("link", name="2026-Q3").click()
    co_chair.get_by_text("A draft: the figures are computed").wait_for()
    co_chair.get_by_role("button", name="Submit to the UN Kosovo Team").click()
    co_chair.get_by_text(
        "Your signature is recorded; the report goes to the UN Kosovo Team once the other "
        "co-chairs have signed it too."
    ).wait_for()
    other = as_person(kosovo.co_chair2, "/n/kosovo/")
    other.get_by_role("link", name="Reports", exact=True).click()
    other.get_by_role("link", name="2026-Q3").click()
    other.get_by_role("button", name="Submit to the UN Kosovo Team").click()
    other.get_by_text(
        "The report for 2026-Q3 is submitted to the UN Kosovo Team (version 1)."
    ).wait_for()

    rco = as_person(kosovo.rco, "/n/kosovo/")
    rco.get_by_role("link", name="Reports", exact=True).click()
    rco.get_by_role("link", name="2026-Q3").click()
    download = rco.get_by_role("link", name="Download PDF")
    response = rco.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    with network_scope(kosovo.network):
        figures = ReportVersion.objects.get(report=report, number=1).figures
    # Counted in Belgrade: the meeting of 30 June 20:00 UTC is the second quarter's, and the
    # one of 30 September 19:00 UTC (21:00 in Pristina) the third's, without attendance.
    assert figures["meetings"]["held"] == 2 and figures["meetings"]["all_represented"] == 0
    assert figures["decisions"]["adopted"] == 2
    for figure in (
        "Meetings held 2",
        "Network meetings with every member organisation represented 0",
        "Decisions adopted 2",
        f"Written procedures run {figures['decisions']['procedures']}",
        f"Action points overdue {figures['action_points']['overdue']}",
        "Budget required (USD) 55,000.00",
        "Spent (USD) 21,500.00",
        "Documents circulated 1",
        f"Meetings planned next quarter {figures['next_quarter']['meetings_planned']}",
    ):
        assert figure in text, figure
    assert "UN Kosovo Team" in text
    assert "The network met twice and adopted a joint statement." in text
    # The footnote is on every page.
    for page in reader.pages:
        assert re.sub(r"\s+", " ", FOOTNOTE) in " ".join(page.extract_text().split())
