"""A meeting's online link: https only; a link of a known meeting service (Microsoft Teams,
Zoom, Webex, Google Meet) is taken as it is, any other https address is accepted with a
warning the secretariat sees on the meeting's page (a typo or a phishing look-alike is
theirs to catch before the agenda goes out)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

# The join button shows from this long before the start until the end.
JOIN_OPENS_BEFORE = timedelta(minutes=15)

# Host (or a parent domain of it) → the service's name.
KNOWN_SERVICES = {
    "teams.microsoft.com": "Microsoft Teams",
    "teams.live.com": "Microsoft Teams",
    "zoom.us": "Zoom",
    "zoomgov.com": "Zoom",
    "webex.com": "Webex",
    "meet.google.com": "Google Meet",
}


def check_online_url(value: str) -> str:
    """The link as stored, or a ValidationError saying what is wrong. Empty stays empty."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 500:
        raise ValidationError({"online_url": _("The online link is too long.")})
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError as error:
        if "://" in value and urlsplit(value).scheme.lower() != "https":
            raise ValidationError(
                {"online_url": _("The online link must start with https://.")}
            ) from error
        raise ValidationError(
            {"online_url": _("Give the online link as a full address, e.g. https://…")}
        ) from error
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise ValidationError(
            {"online_url": _("The online link must not carry a user name or password.")}
        )
    return value


def service_of(url: str) -> str | None:
    """The known meeting service a link belongs to, or None."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for domain, name in KNOWN_SERVICES.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def link_warning(url: str) -> str:
    """What the secretariat is told about an unknown link; empty for a known one."""
    if not url or service_of(url):
        return ""
    host = urlsplit(url).hostname or url
    return _(
        "The online link goes to %(host)s, which is not a known meeting service (Microsoft "
        "Teams, Zoom, Webex, Google Meet). Check it before the agenda goes out."
    ) % {"host": host}


def join_open(starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    return starts_at - JOIN_OPENS_BEFORE <= now <= ends_at
