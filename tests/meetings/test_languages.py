"""PDFs and mails in the reader's language: a PDF rendered in a request is in the language of
the person who asked for it; a mailing gives each recipient the mail, and the agenda PDF, in
their own language."""

import io

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.models import MinutesVersion
from networks.models import Network
from networks.scoping import network_scope
from tests.meetings.test_minutes import held, written  # noqa: F401 (the fixture)


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def in_language(client, language: str):
    """The client as the browser of someone whose portal language is `language` (the cookie
    the sign-in sets from their profile)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_minutes_pdf_is_in_russian_when_the_co_chair_who_approves_reads_russian(
    kyrgyzstan,
    held,  # noqa: F811
    login,
):
    Network.objects.filter(pk=kyrgyzstan.network.pk).update(minutes_approval_rule="any_co_chair")
    kyrgyzstan.network.refresh_from_db()
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        version = services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
    co_chair = in_language(login(kyrgyzstan.co_chair), "ru")
    response = co_chair.post(
        reverse(
            "meetings:minutes-approve",
            kwargs={"network": "kyrgyzstan", "meeting_id": held.pk},
        ),
        {"content_sha256": version.content_sha256},
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        version = MinutesVersion.objects.get(pk=version.pk)
    assert version.approved_at is not None
    text = pdf_text(bytes(version.pdf))
    assert "Протокол" in text and "Запись об утверждении" in text
    assert "Approval record" not in text
    # The words the secretariat wrote stay as written.
    assert "IOM presented the study." in text


def test_the_agenda_goes_to_each_participant_in_their_own_language(
    kyrgyzstan, approved_meeting, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    russian = kyrgyzstan.member
    russian.language = "ru"
    russian.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True), network_scope(kyrgyzstan.network):
        services.agenda_circulate(meeting=approved_meeting, by=kyrgyzstan.secretariat)
    to = {message.to[0]: message for message in mail.outbox}
    in_russian, in_english = to[russian.email], to[kyrgyzstan.member_unhcr.email]
    assert in_russian.subject.startswith("Повестка")
    assert in_english.subject.startswith("Agenda")
    assert "Labour migration study" in in_russian.body
    # Each gets one agenda PDF, rendered in their language (the stand-in's bytes carry the
    # hash of the HTML it was drawn from: different words, different bytes).
    pdfs = {
        address: [content for name, content, _type in message.attachments if name == "agenda.pdf"]
        for address, message in to.items()
    }
    assert len(pdfs[russian.email]) == 1 and len(pdfs[kyrgyzstan.member_unhcr.email]) == 1
    assert pdfs[russian.email] != pdfs[kyrgyzstan.member_unhcr.email]
    assert pdfs[kyrgyzstan.member_unhcr.email] == pdfs[kyrgyzstan.secretariat.email]


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_agenda_pdf_download_is_in_the_language_of_who_downloads_it(
    kyrgyzstan, approved_meeting, login
):
    path = reverse(
        "meetings:agenda-pdf", kwargs={"network": "kyrgyzstan", "meeting_id": approved_meeting.pk}
    )
    russian = pdf_text(in_language(login(kyrgyzstan.member), "ru").get(path).content)
    english = pdf_text(in_language(login(kyrgyzstan.member), "en").get(path).content)
    assert "Повестка" in russian and "Labour migration study" in russian
    assert "Agenda" in english and "Повестка" not in english
