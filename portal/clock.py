"""One clock: every time a person reads is the network's own local time, with a label.

Entering a network enters its clock. Its zone becomes Django's current time zone, so forms
read typed times in it, `|date` and DRF's ISO 8601 use it, and the network's name for its
zone labels every time shown: "Tuesday 14 July 2026, 10:00 (Bishkek time, UTC+6)". The
offset is the one in force at that moment (Pristina is UTC+1 in winter, UTC+2 in summer).

The clock is entered in two ways, and nowhere else:
- once per request, where a page or an API view enters its network
  (`networks.scoping.enter_network_for_request`), until the request ends (`request_clock`,
  inside `networks.scoping.request_scope`). On pages the person's own zone, when their
  profile names one, is shown beside the network's: "· 05:00 your time (London, UTC+1)";
- by `network_time(network)` around every PDF render (`networks.pdf.render_pdf`), every
  mailing's render (`circulation.services.circulation_create`) and every task that works in
  a network (`networks.scoping.network_entered`). A file or an email is the network's record,
  the same for everyone who gets it, so it carries the network's time and nobody's own.

Machine formats (the API, CSV and XLSX cells) carry ISO 8601 with the offset in the
network's zone (`iso`); a calendar file carries UTC (meetings.ics).

This module imports no domain app: a network is anything with `time_zone` (an IANA name)
and `time_zone_name` (how the network's people name their time; empty: from the city).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_noop, pgettext


class Zoned(Protocol):
    """A network, as far as the clock is concerned."""

    @property
    def time_zone(self) -> str: ...

    @property
    def time_zone_name(self) -> str: ...


# The names of the zones our networks live in, for the catalogue: a zone's name is shown
# translated when the catalogue knows it ("Bishkek time" is "время Бишкека" in Russian).
KNOWN_ZONE_NAMES = (
    gettext_noop("Bishkek time"),
    gettext_noop("Minsk time"),
    gettext_noop("Ulaanbaatar time"),
    gettext_noop("Pristina time"),
    gettext_noop("Tashkent time"),
    gettext_noop("Almaty time"),
    gettext_noop("Dushanbe time"),
    gettext_noop("Tbilisi time"),
    gettext_noop("Chisinau time"),
)
UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "Etc/Zulu", "UCT", "Zulu", "Universal", "Etc/Universal"}


@dataclass(frozen=True)
class Clock:
    zone: tzinfo
    # As stored or derived, untranslated: translated when a time is written.
    name: str
    # The reader's own zone, shown beside the network's (pages only).
    reader: zoneinfo.ZoneInfo | None = None


_active: ContextVar[Clock | None] = ContextVar("portal_clock", default=None)


def _city(time_zone: str) -> str:
    return time_zone.rsplit("/", 1)[-1].replace("_", " ")


def default_zone_name(time_zone: str) -> str:
    """The name a zone gets when the network gives none: "Asia/Bishkek" → "Bishkek time"."""
    if time_zone in UTC_NAMES:
        return "UTC"
    return f"{_city(time_zone)} time"


def _zone_of(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def clock_of(network: Zoned, *, reader_zone: str = "") -> Clock:
    reader = _zone_of(reader_zone)
    if reader is not None and reader.key == network.time_zone:
        reader = None
    return Clock(
        zone=zoneinfo.ZoneInfo(network.time_zone),
        name=(network.time_zone_name or "").strip() or default_zone_name(network.time_zone),
        reader=reader,
    )


def current() -> Clock:
    """The clock entered now; outside any network, Django's current zone (UTC by default)."""
    clock = _active.get()
    if clock is not None:
        return clock
    zone = timezone.get_current_timezone()
    key = getattr(zone, "key", "UTC")
    return Clock(zone=zone, name=default_zone_name(key))


# Entering ----------------------------------------------------------------------------------


@contextmanager
def network_time(network: Zoned) -> Iterator[None]:
    """The network's clock for the block, and nobody's own beside it: what a PDF, a mailing
    or a task renders. Restores whatever was active before (a page that renders a PDF keeps
    its reader's zone for the rest of the page)."""
    clock = clock_of(network)
    token = _active.set(clock)
    try:
        with timezone.override(clock.zone):
            yield
    finally:
        _active.reset(token)


