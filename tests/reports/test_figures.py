"""A hand-built quarter's report equals the figures worked out by hand, quarter boundaries
in the network's time zone included."""

from common import quarters
from networks.scoping import network_scope
from reports import presentation, selectors
from tests.reports.conftest import utc


def figure_values(figures) -> dict:
    return {
        cell.key: cell.value
        for table in presentation.tables(figures)
        for row in table.rows
        for cell in row.cells
    }


def test_kyrgyz_q3_equals_the_figures_worked_out_by_hand(q3, kyrgyzstan):
    expected, report = q3
    with network_scope(kyrgyzstan.network):
        figures = selectors.quarter_figures(kyrgyzstan.network, 2026, 3)
        values = figure_values(figures)
    assert {key: values.get(key) for key in expected} == expected


def test_the_quarter_is_counted_in_bishkek_not_in_utc(q3, kyrgyzstan):
    _expected, _report = q3
    with network_scope(kyrgyzstan.network):
        figures = selectors.quarter_figures(kyrgyzstan.network, 2026, 3)
    period = figures["period"]
    assert (period["starts_on"], period["ends_on"], period["time_zone"]) == (
        "2026-07-01",
        "2026-09-30",
        "Asia/Bishkek",
    )
    titles = [m["title"] for m in figures["meetings"]["items"]]
    # 1 July 02:00 in Bishkek (30 June in UTC) is in; 30 June 23:00 in Bishkek is not.
    assert titles == ["Q3 regular meeting", "Labour migration meeting"]
    assert [m["represented"] for m in figures["meetings"]["items"]] == [True, False]
    # 1 October 01:00 in Bishkek (30 September in UTC) is the next quarter's.
    assert [m["title"] for m in figures["next_quarter"]["items"]] == [
        "Q4 opening meeting",
        "December meeting",
    ]
    assert [d["number"] for d in figures["decisions"]["items"]] == ["KGZ-2026-001"]


def test_the_same_data_in_another_time_zone_moves_the_edges(q3, kyrgyzstan):
    """Counted in UTC, the meeting of 30 June 20:00 UTC belongs to the second quarter."""
    kyrgyzstan.network.time_zone = "UTC"
    with network_scope(kyrgyzstan.network):
        figures = selectors.quarter_figures(kyrgyzstan.network, 2026, 3)
    titles = [m["title"] for m in figures["meetings"]["items"]]
    assert titles == ["Labour migration meeting", "Q4 opening meeting"]
    assert figures["decisions"]["adopted"] == 2


def test_quarter_boundaries_are_midnight_in_the_networks_zone(kyrgyzstan):
    period = quarters.quarter_of(kyrgyzstan.network, 2026, 4)
    assert period.start == utc(2026, 9, 30, 18) and period.end == utc(2026, 12, 31, 18)
    assert period.label == "2026-Q4" and period.next.label == "2027-Q1"
    assert quarters.last_ended_quarter(kyrgyzstan.network, utc(2026, 9, 30, 17)).label == (
        "2026-Q2"
    )
    assert quarters.last_ended_quarter(kyrgyzstan.network, utc(2026, 9, 30, 18)).label == (
        "2026-Q3"
    )
