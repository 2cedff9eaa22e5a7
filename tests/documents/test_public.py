"""Each network's public page: no sign-in, and nothing but the documents the network agreed
to make public — every other document of it is the same 404 as a missing one."""

from django.test import Client
from django.urls import reverse

from tests.documents.test_library import make
from tests.test_isolation import PUBLIC_ROUTES, network_routes


def public_page(slug="kyrgyzstan"):
    return reverse("public-network", kwargs={"network": slug})


def public_file(document, number=1, slug="kyrgyzstan"):
    return reverse(
        "public-download",
        kwargs={"network": slug, "document_id": document.pk, "number": number},
    )


def test_anyone_reads_the_public_documents_and_nothing_else(kyrgyzstan, mongolia):
    public = make(
        kyrgyzstan,
        title="Joint statement",
        confidentiality="public",
        public_agreement="Decision KGZ-2026-004",
    )
    internal = make(kyrgyzstan, title="Internal study")
    partners = make(kyrgyzstan, title="Partners' note", confidentiality="partners")
    restricted = make(
        kyrgyzstan,
        title="Budget annex",
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["UNDP"]],
    )
    mongolian = make(
        mongolia,
        title="Mongolian statement",
        confidentiality="public",
        public_agreement="Decision MNG-2026-001",
    )
    anyone = Client()
    page = anyone.get(public_page()).content.decode()
    assert "Joint statement" in page
    for hidden in ("Internal study", "Partners&#x27; note", "Budget annex", "Mongolian statement"):
        assert hidden not in page
    response = anyone.get(public_file(public))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    for document in (internal, partners, restricted):
        assert anyone.get(public_file(document)).status_code == 404
    # Another network's public document is not reachable through this network's page.
    assert anyone.get(public_file(mongolian)).status_code == 404
    assert anyone.get(public_file(mongolian, slug="mongolia")).status_code == 200
    assert anyone.get(public_page("no-such-network")).status_code == 404
    assert anyone.get(public_file(public, number=2)).status_code == 404


def test_only_the_public_routes_are_left_out_of_the_walker():
    walked = {route.name for route in network_routes()}
    assert not walked & PUBLIC_ROUTES
    assert {"documents:library", "documents:download"} <= walked
