"""When a quarter ends, the beat job drafts its report and tells the secretariat and the
co-chairs — once, however often it runs."""

import datetime as dt

from circulation.models import Circulation
from common.quarters import last_ended_quarter
from networks.models import Network
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
