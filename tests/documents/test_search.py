"""Search finds documents by title, description and the text of their files, and never
returns — or counts, or quotes — a document the searcher may not open."""

import io
import zipfile

from django.urls import reverse

from documents import selectors, services
from documents.models import Document, DocumentVersion
from documents.tasks import extract_text
from networks.access import access_for
from networks.scoping import network_scope
from tests.documents.files import pdf, upload

LIBRARY = reverse("documents:library", kwargs={"network": "kyrgyzstan"})


def add(net, title, data=None, name="study.pdf", **kwargs):
    with network_scope(net.network):
        document = services.document_upload(
            network=net.network,
            by=net.secretariat,
            title=title,
            file=upload(name, data or pdf(title)),
            **kwargs,
        )
        version = DocumentVersion.objects.get(document=document)
    extract_text.apply(args=[version.pk])
    return document


def docx_with(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def titles(response) -> list[str]:
    page = response.context["page"]
    return [document.title for document in page.object_list]


def test_the_text_of_a_file_is_found_after_the_worker_reads_it(kyrgyzstan, login):
    add(
        kyrgyzstan,
        "Briefing note",
        data=docx_with("Remittance corridors between Bishkek and Moscow"),
        name="note.docx",
    )
    add(kyrgyzstan, "Unrelated minutes")
    with network_scope(kyrgyzstan.network):
        assert "Remittance corridors" in Document.objects.get(title="Briefing note").search_text
    response = login(kyrgyzstan.member).get(LIBRARY, {"q": "remittance corridors"})
    assert titles(response) == ["Briefing note"]
    # The snippet quotes the text around the match (PostgreSQL marks the words found).
    assert "between Bishkek and Moscow" in response.content.decode()


def test_a_title_match_ranks_before_a_text_match(kyrgyzstan, login):
    add(kyrgyzstan, "Annual report", data=docx_with("returns and reintegration"), name="a.docx")
    add(kyrgyzstan, "Returns and reintegration")
    response = login(kyrgyzstan.member).get(LIBRARY, {"q": "reintegration"})
    assert titles(response) == ["Returns and reintegration", "Annual report"]


def test_search_never_shows_another_networks_or_a_restricted_document(kyrgyzstan, mongolia, login):
    add(kyrgyzstan, "Labour migration study")
    add(mongolia, "Labour migration study of Mongolia")
    add(
        kyrgyzstan,
        "Labour migration study, restricted annex",
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["UNDP"]],
    )
    unhcr = login(kyrgyzstan.member_unhcr).get(LIBRARY, {"q": "labour migration"})
    assert titles(unhcr) == ["Labour migration study"]
    assert unhcr.context["page"].paginator.count == 1
    page = unhcr.content.decode()
    assert "restricted annex" not in page and "Mongolia" not in page
    undp = login(kyrgyzstan.member).get(LIBRARY, {"q": "labour migration"})
    assert sorted(titles(undp)) == [
        "Labour migration study",
        "Labour migration study, restricted annex",
    ]


def test_an_odd_query_is_just_a_query(kyrgyzstan, login):
    add(kyrgyzstan, "Labour migration study")
    client = login(kyrgyzstan.member)
    for query in ("", "   ", "'\" OR 1=1 --", "a" * 5000, "!!! & | :*", "миграция", "lab\x00our"):
        assert client.get(LIBRARY, {"q": query}).status_code == 200
    with network_scope(kyrgyzstan.network):
        access = access_for(kyrgyzstan.member, kyrgyzstan.network)
        assert list(selectors.search(access=access, query="")) == []
