"""The story of issue 6 in a real browser: UNDP's focal point in Mongolia reports the
quarter's progress on the activity UNDP leads, and the GCM coverage matrix reflects it."""

import re

import pytest

from networks.scoping import network_scope, scopes_disabled
from reference.models import GCMObjective
from tests.browser.test_meeting_story import as_person  # noqa: F401
from tests.factories import build_network
from workplans import services
from workplans.selectors import reporting_quarter

pytestmark = pytest.mark.browser


def test_undp_reports_its_quarter_and_the_coverage_matrix_follows(
    as_person,  # noqa: F811
    live_server,
    transactional_db,
):
    with scopes_disabled():
        mongolia = build_network("mongolia", code="MNG", time_zone="Asia/Ulaanbaatar")
    people, quarter = mongolia.people, reporting_quarter(mongolia.network)
    with network_scope(mongolia.network):
        plan = services.workplan_create(
            network=mongolia.network,
            by=people["secretariat"],
            title="Joint workplan",
            start_year=int(quarter[:4]),
            years=1,
        )
        outcome = services.outcome_add(
            workplan=plan, by=people["secretariat"], code="1", title="Evidence"
        )
        output = services.output_add(
            outcome=outcome, by=people["secretariat"], code="1.1", title="Data"
        )
        activity = services.activity_add(
            output=output,
            by=people["secretariat"],
            data=services.ActivityData(
                code="1.1.1",
                title="Migration and development dashboard",
                lead_organisation=mongolia.organisations["UNDP"],
                quarters=plan.quarters,
                budget_required=45000,
                budget_available=30000,
                gcm_objectives=list(GCMObjective.objects.filter(number__in=[1, 19])),
            ),
        )
        services.indicator_add(
            activity=activity, by=people["secretariat"], name="Datasets published", target=4
        )
        services.workplan_endorse(workplan=plan, by=people["co_chair"])

    focal_point = as_person(people["member"], "/n/mongolia/")
    focal_point.get_by_role("link", name="Workplans", exact=True).click()
    focal_point.get_by_role("link", name="Joint workplan").click()
    focal_point.get_by_role("link", name="Migration and development dashboard").click()
    focal_point.get_by_role("link", name=f"Report progress for {quarter}").click()
    focal_point.get_by_role("combobox", name=re.compile("^Quarter")).select_option(quarter)
    focal_point.get_by_label("Status").select_option("on_track")
    focal_point.get_by_label("Progress this quarter").fill(
        "The dashboard's first two datasets are online."
    )
    focal_point.get_by_label("Spent to date (USD)").fill("12500")
    focal_point.get_by_label("Datasets published").fill("2")
    focal_point.get_by_role("button", name="Record the update").click()
    focal_point.get_by_text(f"Your update for {quarter} is recorded.").wait_for()
    assert "50%" in focal_point.locator(".facts").inner_text()  # 2 of 4 datasets

    focal_point.get_by_role("link", name="Joint workplan").click()
    focal_point.get_by_role("link", name="GCM coverage").click()
    focal_point.get_by_role("heading", name="GCM coverage").wait_for()
    for number in (1, 19):
        row = focal_point.get_by_role("row", name=re.compile(rf"^{number}\. "))
        row.wait_for()  # .all() below does not wait
        cells = [cell.inner_text() for cell in row.get_by_role("cell").all()]
        # activities, completed, required, available, to be mobilised, spent
        assert cells == ["1", "0", "45,000.00", "30,000.00", "15,000.00", "12,500.00"], cells
    untouched = focal_point.get_by_role("row", name=re.compile(r"^2\. "))
    untouched.wait_for()
    assert untouched.get_by_role("cell").first.inner_text() == "0"

    # On a phone the tree and the matrix scroll inside their tables, not the page.
    focal_point.set_viewport_size({"width": 360, "height": 740})
    for path in (f"/n/mongolia/workplans/{plan.pk}/", f"/n/mongolia/workplans/{plan.pk}/coverage/"):
        focal_point.goto(path)
        assert focal_point.evaluate("document.documentElement.scrollWidth") <= 360, path
