"""The document library through the API, with a personal access token: the pages' rules
of who opens what, the same upload checks, the same download, the same records."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AccessToken
from audit.models import AuditEvent
from documents import services
from documents.models import ConfidentialityChange, Document, DocumentRead, Dossier
from networks.scoping import network_scope
from tests.api.helpers import KG, bearer
from tests.documents.files import HOSTILE, pdf, upload
from tests.documents.test_library import download as page_download
from tests.documents.test_library import make, stored_files

DOCS = f"{KG}/documents/"


def token(user, write=False) -> Client:
    """A client that sends only the person's token, as a script does."""
    scope = AccessToken.Scope.READ_WRITE if write else AccessToken.Scope.READ
    headers = bearer(user, scope=scope)
    return Client(**headers)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_each_role_lists_only_the_documents_it_may_open(kyrgyzstan):
    make(kyrgyzstan, "Internal study")
    make(kyrgyzstan, "Partners' brief", confidentiality="partners")
    make(
        kyrgyzstan,
        "Budget",
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["IOM"]],
    )
    assert sorted(titles(token(kyrgyzstan.secretariat).get(DOCS))) == [
        "Budget",
        "Internal study",
        "Partners' brief",
    ]
    assert sorted(titles(token(kyrgyzstan.member).get(DOCS))) == [
        "Internal study",
        "Partners' brief",
    ]
    assert titles(token(kyrgyzstan.partner).get(DOCS)) == ["Partners' brief"]


