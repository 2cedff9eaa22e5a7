"""The document library: who may list, open and download what; safe uploads; private
downloads; circulation with read receipts."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from circulation.models import Delivery
from documents import selectors, services
from documents.models import ConfidentialityChange, Document, DocumentRead, DocumentVersion
from networks import services as network_services
from networks.models import Membership, RegionalViewer
from networks.scoping import network_scope
from tests.documents.files import HOSTILE, docx, pdf, png, upload
from tests.factories import person

LIBRARY = reverse("documents:library", kwargs={"network": "kyrgyzstan"})
UPLOAD = reverse("documents:upload", kwargs={"network": "kyrgyzstan"})


def detail(document, slug="kyrgyzstan"):
    return reverse("documents:detail", kwargs={"network": slug, "document_id": document.pk})


def download(document, number=1, slug="kyrgyzstan"):
    return reverse(
        "documents:download",
        kwargs={"network": slug, "document_id": document.pk, "number": number},
    )


def make(net, title="Labour migration study", confidentiality="internal", **kwargs):
    with network_scope(net.network):
        return services.document_upload(
            network=net.network,
            by=net.secretariat,
            title=title,
            file=upload("study.pdf", pdf(title)),
            category="study",
            confidentiality=confidentiality,
            **kwargs,
        )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()]


def form(**changes):
    return {
        "title": "Labour migration study",
        "category": "study",
        "language": "en",
        "description": "",
        "confidentiality": "internal",
        "public_agreement": "",
        **changes,
    }


def test_the_secretariat_uploads_and_a_member_downloads_privately(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    response = client.post(UPLOAD, {**form(), "file": upload("Study 2026.PDF", pdf())})
    with network_scope(kyrgyzstan.network):
        document = Document.objects.get()
        version = DocumentVersion.objects.get(document=document)
    assert response.status_code == 302 and response["Location"] == detail(document)
    assert (version.filename, version.content_type, version.size) == (
        "Study 2026.pdf",
        "application/pdf",
        len(pdf()),
    )
    assert "Study 2026" not in version.file.name  # stored under a random name

    member = login(kyrgyzstan.member)
    assert "Labour migration study" in member.get(LIBRARY).content.decode()
    response = member.get(download(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="Study 2026.pdf"' in response["Content-Disposition"]
    with network_scope(kyrgyzstan.network):
        read = DocumentRead.objects.get(version=version)
    assert read.user == kyrgyzstan.member
    assert read.organisation == kyrgyzstan.organisations["UNDP"]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_or_empty_upload_is_refused_and_nothing_is_stored(
    kyrgyzstan, login, settings, case
):
    name, data = HOSTILE[case]
    before = stored_files(settings)
    response = login(kyrgyzstan.secretariat).post(UPLOAD, {**form(), "file": upload(name, data)})
    assert response.status_code == 400  # the form again, with the API's status
    page = response.content.decode()
    assert 'class="error"' in page
    with network_scope(kyrgyzstan.network):
        assert not Document.objects.exists()
    assert stored_files(settings) == before


def test_a_file_over_the_limit_is_refused_while_streaming(kyrgyzstan, login, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 10_000
    before = stored_files(settings)
    big = pdf() + b"%" + b"x" * 20_000 + b"\n%%EOF\n"
    response = login(kyrgyzstan.secretariat).post(
        UPLOAD, {**form(), "file": upload("big.pdf", big)}
    )
    assert response.status_code == 400
    assert "“big.pdf” is about" in response.content.decode()
    assert "over the limit of 9.8\xa0KB" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        assert not Document.objects.exists()
    assert stored_files(settings) == before


def test_office_and_image_files_are_recognised_by_their_content(kyrgyzstan):
    for name, data, expected in (
        (
            "brief.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("chart.png", png(), "image/png"),
        ("data.csv", b"country,number\nKyrgyzstan,3\n", "text/csv"),
    ):
        with network_scope(kyrgyzstan.network):
            document = services.document_upload(
                network=kyrgyzstan.network,
                by=kyrgyzstan.secretariat,
                title=name,
                file=upload(name, data),
            )
            assert DocumentVersion.objects.get(document=document).content_type == expected


# role × confidentiality → may open (listed, page, download). Restricted documents name UNDP.
EXPECTED = {
    "secretariat": {"internal": True, "restricted": True, "partners": True, "public": True},
    "co_chair": {"internal": True, "restricted": False, "partners": True, "public": True},
    "member": {"internal": True, "restricted": True, "partners": True, "public": True},
    "member_unhcr": {"internal": True, "restricted": False, "partners": True, "public": True},
    "rco": {"internal": True, "restricted": False, "partners": True, "public": True},
    "partner": {"internal": False, "restricted": False, "partners": True, "public": True},
    "regional": {"internal": False, "restricted": False, "partners": False, "public": True},
}


@pytest.mark.parametrize("confidentiality", ["internal", "restricted", "partners", "public"])
@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_who_may_list_open_and_download_each_kind_of_document(
    kyrgyzstan, mongolia, eca, client, key, confidentiality
):
    extra = {}
    if confidentiality == "restricted":
        extra["organisations"] = [kyrgyzstan.organisations["UNDP"]]
    if confidentiality == "public":
        extra["public_agreement"] = "Decision KGZ-2026-004"
    document = make(kyrgyzstan, title="Study on returns", confidentiality=confidentiality, **extra)
    if key == "regional":
        viewer = person("viewer@eca.test")
        RegionalViewer.objects.create(user=viewer, region=eca)
        someone = viewer
    else:
        someone = kyrgyzstan.people[key]
    client.force_login(someone)
    allowed = EXPECTED[key][confidentiality]
    listed = "Study on returns" in client.get(LIBRARY).content.decode()
    page = client.get(detail(document)).status_code
    file = client.get(download(document)).status_code
    assert (listed, page, file) == (allowed, 200 if allowed else 404, 200 if allowed else 404)
    # Someone of another network: 404 whatever the confidentiality.
    client.force_login(mongolia.people["secretariat"])
    assert client.get(detail(document)).status_code == 404
    assert client.get(download(document)).status_code == 404


def test_a_member_whose_role_ended_gets_404_on_the_next_download(kyrgyzstan, login):
    document = make(kyrgyzstan)
    member = login(kyrgyzstan.member)
    assert member.get(download(document)).status_code == 200
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    network_services.membership_end(membership=membership, ended_by=kyrgyzstan.secretariat)
    assert member.get(download(document)).status_code == 404


def test_no_file_has_a_public_url(kyrgyzstan, client, settings):
    make(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        version = DocumentVersion.objects.get()
    for path in (
        f"/media/{version.file.name}",
        f"/{version.file.name}",
        f"/static/../media/{version.file.name}",
        "/media/",
    ):
        assert client.get(path).status_code == 404
    assert os.path.exists(Path(settings.MEDIA_ROOT) / version.file.name)


def test_circulating_reaches_only_those_who_may_open_it_and_tracks_who_read(kyrgyzstan, login):
    document = make(
        kyrgyzstan, confidentiality="restricted", organisations=[kyrgyzstan.organisations["UNDP"]]
    )
    client = login(kyrgyzstan.secretariat)
    client.post(
        reverse(
            "documents:circulate", kwargs={"network": "kyrgyzstan", "document_id": document.pk}
        ),
        {"message": "Please read before Q3."},
    )
    with network_scope(kyrgyzstan.network):
        addresses = set(Delivery.objects.values_list("address", flat=True))
    assert addresses == {kyrgyzstan.secretariat.email, kyrgyzstan.member.email}

    def undp_row():
        with network_scope(kyrgyzstan.network):
            rows = selectors.readers(document=document)
        return next(r for r in rows if r.organisation == kyrgyzstan.organisations["UNDP"])

    assert undp_row().not_read == [kyrgyzstan.member] and undp_row().readers == []
    assert "Who has read it" in client.get(detail(document)).content.decode()
    login(kyrgyzstan.member).get(download(document))
    assert undp_row().readers == [kyrgyzstan.member] and undp_row().not_read == []
    # Nobody of UNHCR may open it, so nobody of UNHCR is listed as not having read it.
    with network_scope(kyrgyzstan.network):
        rows = selectors.readers(document=document)
    assert kyrgyzstan.organisations["UNHCR"] not in [row.organisation for row in rows]


def test_confidentiality_changes_are_recorded_and_public_needs_an_agreement(kyrgyzstan, login):
    document = make(kyrgyzstan)
    url = reverse(
        "documents:confidentiality", kwargs={"network": "kyrgyzstan", "document_id": document.pk}
    )
    client = login(kyrgyzstan.secretariat)
    response = client.post(url, {"confidentiality": "public", "reason": "Agreed"}, follow=True)
    assert "recorded agreement" in response.content.decode()
    client.post(
        url,
        {
            "confidentiality": "public",
            "reason": "Agreed at the Q3 meeting",
            "public_agreement": "Decision KGZ-2026-004",
        },
    )
    with network_scope(kyrgyzstan.network):
        document.refresh_from_db()
        [change] = ConfidentialityChange.objects.filter(document=document)
    assert document.confidentiality == "public"
    assert (change.before, change.after, change.changed_by) == (
        "internal",
        "public",
        kyrgyzstan.secretariat,
    )


def test_a_new_version_keeps_the_old_one_readable(kyrgyzstan, login):
    document = make(kyrgyzstan)
    client = login(kyrgyzstan.secretariat)
    url = reverse(
        "documents:version-add", kwargs={"network": "kyrgyzstan", "document_id": document.pk}
    )
    client.post(url, {"file": upload("study-v2.pdf", pdf("Second edition"))})
    member = login(kyrgyzstan.member)
    assert b"Second edition" in b"".join(member.get(download(document, 2)).streaming_content)
    assert member.get(download(document, 1)).status_code == 200
    assert member.get(download(document, 3)).status_code == 404


def test_an_agenda_item_shows_its_documents_to_those_who_may_open_them(kyrgyzstan, login):
    from meetings import services as meetings
    from tests.meetings.conftest import add_items, schedule

    meeting = schedule(kyrgyzstan)
    [item] = add_items(kyrgyzstan, meeting, "Labour migration study")
    with network_scope(kyrgyzstan.network):  # members read an approved agenda's items
        meetings.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
        meetings.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
    make(kyrgyzstan, title="Draft study", agenda_item=item)
    make(
        kyrgyzstan,
        title="Budget note",
        agenda_item=item,
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["UNDP"]],
    )
    page_url = reverse(
        "meetings:detail", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk}
    )
    undp = login(kyrgyzstan.member).get(page_url).content.decode()
    assert "Draft study" in undp and "Budget note" in undp
    unhcr = login(kyrgyzstan.member_unhcr).get(page_url).content.decode()
    assert "Draft study" in unhcr and "Budget note" not in unhcr
    secretariat = login(kyrgyzstan.secretariat).get(page_url).content.decode()
    assert f"?meeting={meeting.pk}&amp;agenda_item={item.pk}" in secretariat
    with network_scope(kyrgyzstan.network):
        assert Document.objects.filter(meeting=meeting).count() == 2


def test_the_library_and_search_run_the_same_queries_at_10000_documents(kyrgyzstan, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make(kyrgyzstan, title="Labour migration study")
    client = login(kyrgyzstan.member)
    client.get(LIBRARY)

    def counts():
        result = []
        for params in ({}, {"q": "labour"}, {"page": "2"}):
            with CaptureQueriesContext(connection) as context:
                assert client.get(LIBRARY, params).status_code == 200
            result.append(len(context))
        return result

    small = counts()
    with network_scope(kyrgyzstan.network):
        documents = Document.objects.bulk_create(
            Document(
                network=kyrgyzstan.network,
                title=f"Labour migration note {n}",
                category="report",
                confidentiality="restricted" if n % 7 == 0 else "internal",
                search_text="labour mobility " * 5,
            )
            for n in range(10_000)
        )
        DocumentVersion.objects.bulk_create(
            DocumentVersion(
                network=kyrgyzstan.network,
                document=document,
                number=1,
                file=f"documents/{kyrgyzstan.network.pk}/bulk{document.pk}",
                filename="note.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
            )
            for document in documents[:2000]
        )
    assert counts() == small


def test_documents_are_tagged_with_gcm_objectives_and_filtered_by_them(kyrgyzstan, login):
    from reference.models import GCMObjective

    client = login(kyrgyzstan.secretariat)
    six = GCMObjective.objects.get(number=6)
    client.post(
        UPLOAD,
        {
            **form(title="Fair recruitment study"),
            "gcm_objectives": [six.pk],
            "file": upload("s.pdf", pdf()),
        },
    )
    make(kyrgyzstan, title="Untagged note")
    tagged = client.get(LIBRARY, {"gcm": "6"}).content.decode()
    assert "Fair recruitment study" in tagged and "Untagged note" not in tagged
    with network_scope(kyrgyzstan.network):
        document = Document.objects.get(title="Fair recruitment study")
    assert "6. " in client.get(detail(document)).content.decode()
    assert client.get(LIBRARY, {"gcm": "9" * 30}).status_code == 200


def test_behind_nginx_the_download_is_handed_over_after_the_check(kyrgyzstan, login, settings):
    settings.DOCUMENTS_X_ACCEL_PREFIX = "/protected-media/"
    document = make(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        version = DocumentVersion.objects.get(document=document)
    response = login(kyrgyzstan.member).get(download(document))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{version.file.name}"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
    assert login(kyrgyzstan.partner).get(download(document)).status_code == 404


def test_a_decision_shows_the_documents_attached_to_it(kyrgyzstan, login):
    from tests.decisions.test_procedures import draft

    decision = draft(kyrgyzstan, title="Joint statement")
    client = login(kyrgyzstan.secretariat)
    page_url = reverse(
        "decisions:detail", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}
    )
    assert f"?decision={decision.pk}" in client.get(page_url).content.decode()
    form_page = client.get(UPLOAD, {"decision": decision.pk}).content.decode()
    assert f'<option value="{decision.pk}" selected>' in form_page
    client.post(
        UPLOAD,
        {
            **form(title="Annex: the statement"),
            "decision": decision.pk,
            "file": upload("a.pdf", pdf()),
        },
    )
    make(
        kyrgyzstan,
        title="Annex: budget",
        decision=decision,
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["IOM"]],
    )
    member = login(kyrgyzstan.member).get(page_url).content.decode()
    assert "Annex: the statement" in member and "Annex: budget" not in member
