"""The agenda's timetable: each item's clock time from the meeting's start, its duration and
the breaks between (a break is an agenda item of the kind "break"). Computed, never stored:
moving an item or the meeting moves every time after it.

Times are instants (aware datetimes); pages, the PDF, the mail and the calendar file show
them on the network's clock (portal.clock). An item that ends after the meeting does is
flagged, so the secretariat sees the overflow before submitting the agenda.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import ngettext

from meetings.models import AgendaItem, Meeting
from portal import clock


@dataclass(frozen=True)
class Slot:
    item: AgendaItem
    number: int | None  # breaks are not numbered
    starts_at: datetime
    ends_at: datetime
    overruns: bool  # ends after the meeting does

    @property
    def is_break(self) -> bool:
        return self.item.is_break

    @property
    def times(self) -> str:
        """ "10:00–10:10" on the active clock (a page's, a PDF's or a mail's: the network's)."""
        return f"{clock.local(self.starts_at):%H:%M}–{clock.local(self.ends_at):%H:%M}"


def timetable(meeting: Meeting, items: Iterable[AgendaItem]) -> list[Slot]:
    slots: list[Slot] = []
    moment = meeting.starts_at
    number = 0
    for item in items:
        end = moment + timedelta(minutes=item.duration_minutes)
        if not item.is_break:
            number += 1
        slots.append(
            Slot(
                item=item,
                number=None if item.is_break else number,
                starts_at=moment,
                ends_at=end,
                overruns=end > meeting.ends_at,
            )
        )
        moment = end
    return slots


def overrun(meeting: Meeting, slots: list[Slot]) -> timedelta:
    """How long the agenda runs past the meeting's end (zero when it fits)."""
    if not slots:
        return timedelta(0)
    return max(slots[-1].ends_at - meeting.ends_at, timedelta(0))


def overrun_warning(meeting: Meeting, slots: list[Slot]) -> str:
    """What the secretariat is told while the agenda runs past the meeting's end."""
    late = overrun(meeting, slots)
    if not late:
        return ""
    minutes = int(late.total_seconds() // 60)
    return ngettext(
        "The agenda runs %(minutes)d minute past the meeting's end (%(end)s): shorten items "
        "or change the meeting's end before submitting it.",
        "The agenda runs %(minutes)d minutes past the meeting's end (%(end)s): shorten items "
        "or change the meeting's end before submitting it.",
        minutes,
    ) % {"minutes": minutes, "end": f"{clock.local(meeting.ends_at):%H:%M}"}
