"""The agenda's timetable: each item's clock time from the meeting's start, its duration and
the breaks, on the network's clock — the page, the agenda PDF, the mail and the calendar
file read 10:00–10:10, 10:10–10:40…; an agenda that runs past the meeting's end is flagged
to the secretariat on the page and when submitting."""

from __future__ import annotations

import io
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.models import AgendaItem
from networks.scoping import network_scope
from tests.meetings.conftest import local, schedule


def url(meeting, name="detail", **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk, **kwargs}
    )


def build(net, items, hours=2.5):
    """A 10:00 Bishkek meeting with (title, minutes, is_break) items."""
    meeting = schedule(net, start=local(net, "2026-07-14T10:00"), hours=hours)
    with network_scope(net.network):
        for title, minutes, is_break in items:
            services.agenda_item_save(
                meeting=meeting,
                by=net.secretariat,
                title=title,
                duration_minutes=minutes,
                is_break=is_break,
            )
    return meeting


AGENDA = [
    ("Welcome", 10, False),
    ("Labour migration study", 30, False),
    ("Coffee break", 15, True),
    ("Any other business", 20, False),
]
EXPECTED = [
    ("1", "10:00–10:10", "Welcome"),
    ("2", "10:10–10:40", "Labour migration study"),
    ("—", "10:40–10:55", "Coffee break"),
    ("3", "10:55–11:15", "Any other business"),
]


def test_the_page_shows_each_items_clock_time_and_the_break(kyrgyzstan, login):
    meeting = build(kyrgyzstan, AGENDA)
    html = login(kyrgyzstan.secretariat).get(url(meeting)).content.decode()
    for _number, times, title in EXPECTED:
        assert f">{times}</time>" in html and title in html
    assert html.index("10:40–10:55") < html.index("Coffee break") < html.index("10:55–11:15")
    assert 'class="break"' in html and 'value="3"' in html  # the break is not numbered
    assert "Times are Bishkek time (UTC+6)." in html
    assert 'id="overrun-warning"' not in html


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_pdf_and_the_mail_carry_the_timetable(
    kyrgyzstan, login, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    meeting = build(kyrgyzstan, AGENDA)
    pdf = login(kyrgyzstan.secretariat).get(url(meeting, "agenda-pdf")).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for _number, times, title in EXPECTED:
        assert f"{times} · {title}" in text
    with network_scope(kyrgyzstan.network):
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
        with django_capture_on_commit_callbacks(execute=True):
            services.agenda_circulate(meeting=meeting, by=kyrgyzstan.secretariat)
    message = next(m for m in mail.outbox if m.to == [kyrgyzstan.member.email])
    for number, times, title in EXPECTED:
        assert f"{number}{'.' if number != '—' else ''} {times} {title}" in message.body
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert "10:55–11:15 Any other business" in html


def test_items_past_the_meetings_end_are_flagged_to_the_secretariat(kyrgyzstan, login):
    # 80 + 90 minutes of items in a 150-minute meeting: 20 minutes too long.
    meeting = build(kyrgyzstan, [("Study", 80, False), ("Round table", 90, False)])
    secretariat = login(kyrgyzstan.secretariat)
    html = unescape(secretariat.get(url(meeting)).content.decode())
    assert 'id="overrun-warning"' in html
    assert "runs 20 minutes past the meeting's end (12:30)" in html
    assert html.count("past the meeting's end</span>") == 1  # the round table only
    response = secretariat.post(url(meeting, "agenda-submit"), follow=True)
    page = unescape(response.content.decode())
    assert "submitted to the co-chairs" in page
    assert "runs 20 minutes past the meeting's end" in page
    member = login(kyrgyzstan.member).get(url(meeting)).content.decode()
    assert 'id="overrun-warning"' not in member


def test_a_break_is_saved_from_the_form_without_a_presenter(kyrgyzstan, login):
    meeting = build(kyrgyzstan, [("Welcome", 10, False)])
    client = login(kyrgyzstan.secretariat)
    response = client.post(
        url(meeting, "item-create"),
        {
            "title": "Lunch",
            "duration_minutes": "45",
            "is_break": "on",
            "presenter_organisation": kyrgyzstan.organisations["UNDP"].pk,
        },
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        lunch = AgendaItem.objects.get(meeting=meeting, title="Lunch")
    assert lunch.is_break and lunch.presenter_organisation is None
    html = client.get(url(meeting)).content.decode()
    assert ">10:10–10:55</time>" in html


def test_the_meeting_page_costs_the_same_queries_with_more_items(
    kyrgyzstan, login, django_assert_num_queries
):
    meeting = build(kyrgyzstan, AGENDA)
    client = login(kyrgyzstan.secretariat)
    client.get(url(meeting))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url(meeting))
    with network_scope(kyrgyzstan.network):
        for index in range(6):
            services.agenda_item_save(
                meeting=meeting,
                by=kyrgyzstan.secretariat,
                title=f"Item {index}",
                duration_minutes=5,
            )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url(meeting))
