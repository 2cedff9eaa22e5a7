"""Celery tasks of the meetings app. Each works inside the network it is given (its rows and
its clock, entered by networks.tasks.NetworkTask) and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circulation.models import Circulation
from circulation.services import Recipient, circulation_create
from meetings.models import Meeting, MeetingPack
from meetings.selectors import cadence
from meetings.services import REMINDER_AHEAD, meeting_remind
from networks.models import Membership, Network
from networks.roles import Role
from networks.tasks import NetworkTask


@shared_task
def remind_missed_cadence() -> int:
    """Beat, daily: the secretariat of a network whose next meeting is overdue under its
    cadence gets one reminder per missed due date. Returns how many networks were reminded."""
    return sum(remind_cadence.for_each_network())


@shared_task(base=NetworkTask)
def remind_cadence(network_id: int) -> bool:
    """One network's cadence reminder (remind_missed_cadence): whether it was sent."""
    with transaction.atomic():
        network = Network.objects.select_for_update().get(pk=network_id)
        state = cadence(network=network)
        if not state.missed or state.due is None:
            return False
        already = Circulation.objects.filter(
            kind=Circulation.Kind.REMINDER,
            about_type=ContentType.objects.get_for_model(Network),
            about_id=network.pk,
            created_at__gte=state.due,
        ).exists()
        secretariat = [
            m.user
            for m in Membership.objects.active()
            .filter(role=Role.SECRETARIAT, user__is_active=True)
            .select_related("user")
        ]
        if already or not secretariat:
            return False
        circulation_create(
            network=network,
            kind=Circulation.Kind.REMINDER,
            sender=None,
            recipients=[Recipient.of(person) for person in secretariat],
            template="cadence_reminder",
            context={
                "due": state.due,
                "last": state.last,
                "last_date": state.last and state.last.starts_at,
                "cadence": network.get_meeting_cadence_display(),
            },
            about=network,
            link=reverse("meetings:create", kwargs={"network": network.slug}),
        )
        return True


@shared_task
def remind_upcoming_meetings() -> int:
    """Beat, hourly: every meeting starting within the next day that is not cancelled gets
    its reminder once (meetings.services.meeting_remind). Returns how many went out."""
    return sum(remind_meetings.for_each_network())


@shared_task(base=NetworkTask)
def remind_meetings(network_id: int) -> int:
    """One network's day-before reminders (remind_upcoming_meetings): how many went out."""
    now = timezone.now()
    due = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_AHEAD,
    ).order_by("starts_at", "pk")
    return sum(meeting_remind(meeting=meeting, now=now) is not None for meeting in due)


@shared_task
def read_calendar_replies() -> int:
    """Beat, every five minutes: the calendars' answers from the mailbox of IMAP_URL, each
    recorded once and moved to the processed folder (meetings.replies). Without IMAP_URL,
    nothing. Each reply enters its meeting's network itself."""
    from meetings.replies import read_mailbox

    return read_mailbox()


@shared_task(base=NetworkTask, network_model=MeetingPack)
def build_meeting_pack(pack_id: int) -> str | None:
    """One version of a meeting's pack (meetings.pack.pack_build), in its network; a pack
    already built or gone is left alone. Returns the pack's status."""
    from meetings.pack import pack_build

    pack = pack_build(pack_id=pack_id)
    return pack.status if pack is not None else None


@shared_task
def sweep_stuck_packs() -> int:
    """Beat, every five minutes: meeting packs whose build was lost with its message or its
    worker are handed to the worker again (meetings.pack.stuck_packs_requeue); building one
    twice builds it once. Returns how many were handed over."""
    from meetings.pack import stuck_packs_requeue
    from portal.queues import enqueue

    ids = stuck_packs_requeue()
    for pk in ids:
        if not enqueue(build_meeting_pack, pk):
            break  # the broker is still down: the next sweep tries again
    return len(ids)