def test_a_document_the_caller_may_not_open_is_the_same_404_as_a_missing_one(kyrgyzstan):
    budget = make(
        kyrgyzstan,
        "Budget",
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["IOM"]],
    )
    member = token(kyrgyzstan.member)
    for suffix in ("", "versions/", "versions/1/", "versions/1/file"):
        hidden = member.get(f"{DOCS}{budget.pk}/{suffix}")
        missing = member.get(f"{DOCS}999999/{suffix}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content


def test_filters_and_full_text_search(kyrgyzstan):
    make(kyrgyzstan, "Labour migration study")
    make(kyrgyzstan, "Returns brief", confidentiality="partners")
    with network_scope(kyrgyzstan.network):
        Document.objects.filter(title="Returns brief").update(category="report", language="ru")
    client = token(kyrgyzstan.member)
    assert titles(client.get(DOCS, {"category": "report"})) == ["Returns brief"]
    assert titles(client.get(DOCS, {"confidentiality": "internal"})) == ["Labour migration study"]
    assert titles(client.get(DOCS, {"language": "ru"})) == ["Returns brief"]
    assert titles(client.get(DOCS, {"updated_since": "2999-01-01T00:00:00+06:00"})) == []
    found = client.get(DOCS, {"q": "labour"}).json()["results"]
    assert [row["title"] for row in found] == ["Labour migration study"]
    assert found[0]["snippet"] is not None
    assert client.get(DOCS).json()["results"][0]["snippet"] is None
    bad = client.get(DOCS, {"updated_since": "yesterday", "category": "poem"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"updated_since", "category"}


def test_a_script_uploads_reads_back_and_downloads_with_the_pages_headers(kyrgyzstan, settings):
    writer = token(kyrgyzstan.secretariat, write=True)
    response = writer.post(
        DOCS,
        {
            "title": "Study 2026",
            "category": "study",
            "language": "ru",
            "file": upload("Study 2026.PDF", pdf()),
            "gcm_objectives": ["2", "7"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["language"], body["gcm_objectives"]) == (
        "Study 2026",
        "ru",
        [2, 7],
    )
    assert [v["filename"] for v in body["versions"]] == ["Study 2026.pdf"]
    assert body["confidentiality_changes"] == []

    reader = token(kyrgyzstan.member)
    detail = reader.get(f"{DOCS}{body['id']}/").json()
    assert detail["versions"][0]["sha256"] == body["versions"][0]["sha256"]
    assert detail["confidentiality_changes"] is None  # the secretariat's, as on the page

    # HEAD says what GET would, and records nothing.
    assert reader.head(body["download"]).status_code == 200
    with network_scope(kyrgyzstan.network):
        assert not DocumentRead.objects.exists()
    api_file = reader.get(body["download"])
    assert b"".join(api_file.streaming_content) == pdf()
    with network_scope(kyrgyzstan.network):
        read = DocumentRead.objects.get()
        document = Document.objects.get(pk=body["id"])
    assert (read.user, read.organisation) == (
        kyrgyzstan.member,
        kyrgyzstan.organisations["UNDP"],
    )
    page = Client()
    page.force_login(kyrgyzstan.member)
    page_file = page.get(page_download(document))
    for header in (
        "Content-Type",
        "Content-Disposition",
        "X-Content-Type-Options",
        "Content-Security-Policy",
        "Cache-Control",
        "Content-Length",
    ):
        assert api_file[header] == page_file[header], header


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_upload_is_a_400_and_nothing_is_stored(kyrgyzstan, settings, case):
    name, data = HOSTILE[case]
    before = stored_files(settings)
    response = token(kyrgyzstan.secretariat, write=True).post(
        DOCS, {"title": "Study", "category": "study", "file": upload(name, data)}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["file"]
    with network_scope(kyrgyzstan.network):
        assert not Document.objects.exists()
    assert stored_files(settings) == before


def test_a_file_over_the_limit_is_a_400_that_says_the_limit(kyrgyzstan, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    response = token(kyrgyzstan.secretariat, write=True).post(
        DOCS, {"title": "Study", "category": "study", "file": upload("big.pdf", pdf("x" * 5000))}
    )
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["error"]["fields"]["file"][0]
    with network_scope(kyrgyzstan.network):
        assert not Document.objects.exists()


def test_a_json_upload_is_a_415_that_asks_for_multipart(kyrgyzstan):
    response = token(kyrgyzstan.secretariat, write=True).post(
        DOCS, {"title": "Study"}, content_type="application/json"
    )
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["error"]["message"]


def test_only_the_secretariat_uploads_changes_confidentiality_and_reads_the_readers(kyrgyzstan):
    document = make(kyrgyzstan)
    member = token(kyrgyzstan.member, write=True)
    for response in (
        member.post(DOCS, {"title": "x", "category": "study", "file": upload("a.pdf", pdf())}),
        member.post(f"{DOCS}{document.pk}/versions/", {"file": upload("a.pdf", pdf())}),
        member.post(
            f"{DOCS}{document.pk}/confidentiality/",
            {"confidentiality": "partners", "reason": "x"},
            content_type="application/json",
        ),
        member.get(f"{DOCS}{document.pk}/readers/"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_allowed"


def test_a_new_version_keeps_the_earlier_ones(kyrgyzstan):
    document = make(kyrgyzstan)
    writer = token(kyrgyzstan.secretariat, write=True)
    response = writer.post(
        f"{DOCS}{document.pk}/versions/", {"file": upload("v2.pdf", pdf("Second"))}
    )
    assert response.status_code == 201
    assert response.json()["number"] == 2
    listed = writer.get(f"{DOCS}{document.pk}/versions/").json()["results"]
    assert [v["number"] for v in listed] == [2, 1]
    first = writer.get(f"{DOCS}{document.pk}/versions/1/").json()
    assert b"".join(writer.get(first["download"]).streaming_content) == pdf(document.title)


def test_the_confidentiality_changes_with_its_reason_and_a_restricted_download_is_audited(
    kyrgyzstan,
):
    document = make(kyrgyzstan)
    writer = token(kyrgyzstan.secretariat, write=True)
    url = f"{DOCS}{document.pk}/confidentiality/"
    missing = writer.post(url, {"confidentiality": "restricted"}, content_type="application/json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["fields"]
    nobody = writer.post(
        url, {"confidentiality": "restricted", "reason": "x"}, content_type="application/json"
    )
    assert list(nobody.json()["error"]["fields"]) == ["organisations"]
    response = writer.post(
        url,
        {
            "confidentiality": "restricted",
            "reason": "Names of returnees",
            "people": [kyrgyzstan.member.email],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    changes = response.json()["confidentiality_changes"]
    assert [(c["before"], c["after"], c["reason"]) for c in changes] == [
        ("internal", "restricted", "Names of returnees")
    ]
    with network_scope(kyrgyzstan.network):
        assert ConfidentialityChange.objects.filter(document=document).count() == 1
    # Named, the member opens it; its download is in the audit trail.
    member = token(kyrgyzstan.member)
    assert member.get(f"{DOCS}{document.pk}/versions/1/file").status_code == 200
    with network_scope(kyrgyzstan.network):
        assert AuditEvent.objects.filter(event="document.download").count() == 1
    # The co-chair is not named: the same 404 as for a missing document.
    assert token(kyrgyzstan.co_chair).get(f"{DOCS}{document.pk}/").status_code == 404
    unknown = writer.post(
        url,
        {"confidentiality": "restricted", "reason": "x", "people": ["stranger@example.org"]},
        content_type="application/json",
    )
    assert list(unknown.json()["error"]["fields"]) == ["people"]


def test_the_readers_per_organisation(kyrgyzstan):
    document = make(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        version = document.versions.get()
        services.version_opened(version=version, user=kyrgyzstan.member)
    rows = token(kyrgyzstan.secretariat).get(f"{DOCS}{document.pk}/readers/").json()
    undp = next(row for row in rows if row["organisation"]["acronym"] == "UNDP")
    assert [r["email"] for r in undp["readers"]] == [kyrgyzstan.member.email]
    assert all(kyrgyzstan.member.email not in [r["email"] for r in row["not_read"]] for row in rows)


def test_dossiers_show_what_each_caller_may_open_and_what_is_missing(kyrgyzstan):
    budget = make(
        kyrgyzstan,
        "Budget",
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["IOM"]],
    )
    note = make(kyrgyzstan, "Concept note")
    with network_scope(kyrgyzstan.network):
        dossier = services.dossier_create(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="MPTF 2026",
            call="Migration MPTF",
            required_items=["Concept note", "Budget", "Results framework"],
        )
        services.dossier_add(
            dossier=dossier, document=note, requirement="Concept note", by=kyrgyzstan.secretariat
        )
        services.dossier_add(
            dossier=dossier, document=budget, requirement="Budget", by=kyrgyzstan.secretariat
        )
    member = token(kyrgyzstan.member)
    assert [d["title"] for d in member.get(f"{KG}/dossiers/").json()["results"]] == ["MPTF 2026"]
    body = member.get(f"{KG}/dossiers/{dossier.pk}/").json()
    assert {r["name"]: [d["title"] for d in r["documents"]] for r in body["requirements"]} == {
        "Concept note": ["Concept note"],
        "Budget": [],  # there, but not for the member
        "Results framework": [],
    }
    assert body["missing"] == ["Results framework"]
    assert token(kyrgyzstan.partner).get(f"{KG}/dossiers/").status_code == 403
    with network_scope(kyrgyzstan.network):
        assert Dossier.objects.count() == 1


def test_an_empty_value_in_a_multipart_list_is_a_400(kyrgyzstan):
    response = token(kyrgyzstan.secretariat, write=True).post(
        DOCS, {"title": "x", "category": "study", "people": "", "file": upload("a.pdf", pdf())}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["people"]


def queries(client, url, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_lists_and_a_document_run_a_fixed_number_of_queries(kyrgyzstan):
    first = make(kyrgyzstan, "Study 1")
    client = token(kyrgyzstan.secretariat, write=True)
    client.get(f"{KG}/")  # the token's first use is recorded once
    small = [
        queries(client, DOCS),
        queries(client, DOCS, q="study"),
        queries(client, f"{DOCS}{first.pk}/"),
        queries(client, f"{DOCS}{first.pk}/versions/"),
    ]
    for number in range(2, 12):
        make(kyrgyzstan, f"Study {number}")
    for _ in range(5):
        client.post(f"{DOCS}{first.pk}/versions/", {"file": upload("next.pdf", pdf("Next"))})
    large = [
        queries(client, DOCS),
        queries(client, DOCS, q="study"),
        queries(client, f"{DOCS}{first.pk}/"),
        queries(client, f"{DOCS}{first.pk}/versions/"),
    ]
    assert large == small
