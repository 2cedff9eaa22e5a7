"""When a quarter ends, the beat job drafts its report and tells the secretariat and the
co-chairs — once, however often it runs."""

import datetime as dt

from circulation.models import Circulation
from common.quarters import last_ended_quarter
from demo.clock import clock_at
from networks.models import Membership, Network
from networks.scoping import network_scope, scopes_disabled
from reports import tasks
from reports.models import QuarterlyReport


def test_the_beat_drafts_the_ended_quarter_once_and_tells_secretariat_and_co_chairs(
    kyrgyzstan, mongolia
):
    with scopes_disabled():
        Network.objects.update(created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert tasks.draft_quarterly_reports() == 2
    assert tasks.draft_quarterly_reports() == 0
    assert tasks.draft_ended_quarter(kyrgyzstan.network.pk) is False
    label = last_ended_quarter(kyrgyzstan.network).label
    with network_scope(kyrgyzstan.network):
        [report] = QuarterlyReport.objects.all()
        assert report.label == label and report.is_draft and report.drafted_by is None
        [mailing] = Circulation.objects.filter(kind=Circulation.Kind.REPORT)
        addresses = set(mailing.deliveries.values_list("address", flat=True))
    people = kyrgyzstan.people
    assert addresses == {people[key].email for key in ("secretariat", "co_chair", "co_chair2")}
    assert label in mailing.subject
    assert mailing.link == f"/n/kyrgyzstan/reports/{report.pk}/"


def test_a_network_created_after_the_quarter_gets_no_report_of_it(kyrgyzstan):
    assert tasks.draft_ended_quarter(kyrgyzstan.network.pk) is False
    with network_scope(kyrgyzstan.network):
        assert not QuarterlyReport.objects.exists()


def test_a_bishkek_quarter_is_drafted_at_midnight_bishkek_time_once(kyrgyzstan, mongolia):
    """Bishkek is UTC+6: its third quarter ends at 18:00 UTC on 30 September, two hours after
    Ulaanbaatar's (UTC+8)."""
    long_ago = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with scopes_disabled():
        Network.objects.update(created_at=long_ago)
        Membership.objects.update(started_at=long_ago)
    bishkek, ulaanbaatar = kyrgyzstan.network, mongolia.network

    def drafted(network):
        with network_scope(network):
            return sorted(QuarterlyReport.objects.values_list("year", "quarter"))

    with clock_at(dt.datetime(2026, 9, 30, 17, 59, tzinfo=dt.UTC)):
        tasks.draft_quarterly_reports()
    assert drafted(bishkek) == [(2026, 2)]  # 23:59 in Bishkek: still the third quarter
    assert drafted(ulaanbaatar) == [(2026, 3)]
    with clock_at(dt.datetime(2026, 9, 30, 18, 15, tzinfo=dt.UTC)):
        tasks.draft_quarterly_reports()  # 00:15 in Bishkek
        # The next runs make nothing again.
        assert tasks.draft_quarterly_reports() == 0
        assert tasks.draft_ended_quarter(bishkek.pk) is False
    assert drafted(bishkek) == [(2026, 2), (2026, 3)]
    assert drafted(ulaanbaatar) == [(2026, 3)]
    with network_scope(bishkek):
        # One announcement per draft, never twice.
        assert Circulation.objects.filter(kind=Circulation.Kind.REPORT).count() == 2
