"""Quarters are counted in the network's own time zone: a Bishkek quarter (UTC+6) ends at
18:00 UTC on the eve of the UTC one, an Auckland quarter (UTC+13 in summer) half a day
earlier still, and a Honolulu one (UTC−10) on the next UTC day."""

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from common import quarters

BISHKEK = ZoneInfo("Asia/Bishkek")
HONOLULU = ZoneInfo("Pacific/Honolulu")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_quarter_is_spelt_one_way_and_read_back():
    assert quarters.quarter_label(2026, 3) == "2026-Q3"
    assert quarters.parse_label("2026-Q3") == (2026, 3)


@pytest.mark.parametrize(
    "label", ["", "2026", "2026-Q5", "2026-Q0", "Q3-2026", "abcd-Q1", "2026-Q"]
)
def test_anything_else_is_not_a_quarter(label):
    with pytest.raises(ValueError):
        quarters.parse_label(label)


def test_the_steps_cross_the_year():
    assert quarters.previous(2026, 1) == (2025, 4)
    assert quarters.previous(2026, 3) == (2026, 2)
    assert quarters.following(2026, 4) == (2027, 1)
    assert quarters.following(2026, 2) == (2026, 3)


def test_the_fourth_quarter_ends_at_the_new_year_in_the_zone():
    period = quarters.quarter_of(BISHKEK, 2026, 4)
    assert period.start == utc(2026, 9, 30, 18)
    assert period.end == utc(2026, 12, 31, 18)
    assert period.last_day == date(2026, 12, 31)
    assert period.next.label == "2027-Q1" and period.next.start == period.end
    assert period.next.previous == period


def test_the_first_quarter_goes_back_to_the_last_year():
    period = quarters.quarter_of(BISHKEK, 2027, 1)
    assert period.previous.label == "2026-Q4"
    assert period.previous.end == period.start == utc(2026, 12, 31, 18)


def test_a_network_stands_for_its_zone():
    network = SimpleNamespace(zone=BISHKEK)
    assert quarters.quarter_of(network, 2026, 2) == quarters.quarter_of(BISHKEK, 2026, 2)


def test_the_moment_falls_in_the_quarter_of_its_local_day():
    # 31 March, 20:00 UTC is already 1 April in Bishkek, still 31 March in UTC and Honolulu.
    moment = utc(2026, 3, 31, 20)
    assert quarters.quarter_at(BISHKEK, moment).label == "2026-Q2"
    assert quarters.quarter_at(UTC, moment).label == "2026-Q1"
    assert quarters.quarter_at(HONOLULU, moment).label == "2026-Q1"
    # 1 January, 05:00 UTC is still 31 December in Honolulu: the old year's last quarter.
    assert quarters.quarter_at(HONOLULU, utc(2027, 1, 1, 5)).label == "2026-Q4"
    assert quarters.quarter_at(UTC, utc(2027, 1, 1, 5)).label == "2027-Q1"


def test_the_last_ended_quarter_changes_at_local_midnight():
    assert quarters.last_ended_quarter(BISHKEK, utc(2026, 12, 31, 17, 59)).label == "2026-Q3"
    assert quarters.last_ended_quarter(BISHKEK, utc(2026, 12, 31, 18)).label == "2026-Q4"
    # In Honolulu the fourth quarter ends on 1 January at 10:00 UTC.
    assert quarters.last_ended_quarter(HONOLULU, utc(2027, 1, 1, 9, 59)).label == "2026-Q3"
    assert quarters.last_ended_quarter(HONOLULU, utc(2027, 1, 1, 10)).label == "2026-Q4"


def test_whether_a_quarter_has_ended_is_asked_in_the_zone():
    assert not quarters.has_ended(HONOLULU, 2026, 4, utc(2027, 1, 1, 9))
    assert quarters.has_ended(BISHKEK, 2026, 4, utc(2027, 1, 1, 9))
    assert not quarters.has_ended(BISHKEK, 2027, 1, utc(2027, 1, 1, 9))


def test_the_ended_quarters_are_listed_latest_first_across_years():
    assert quarters.ended_quarters(BISHKEK, 3, utc(2026, 3, 31, 18)) == [
        "2026-Q1",
        "2025-Q4",
        "2025-Q3",
    ]
    assert quarters.ended_quarters(UTC, 3, utc(2026, 3, 31, 18)) == [
        "2025-Q4",
        "2025-Q3",
        "2025-Q2",
    ]
