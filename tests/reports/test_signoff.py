"""The quarterly report goes to the UN team only when every co-chair in office has signed it
(issue #14: one co-chair alone submitted it, and the other was neither asked nor told); its
PDF prints who signed, when, and the SHA-256 of what they signed."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from circulation.models import Circulation
from networks.scoping import network_scope
from reports import services
from reports.models import QuarterlyReport, ReportVersion
from tests.reports.conftest import submit

BASE = "/n/kyrgyzstan/reports"


def test_the_quarterly_report_goes_to_the_un_team_only_when_both_co_chairs_have_signed(
    q3, kyrgyzstan, client
):
    _expected, report = q3
    with network_scope(kyrgyzstan.network):
        assert services.report_submit(report=report, by=kyrgyzstan.co_chair) is None
        report.refresh_from_db()
        assert report.status == QuarterlyReport.Status.DRAFT
        assert not ReportVersion.objects.exists()
        assert not Circulation.objects.filter(template="report_submitted").exists()
        with pytest.raises(ValidationError, match="already signed") as twice:
            services.report_submit(report=report, by=kyrgyzstan.co_chair)
    assert twice.value.code == "already_signed"
    client.force_login(kyrgyzstan.secretariat)
    page = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert "Signed by: Co Chair of Kyrgyzstan." in page
    assert "Still awaited: Co Chair2 of Kyrgyzstan." in page
    with network_scope(kyrgyzstan.network):
        version = services.report_submit(report=report, by=kyrgyzstan.co_chair2)
        report.refresh_from_db()
        assert Circulation.objects.filter(template="report_submitted").count() == 1
    assert version.number == 1 and report.status == QuarterlyReport.Status.SUBMITTED


def test_a_signature_on_figures_that_changed_since_is_refused(q3, kyrgyzstan):
    _expected, report = q3
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="changed since you opened it") as stale:
            services.report_submit(report=report, by=kyrgyzstan.co_chair, content_sha256="0" * 64)
        assert not report.signatures.exists()
    assert stale.value.code == "stale"


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_report_pdf_prints_who_signed_it_when_and_the_sha256(q3, kyrgyzstan, client):
    _expected, report = q3
    version = submit(kyrgyzstan, report, narrative="The quarter in brief.")
    with network_scope(kyrgyzstan.network):
        signatures = list(version.signatures.order_by("signed_at"))
    client.force_login(kyrgyzstan.rco)
    pdf = client.get(f"{BASE}/{report.pk}/v1/report.pdf")
    assert pdf.status_code == 200, pdf
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Approval record" in text
    assert "Co Chair of Kyrgyzstan" in text and "Co Chair2 of Kyrgyzstan" in text
    assert "RCO" in text and "IOM" in text and "UTC" in text and "Bishkek time (UTC+6)" in text
    assert "Asia/Bishkek" not in text
    assert signatures[0].content_sha256 in text.replace(" ", "")
