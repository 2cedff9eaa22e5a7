"""The member list the secretariat shares: CSV for spreadsheets and PDF, in the reader's
language, never cached, and only for those who may see the list."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from networks.models import Network, RegionalViewer
from networks.scoping import scopes_disabled
from tests.factories import build_network, person

FOOTNOTE = (
    "References to Kosovo shall be understood to be in the context of United Nations Security "
    "Council resolution 1244 (1999)."
)


def export(network: str, extension: str) -> str:
    return reverse(f"networks:members-{extension}", kwargs={"network": network})


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture
def kosovo(db):
    with scopes_disabled():
        kosovo = build_network("kosovo", code="KOS", time_zone="Europe/Belgrade")
    Network.objects.filter(pk=kosovo.network.pk).update(designation_footnote=FOOTNOTE)
    return kosovo


def test_csv_has_a_header_row_and_one_row_per_focal_point(kyrgyzstan, login):
    response = login(kyrgyzstan.member).get(export("kyrgyzstan", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = csv_rows(response)
    assert rows[0] == [
        "Organisation",
        "Acronym",
        "Participation",
        "National authority",
        "Person",
        "Role",
        "Email",
        "Since",
    ]
    by_email = {row[6]: row for row in rows[1:]}
    assert set(by_email) == {someone.email for someone in kyrgyzstan.people.values()}
    officer = by_email[kyrgyzstan.secretariat.email]
    assert officer[:3] == ["International Organization for Migration", "IOM", "Member"]
    assert officer[4:6] == [kyrgyzstan.secretariat.get_full_name(), "Secretariat"]
    assert officer[7] == timezone.localdate(timezone=kyrgyzstan.network.zone).isoformat()
    authority = by_email[kyrgyzstan.partner.email]
    assert authority[1:4] == ["MLSM", "External partner", "yes"]
    assert by_email[kyrgyzstan.member.email][3] == ""


def test_an_organisation_without_a_focal_point_still_has_its_row(kyrgyzstan, login):
    from networks import services
    from tests.factories import organisation

    services.participation_add(
        network=kyrgyzstan.network,
        organisation=organisation("ILO", name="International Labour Organization"),
        type="observer",
    )
    rows = csv_rows(login(kyrgyzstan.member).get(export("kyrgyzstan", "csv")))
    ilo = [row for row in rows if row[1] == "ILO"]
    assert ilo == [["International Labour Organization", "ILO", "Observer", "", "", "", "", ""]]


def test_csv_speaks_the_readers_language(kyrgyzstan, login):
    response = login(kyrgyzstan.member).get(export("kyrgyzstan", "csv"), HTTP_ACCEPT_LANGUAGE="ru")
    rows = csv_rows(response)
    assert rows[0][0] == "Организация"
    authority = [row for row in rows if row[1] == "MLSM"][0]
    assert authority[2] == "Внешний партнёр"


def test_a_name_that_looks_like_a_formula_stays_text_in_a_spreadsheet(kyrgyzstan, login):
    member = kyrgyzstan.member
    get_user_model().objects.filter(pk=member.pk).update(
        full_name='=HYPERLINK("http://evil.example","Click")'
    )
    rows = csv_rows(login(kyrgyzstan.secretariat).get(export("kyrgyzstan", "csv")))
    row = [row for row in rows if row[6] == member.email][0]
    assert row[4] == '\'=HYPERLINK("http://evil.example","Click")'


@pytest.mark.parametrize("extension", ["csv", "pdf"])
def test_exports_are_private_downloads_named_after_the_network_and_day(
    kyrgyzstan, login, extension
):
    response = login(kyrgyzstan.member).get(export("kyrgyzstan", extension))
    today = timezone.localdate(timezone=kyrgyzstan.network.zone).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="members-kyrgyzstan-{today}.{extension}"'
    )
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.real_pdf  # reads what the PDF says
def test_pdf_holds_the_organisations_the_date_the_mark_and_the_footnote(kosovo, login):
    response = login(kosovo.secretariat).get(export("kosovo", "pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert kosovo.network.name in text
    for organisation in kosovo.organisations.values():
        assert organisation.name in text
    assert kosovo.co_chair.email in text
    assert "Internal — not for distribution" in text
    assert FOOTNOTE in text
    today = timezone.localdate(timezone=kosovo.network.zone)
    assert re.search(rf"As of {today.day} {today:%B} {today.year}", text)


@pytest.mark.real_pdf  # reads what the PDF says
def test_pdf_speaks_the_readers_language(kyrgyzstan, login):
    text = pdf_text(
        login(kyrgyzstan.member).get(export("kyrgyzstan", "pdf"), HTTP_ACCEPT_LANGUAGE="ru")
    )
    assert "Список членов" in text
    assert "Организация" in text


@pytest.mark.parametrize("extension", ["csv", "pdf"])
def test_who_may_not_see_the_member_list_cannot_export_it(
    kyrgyzstan, mongolia, eca, client, extension
):
    viewer = person("regional@example.org")
    RegionalViewer.objects.create(user=viewer, region=eca)
    client.force_login(viewer)
    assert client.get(export("kyrgyzstan", extension)).status_code == 403
    client.force_login(kyrgyzstan.partner)
    assert client.get(export("kyrgyzstan", extension)).status_code == 403
    client.force_login(mongolia.secretariat)
    outsider = client.get(export("kyrgyzstan", extension))
    assert outsider.status_code == 404
    assert outsider["Content-Type"].startswith("text/html")
    client.logout()
    assert client.get(export("kyrgyzstan", extension)).status_code == 302
