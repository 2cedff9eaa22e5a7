"""The RCO pulls the quarterly report through the API with a personal access token."""

import datetime as dt

import pytest

from accounts.models import AccessToken
from networks.scoping import network_scope, scopes_disabled
from tests.api.helpers import bearer
from tests.factories import build_network
from tests.reports.conftest import submit

KG = "/api/v1/networks/kyrgyzstan/reports"


@pytest.fixture
def belarus(db):
    with scopes_disabled():
        return build_network("belarus", code="BLR", time_zone="Europe/Minsk")


def test_the_rco_of_kyrgyzstan_pulls_the_json_with_a_token(q3, kyrgyzstan, client):
    expected, report = q3
    submit(kyrgyzstan, report, narrative="Quarter narrative.")
    token = bearer(kyrgyzstan.rco)
    listing = client.get(f"{KG}/", **token)
    assert listing.status_code == 200
    [item] = listing.json()["results"]
    assert item == {
        "id": report.pk,
        "year": 2026,
        "quarter": 3,
        "label": "2026-Q3",
        "version": 1,
        "submitted_at": item["submitted_at"],
    }
    body = client.get(f"{KG}/{report.pk}/", **token).json()
    assert body["figures"]["meetings"]["held"] == expected["meetings.held"]
    assert body["figures"]["workplan"]["budget"]["required"] == "55000.00"
    assert body["narrative"] == "Quarter narrative."
    assert [v["number"] for v in body["versions"]] == [1]
    assert client.get(f"{KG}/{report.pk}/versions/1/", **token).json()["version"] == 1
    assert client.get(f"{KG}/{report.pk}/versions/2/", **token).status_code == 404


def test_the_same_token_on_belarus_gets_404(q3, kyrgyzstan, belarus, client):
    _expected, report = q3
    submit(kyrgyzstan, report)
    with network_scope(belarus.network):
        from reports import services

        theirs, _ = services.report_open(
            network=belarus.network, by=belarus.secretariat, year=2026, quarter=3
        )
        # Both co-chairs sign by default (issue #14).
        services.report_submit(report=theirs, by=belarus.co_chair)
        services.report_submit(report=theirs, by=belarus.co_chair2)
    token = bearer(kyrgyzstan.rco)
    for url in (
        "/api/v1/networks/belarus/reports/",
        f"/api/v1/networks/belarus/reports/{theirs.pk}/",
        f"/api/v1/networks/belarus/reports/{report.pk}/",
    ):
        response = client.get(url, **token)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "token",
    [
        {"revoke": True},
        {"expires_on": dt.date.today() - dt.timedelta(days=1)},
    ],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_token_gets_401(q3, kyrgyzstan, client, token):
    _expected, report = q3
    submit(kyrgyzstan, report)
    headers = bearer(kyrgyzstan.rco, **token)
    for url in (f"{KG}/", f"{KG}/{report.pk}/"):
        response = client.get(url, **headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"


def test_a_draft_is_not_served(q3, kyrgyzstan, client):
    _expected, report = q3
    headers = bearer(kyrgyzstan.secretariat, scope=AccessToken.Scope.READ)
    assert client.get(f"{KG}/{report.pk}/", **headers).status_code == 404
    assert client.get(f"{KG}/", **headers).json()["results"] == []


def test_members_may_not_pull_reports(q3, kyrgyzstan, client):
    _expected, report = q3
    submit(kyrgyzstan, report)
    response = client.get(f"{KG}/{report.pk}/", **bearer(kyrgyzstan.member))
    assert response.status_code == 403
