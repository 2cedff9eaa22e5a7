"""Calendar quarters, counted in a network's time zone: their one spelling ("2026-Q3"), their
boundaries and their arithmetic.

A quarter starts at midnight of its first day *in the zone* — a Bishkek quarter ends six hours
before a UTC one — so every function takes the zone, or anything with a `zone` (a network),
and never the network's model: this module imports no domain app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from django.utils import timezone


class Zoned(Protocol):
    """Anything that lives in a time zone: a network."""

    @property
    def zone(self) -> tzinfo: ...


Where = tzinfo | Zoned


def zone_of(where: Where) -> tzinfo:
    return where if isinstance(where, tzinfo) else where.zone


def quarter_label(year: int, quarter: int) -> str:
    """The one spelling of a quarter, used in stored lists, forms, files and the API."""
    return f"{year}-Q{quarter}"


def parse_label(label: str) -> tuple[int, int]:
    """(year, quarter) of a label spelt by `quarter_label`; ValueError for anything else."""
    year, sep, quarter = label.partition("-Q")
    if not sep or not year.isdigit() or quarter not in {"1", "2", "3", "4"}:
        raise ValueError(f"Not a quarter: {label!r}")
    return int(year), int(quarter)


def previous(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def following(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


@dataclass(frozen=True)
class Quarter:
    """One quarter in one zone: [start, end), both aware and at local midnight."""

    year: int
    quarter: int
    start: datetime
    end: datetime  # the start of the next quarter

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def zone(self) -> tzinfo:
        assert self.start.tzinfo is not None
        return self.start.tzinfo

    @property
    def next(self) -> Quarter:
        return quarter_of(self.zone, *following(self.year, self.quarter))

    @property
    def previous(self) -> Quarter:
        return quarter_of(self.zone, *previous(self.year, self.quarter))


def quarter_of(where: Where, year: int, quarter: int) -> Quarter:
    """The quarter `year`-Q`quarter` in the zone of `where`."""
    zone = zone_of(where)
    end_year, end_quarter = following(year, quarter)
    return Quarter(
        year,
        quarter,
        datetime(year, 3 * quarter - 2, 1, tzinfo=zone),
        datetime(end_year, 3 * end_quarter - 2, 1, tzinfo=zone),
    )


def quarter_at(where: Where, moment: datetime | None = None) -> Quarter:
    """The quarter `moment` (now by default) falls in, in the zone of `where`."""
    zone = zone_of(where)
    local = timezone.localtime(moment or timezone.now(), zone)
    return quarter_of(zone, local.year, (local.month - 1) // 3 + 1)


def last_ended_quarter(where: Where, now: datetime | None = None) -> Quarter:
    """The latest quarter that has ended in the zone of `where` (in November, the third).
    Workplan progress is reported on it, and the quarterly report covers it."""
    return quarter_at(where, now).previous


def has_ended(where: Where, year: int, quarter: int, now: datetime | None = None) -> bool:
    return quarter_of(where, year, quarter).end <= (now or timezone.now())


def ended_quarters(where: Where, count: int, now: datetime | None = None) -> list[str]:
    """The labels of the `count` latest quarters that have ended in the zone of `where`, the
    latest first."""
    current = quarter_at(where, now)
    year, quarter = current.year, current.quarter
    labels = []
    for _n in range(count):
        year, quarter = previous(year, quarter)
        labels.append(quarter_label(year, quarter))
    return labels