def enter_for_request(network: Zoned, *, reader_zone: str = "") -> None:
    """The network's clock until the end of the current `request_clock`, with the reader's
    own zone (their profile's, empty for none) shown beside it."""
    clock = clock_of(network, reader_zone=reader_zone)
    _active.set(clock)
    timezone.activate(clock.zone)


@contextmanager
def request_clock() -> Iterator[None]:
    """A request starts on UTC with no network's clock, and forgets the one it entered."""
    token = _active.set(None)
    try:
        # override(None) deactivates now and, at the end, restores what was active before.
        with timezone.override(None):
            yield
    finally:
        _active.reset(token)


# Reading -----------------------------------------------------------------------------------


def zone_name(network: Zoned | None = None) -> str:
    """The network's name for its time, in the active language: "Bishkek time"."""
    name = clock_of(network).name if network is not None else current().name
    return _translated_name(name)


def _translated_name(name: str) -> str:
    translated = gettext(name)
    if translated != name or not name.endswith(" time"):
        return translated
    # A city the catalogue does not know: say it is local time without declining its name.
    return pgettext("clock", "%(city)s time") % {"city": name.removesuffix(" time")}


def utc_offset(moment: datetime) -> str:
    """The offset in force at `moment`, as people read it: "UTC+6", "UTC+5:45", "UTC-3"."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _label(local: datetime, clock: Clock) -> str:
    if clock.name == "UTC" and not local.utcoffset():
        return "UTC"
    return pgettext("clock", "%(zone)s, %(offset)s") % {
        "zone": _translated_name(clock.name),
        "offset": utc_offset(local),
    }


def zone_label(network: Zoned | None = None, at: datetime | None = None) -> str:
    """The zone with the offset in force at `at` (now): "Bishkek time (UTC+6)", for forms
    and headings that say in which time people type or read."""
    clock = clock_of(network) if network is not None else current()
    local = (at or timezone.now()).astimezone(clock.zone)
    if clock.name == "UTC" and not local.utcoffset():
        return "UTC"
    return pgettext("clock", "%(zone)s (%(offset)s)") % {
        "zone": _translated_name(clock.name),
        "offset": utc_offset(local),
    }


def _aware(value: datetime, clock: Clock) -> datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, clock.zone)
    return value


def local(value: datetime) -> datetime:
    """`value` on the wall clock of the active network."""
    clock = current()
    return _aware(value, clock).astimezone(clock.zone)


def iso(value: datetime | None) -> str:
    """ISO 8601 with the network's offset, for machine formats: "2026-07-14T10:00:00+06:00"."""
    return local(value).isoformat() if value is not None else ""


def network_local(value: datetime, network: Zoned) -> datetime:
    """`value` on the wall clock of `network`, whichever clock is active (for figures and
    rules counted in a network's days, such as quarters and register years)."""
    return value.astimezone(zoneinfo.ZoneInfo(network.time_zone))


def network_today(network: Zoned, now: datetime | None = None) -> date:
    """The date it is in `network` now."""
    return network_local(now or timezone.now(), network).date()


def _long_format() -> str:
    # A Django date format, translatable: Russian writes the month in the genitive.
    return pgettext("clock: the day and time of a meeting, Django date format", "l j F Y, H:i")


STYLES = {
    # "Tuesday 14 July 2026, 10:00 (Bishkek time, UTC+6)", the person's own time beside it.
    "long": _long_format,
    # "14 July 2026, 10:00 (Bishkek time, UTC+6)"
    "medium": lambda: "DATETIME_FORMAT",
    # "2026-07-14 10:00 (Bishkek time, UTC+6)", for tables.
    "short": lambda: "SHORT_DATETIME_FORMAT",
    # "10:00 (Bishkek time, UTC+6)"
    "time": lambda: "TIME_FORMAT",
}
# Styles that show the reader's own time beside the network's (tables keep to one).
BESIDE = {"long", "medium"}


