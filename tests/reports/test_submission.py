"""Submitting freezes the report: later changes to the data leave a submitted version as it
was, a submitted version cannot be changed or deleted, and a resubmission (with a reason)
is a new version beside the first."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from circulation.models import Circulation
from meetings.models import Meeting
from networks.scoping import network_scope
from reports import services
from reports.models import QuarterlyReport, ReportVersion
from tests.reports.conftest import submit, utc
from workflow import FrozenError

BASE = "/n/kyrgyzstan/reports"


def test_changing_a_meeting_after_submitting_leaves_the_submitted_figures(q3, kyrgyzstan, client):
    _expected, report = q3
    first = submit(kyrgyzstan, report)
    assert first.figures["meetings"]["held"] == 2
    with network_scope(kyrgyzstan.network):
        # The August meeting is cancelled after all, and one more is recorded in September.
        Meeting.objects.filter(title="Labour migration meeting").update(status="cancelled")
        Meeting.objects.create(
            network=kyrgyzstan.network,
            title="Extra September meeting",
            starts_at=utc(2026, 9, 10, 6),
            ends_at=utc(2026, 9, 10, 8),
        )
        stored = ReportVersion.objects.get(pk=first.pk)
    assert stored.figures == first.figures
    client.force_login(kyrgyzstan.rco)
    page = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert 'data-figure="meetings.held">2<' in page
    assert "Labour migration meeting" in page and "Extra September meeting" not in page


def test_a_submitted_version_cannot_be_changed_or_deleted(q3, kyrgyzstan):
    _expected, report = q3
    version = submit(kyrgyzstan, report)
    with network_scope(kyrgyzstan.network):
        version.narrative = "Rewritten history"
        with pytest.raises(FrozenError):
            version.save()
        with pytest.raises(FrozenError):
            ReportVersion.objects.filter(pk=version.pk).update(narrative="Rewritten")
        with pytest.raises(FrozenError):
            ReportVersion.objects.filter(pk=version.pk).delete()
        with pytest.raises(FrozenError):
            version.delete()
        assert ReportVersion.objects.get(pk=version.pk).narrative == ""


def test_resubmission_needs_a_reason_and_keeps_both_versions(q3, kyrgyzstan, client):
    _expected, report = q3
    first = submit(kyrgyzstan, report, narrative="First narrative.")
    with network_scope(kyrgyzstan.network):
        Meeting.objects.filter(title="Labour migration meeting").update(status="cancelled")
        with pytest.raises(ValidationError):
            services.report_submit(report=report, by=kyrgyzstan.co_chair)
        assert ReportVersion.objects.filter(report=report).count() == 1
    second = submit(
        kyrgyzstan,
        report,
        reason="The August meeting did not take place.",
        narrative="Corrected narrative.",
    )
    assert (first.number, second.number) == (1, 2)
    with network_scope(kyrgyzstan.network):
        one, two = ReportVersion.objects.filter(report=report).order_by("number")
    assert (one.figures["meetings"]["held"], two.figures["meetings"]["held"]) == (2, 1)
    assert (one.narrative, two.narrative) == ("First narrative.", "Corrected narrative.")
    assert (one.reason, two.reason) == ("", "The August meeting did not take place.")

    client.force_login(kyrgyzstan.rco)
    latest = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert 'data-figure="meetings.held">1<' in latest and "Version 2" in latest
    earlier = client.get(f"{BASE}/{report.pk}/v1/").content.decode()
    assert 'data-figure="meetings.held">2<' in earlier
    assert "This is an earlier version" in earlier


def seen_hash(client, report) -> str:
    """The SHA-256 the report page's submit form carries: what the co-chair read."""
    page = client.get(f"{BASE}/{report.pk}/").content.decode()
    found = re.search(r'name="content_sha256" value="([0-9a-f]{64})"', page)
    assert found, "the submit form carries no content hash"
    return found.group(1)


def test_the_co_chairs_submit_from_the_page_and_the_rco_is_told(q3, kyrgyzstan, client):
    _expected, report = q3
    # Every co-chair in office signs by default (issue #14): the first signature waits.
    client.force_login(kyrgyzstan.co_chair)
    signed = {"content_sha256": seen_hash(client, report)}
    response = client.post(f"{BASE}/{report.pk}/submit/", signed)
    assert response.status_code == 302 and response["Location"].endswith(f"{report.pk}/")
    client.force_login(kyrgyzstan.co_chair2)
    response = client.post(
        f"{BASE}/{report.pk}/submit/", {"content_sha256": seen_hash(client, report)}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"{report.pk}/v1/")
    with network_scope(kyrgyzstan.network):
        report.refresh_from_db()
        assert report.status == QuarterlyReport.Status.SUBMITTED
        mailing = Circulation.objects.get(template="report_submitted")
        addresses = set(mailing.deliveries.values_list("address", flat=True))
    assert kyrgyzstan.rco.email in addresses
    # Again without a reason: refused, nothing new.
    again = {"content_sha256": seen_hash(client, report)}
    response = client.post(f"{BASE}/{report.pk}/submit/", again, follow=True)
    assert "Say why the report is submitted again" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        assert ReportVersion.objects.filter(report=report).count() == 1


