"""Pages say things as people do: a document's language by its name, a version by the
document's title (the file's name beside it), and a record's SHA-256 folded away under
"Fingerprint (SHA-256)" rather than in the text."""

import re

import pytest
from django.urls import reverse

from documents import services
from networks.scoping import network_scope
from tests.documents.files import pdf, upload

FOLDED = re.compile(
    r"<details[^>]*>\s*<summary>Fingerprint \(SHA-256\)</summary>(.*?)</details>", re.S
)


def unfolded(html: str) -> str:
    """The page without what its fingerprints fold away."""
    return FOLDED.sub("", html)


def test_a_document_page_names_its_language_and_leads_with_its_title(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        document = services.document_upload(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="Agenda of the Q3 meeting",
            file=upload("agenda-9.pdf", pdf()),
            category="agenda",
            language="ru",
        )
    url = reverse("documents:detail", kwargs={"network": "kyrgyzstan", "document_id": document.pk})
    html = login(kyrgyzstan.member).get(url).content.decode()
    assert "<dd>Russian</dd>" in html and "<dd>ru</dd>" not in html
    [link] = re.findall(r'<a href="[^"]*/v1/file">(.*?)</a>', html)
    assert "Agenda of the Q3 meeting" in link and "agenda-9.pdf" not in link
    assert "agenda-9.pdf" in html  # beside it, secondary


@pytest.fixture
def pending_minutes(kyrgyzstan):
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services as meeting_services
    from tests.meetings.conftest import add_items, schedule
    from tests.meetings.test_minutes import written

    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    minutes = written(kyrgyzstan, meeting)
    with network_scope(kyrgyzstan.network):
        version = meeting_services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
    return meeting, minutes, version


def test_the_minutes_fold_their_fingerprints_away(kyrgyzstan, login, pending_minutes):
    from meetings import services as meeting_services

    meeting, minutes, version = pending_minutes
    url = reverse("meetings:minutes", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})
    co_chair = login(kyrgyzstan.co_chair)
    html = co_chair.get(url).content.decode()
    assert version.content_sha256 in "".join(FOLDED.findall(html))
    # The approval form still carries the hash it signs, as a hidden field.
    text = re.sub(r"<input[^>]*>", "", unfolded(html))
    assert version.content_sha256 not in text and "SHA-256:" not in text

    with network_scope(kyrgyzstan.network):
        for who in ("co_chair", "co_chair2"):
            meeting_services.minutes_approve(
                minutes=minutes,
                by=getattr(kyrgyzstan, who),
                content_sha256=version.content_sha256,
            )
        version.refresh_from_db()
    html = login(kyrgyzstan.member).get(url).content.decode()
    folded = "".join(FOLDED.findall(html))
    assert version.content_sha256 in folded and version.pdf_sha256 in folded
    text = unfolded(html)
    assert version.content_sha256[:12] not in text and version.pdf_sha256 not in text


def test_a_statement_folds_its_fingerprint_away(kyrgyzstan, login):
    from tests.decisions.test_statements import submitted

    version = submitted(kyrgyzstan)
    url = reverse(
        "decisions:statement",
        kwargs={"network": "kyrgyzstan", "statement_id": version.statement_id},
    )
    html = login(kyrgyzstan.co_chair).get(url).content.decode()
    assert version.content_sha256 in "".join(FOLDED.findall(html))
    text = re.sub(r"<input[^>]*>", "", unfolded(html))
    assert version.content_sha256 not in text