def when(value: datetime | date | str | None, style: str = "long") -> str:
    """A moment as people read it, in the active network's time with its label. An ISO 8601
    string (as frozen figures keep it) is read first; a date is a date, with no zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return formats.date_format(value, "DATE_FORMAT")
    if style not in STYLES:
        raise ValueError(f"Unknown style of time: {style!r}")
    return _when(value, style, current())


def when_in(value: datetime | None, network: Zoned, style: str = "short") -> str:
    """`when()` in `network`'s time whichever clock is active, and nobody's own beside it:
    for a page that lists several networks' moments, each in its own network's time (the
    landing page's inbox)."""
    if value is None:
        return ""
    if style not in STYLES:
        raise ValueError(f"Unknown style of time: {style!r}")
    return _when(value, style, clock_of(network))


def days_until(value: datetime, network: Zoned, now: datetime | None = None) -> int:
    """How many of `network`'s days from today to `value`'s day: 0 today, 1 tomorrow, −2
    the day before yesterday (a deadline "closes tomorrow" is counted in the network's days,
    not in 24-hour spans)."""
    return (network_local(value, network).date() - network_today(network, now)).days


def _when(value: datetime, style: str, clock: Clock) -> str:
    moment = _aware(value, clock).astimezone(clock.zone)
    shown = formats.date_format(moment, STYLES[style]())
    text = _with_label(shown, _label(moment, clock))
    if style in BESIDE:
        text += _beside([moment], clock)
    return text


def _with_label(shown: str, label: str) -> str:
    return pgettext("clock", "%(when)s (%(zone)s)") % {"when": shown, "zone": label}


def span(start: datetime, end: datetime) -> str:
    """A meeting's time: "Tuesday 14 July 2026, 10:00–12:30 (Bishkek time, UTC+6)", with the
    person's own time beside it on pages."""
    clock = current()
    first = _aware(start, clock).astimezone(clock.zone)
    last = _aware(end, clock).astimezone(clock.zone)
    opening = formats.date_format(first, _long_format())
    if first.date() != last.date():
        closing = formats.date_format(last, _long_format())
        shown = pgettext("clock: a span over several days", "%(start)s – %(end)s")
    else:
        closing = formats.time_format(last, "TIME_FORMAT")
        shown = pgettext("clock: a span within a day", "%(start)s–%(end)s")
    if first.utcoffset() == last.utcoffset():
        text = _with_label(shown % {"start": opening, "end": closing}, _label(first, clock))
    else:
        # The clocks change during the meeting: each end carries its own offset.
        text = shown % {
            "start": _with_label(opening, _label(first, clock)),
            "end": _with_label(closing, _label(last, clock)),
        }
    return text + _beside([first, last], clock)


def _beside(moments: list[datetime], clock: Clock) -> str:
    """The person's own time beside the network's — "· 05:00 your time (London, UTC+1)" —
    or nothing when they have no zone of their own or it reads the same at that moment."""
    reader = clock.reader
    if reader is None:
        return ""
    theirs = [moment.astimezone(reader) for moment in moments]
    if all(t.utcoffset() == m.utcoffset() for t, m in zip(theirs, moments, strict=True)):
        return ""
    times = "–".join(formats.time_format(t, "TIME_FORMAT") for t in theirs)
    if theirs[0].date() != moments[0].date():
        # Their own day differs from the network's: name it.
        times = pgettext("clock", "%(day)s, %(time)s") % {
            "day": formats.date_format(theirs[0], "MONTH_DAY_FORMAT"),
            "time": times,
        }
    return " · " + pgettext("clock", "%(time)s your time (%(zone)s, %(offset)s)") % {
        "time": times,
        "zone": _city(reader.key),
        "offset": utc_offset(theirs[0]),
    }


# Templates: {% load clock %} ---------------------------------------------------------------

register = template.Library()


@register.filter(name="when")
def when_filter(value: datetime | date | str | None, style: str = "long") -> str:
    """`{{ meeting.starts_at|when }}`, `{{ delivery.sent_at|when:"short" }}`."""
    return when(value, style)


@register.simple_tag(name="span")
def span_tag(start: datetime, end: datetime) -> str:
    """`{% span meeting.starts_at meeting.ends_at %}`."""
    return span(start, end)


@register.filter(name="iso")
def iso_filter(value: datetime | None) -> str:
    """`<time datetime="{{ value|iso }}">`."""
    return iso(value)


@register.simple_tag(name="zone_label")
def zone_label_tag(network: Zoned | None = None) -> str:
    """`{% zone_label network %}`: "Bishkek time (UTC+6)" now."""
    return zone_label(network or None)


@register.simple_tag(name="zone_name")
def zone_name_tag(network: Zoned | None = None) -> str:
    """`{% zone_name network %}`: "Bishkek time"."""
    return zone_name(network or None)