def test_a_co_chair_who_read_other_figures_is_refused_and_nothing_is_signed(q3, kyrgyzstan, client):
    """The page a co-chair signs from is what they sign: if the narrative changed after they
    opened it, the signature is refused with the reason, and nothing is recorded."""
    _expected, report = q3
    client.force_login(kyrgyzstan.co_chair)
    read = seen_hash(client, report)
    with network_scope(kyrgyzstan.network):
        services.narrative_save(
            report=report,
            by=kyrgyzstan.secretariat,
            narrative="A late addition.",
            revision=report.revision,
        )
    response = client.post(f"{BASE}/{report.pk}/submit/", {"content_sha256": read}, follow=True)
    assert "changed since you opened it" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        assert not report.signatures.exists()
    # Read again, then the signature is taken.
    client.post(f"{BASE}/{report.pk}/submit/", {"content_sha256": seen_hash(client, report)})
    with network_scope(kyrgyzstan.network):
        assert report.signatures.count() == 1


def test_only_co_chairs_submit_and_only_the_secretariat_writes(q3, kyrgyzstan, client):
    _expected, report = q3
    for key in ("secretariat", "rco"):
        client.force_login(kyrgyzstan.people[key])
        assert client.post(f"{BASE}/{report.pk}/submit/").status_code == 403
    client.force_login(kyrgyzstan.co_chair)
    response = client.post(f"{BASE}/{report.pk}/narrative/", {"narrative": "x", "revision": 1})
    assert response.status_code == 403
    with network_scope(kyrgyzstan.network):
        assert not ReportVersion.objects.exists()


def test_a_stale_narrative_is_refused(q3, kyrgyzstan, client):
    _expected, report = q3
    client.force_login(kyrgyzstan.secretariat)
    url = f"{BASE}/{report.pk}/narrative/"
    client.post(url, {"narrative": "Mine.", "revision": 1})
    response = client.post(url, {"narrative": "Theirs.", "revision": 1}, follow=True)
    assert "Someone saved the narrative" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        report.refresh_from_db()
    assert report.narrative == "Mine."


def test_drafts_are_for_the_secretariat_and_co_chairs_only(q3, kyrgyzstan, client):
    _expected, report = q3
    for key, status in (("secretariat", 200), ("co_chair", 200), ("rco", 404), ("member", 403)):
        client.force_login(kyrgyzstan.people[key])
        assert client.get(f"{BASE}/{report.pk}/").status_code == status, key
    client.force_login(kyrgyzstan.rco)
    assert "2026-Q3" not in client.get(f"{BASE}/").content.decode()
    assert client.get(f"{BASE}/{report.pk}/v1/report.pdf").status_code == 404


def test_a_quarter_that_has_not_ended_cannot_be_opened(kyrgyzstan):
    with network_scope(kyrgyzstan.network), pytest.raises(ValidationError):
        services.report_open(
            network=kyrgyzstan.network, by=kyrgyzstan.secretariat, year=2099, quarter=1
        )


def test_the_secretariat_opens_a_quarter_from_the_list(kyrgyzstan, client):
    client.force_login(kyrgyzstan.secretariat)
    page = client.get(f"{BASE}/").content.decode()
    assert "Open the report" in page
    with network_scope(kyrgyzstan.network):
        from common.quarters import last_ended_quarter

        label = last_ended_quarter(kyrgyzstan.network).label
    response = client.post(f"{BASE}/new/", {"quarter": label})
    assert response.status_code == 302
    again = client.post(f"{BASE}/new/", {"quarter": label})
    assert again["Location"] == response["Location"]
    with network_scope(kyrgyzstan.network):
        assert QuarterlyReport.objects.count() == 1
    assert not mail.outbox
    assert client.post(f"{BASE}/new/", {"quarter": "2099-Q1"}).status_code == 400


def test_before_resubmitting_the_co_chairs_see_the_figures_as_they_stand_now(
    q3, kyrgyzstan, client
):
    _expected, report = q3
    submit(kyrgyzstan, report)
    with network_scope(kyrgyzstan.network):
        Meeting.objects.filter(title="Labour migration meeting").update(status="cancelled")
    client.force_login(kyrgyzstan.co_chair)
    submitted = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert 'data-figure="meetings.held">2<' in submitted
    assert f"{BASE}/{report.pk}/now/" in submitted
    now = client.get(f"{BASE}/{report.pk}/now/").content.decode()
    assert 'data-figure="meetings.held">1<' in now and "The working copy" in now
    client.force_login(kyrgyzstan.rco)
    assert client.get(f"{BASE}/{report.pk}/now/").status_code == 403
    assert f"{BASE}/{report.pk}/now/" not in client.get(f"{BASE}/{report.pk}/").content.decode()
