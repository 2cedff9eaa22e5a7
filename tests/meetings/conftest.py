from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from meetings import services
from meetings.models import AgendaItem
from networks.scoping import network_scope


def local(net, text: str) -> datetime:
    """A time as the network's people type it (its own zone)."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(net.network.time_zone))


def schedule(net, title="Q3 regular meeting", start=None, hours=2, **kwargs):
    start = start or (datetime.now(ZoneInfo("UTC")) + timedelta(days=30)).replace(
        minute=0, second=0, microsecond=0
    )
    with transaction.atomic():
        return services.meeting_schedule(
            network=net.network,
            by=net.people["secretariat"],
            kind=kwargs.pop("kind", "regular"),
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            **kwargs,
        )


def add_items(net, meeting, *titles):
    with network_scope(net.network):
        for title in titles:
            services.agenda_item_save(
                meeting=meeting,
                by=net.people["secretariat"],
                title=title,
                duration_minutes=20,
                presenter_organisation=net.organisations["UNDP"],
                presenter=net.people["member"],
            )
        return list(AgendaItem.objects.filter(meeting=meeting))


@pytest.fixture
def approved_meeting(kyrgyzstan):
    meeting = schedule(kyrgyzstan)
    add_items(kyrgyzstan, meeting, "Welcome and adoption of the agenda", "Labour migration study")
    with network_scope(kyrgyzstan.network):
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
        meeting.refresh_from_db()
    return meeting
