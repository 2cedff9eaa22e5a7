"""Sessions end after a time without activity (8 hours; an operator's after 1 hour) and after
an absolute lifetime (14 days), both configurable; a new sign-in address works only once it
is confirmed from its own mailbox."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import middleware
from tests.factories import TEST_PASSWORD

HOME = "/n/kyrgyzstan/"
HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_900_000_000.0}
    monkeypatch.setattr(middleware, "_now", lambda: now["t"])

    def advance(seconds: float) -> None:
        now["t"] += seconds

    return advance


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_inactivity_signs_a_person_out_after_eight_hours(client, kyrgyzstan, clock):
    sign_in(client, kyrgyzstan.member.email)
    assert client.get(HOME).status_code == 200
    clock(8 * HOUR - 60)
    assert client.get(HOME).status_code == 200  # activity resets the clock
    clock(8 * HOUR - 60)
    assert client.get(HOME).status_code == 200
    clock(8 * HOUR + 1)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "signed out after a time without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_operator_is_signed_out_after_an_hour(client, kyrgyzstan, clock, django_user_model):
    django_user_model.objects.create_superuser(email="op@example.org", password="op-pass-12345")
    operator = Client()
    sign_in(operator, "op@example.org", "op-pass-12345")
    sign_in(client, kyrgyzstan.member.email)
    assert operator.get("/operators/").status_code == 200
    clock(HOUR + 61)
    assert operator.get("/operators/").status_code == 302
    assert "_auth_user_id" not in operator.session
    assert client.get(HOME).status_code == 200  # a member's session lasts longer


def test_the_absolute_lifetime_ends_even_an_active_session(client, kyrgyzstan, clock):
    sign_in(client, kyrgyzstan.member.email)
    for _ in range(14 * 24 // 7):
        clock(7 * HOUR)
        assert client.get(HOME).status_code == 200
    clock(7 * HOUR)
    response = client.get(HOME, follow=True)
    assert "reached its time limit" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_limits_are_settings(client, kyrgyzstan, clock, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 5
    sign_in(client, kyrgyzstan.member.email)
    clock(4 * 60)
    assert client.get(HOME).status_code == 200
    clock(5 * 60 + 1)
    assert client.get(HOME).status_code == 302


def test_a_new_address_signs_in_only_once_confirmed(client, kyrgyzstan, clock):
    member = kyrgyzstan.member
    old = member.email
    sign_in(client, old)
    mail.outbox.clear()
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "moved@example.org"}
    )
    assert response.status_code in (200, 302)
    member.refresh_from_db()
    assert member.email == old
    assert [m.to for m in mail.outbox] == [["moved@example.org"]]
    stranger = Client()
    refused = sign_in(stranger, "moved@example.org")
    assert "_auth_user_id" not in stranger.session
    assert refused.status_code == 200
    # Its owner confirms from the mail: the new address replaces the old one.
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)[1]
    client.post(link)
    member.refresh_from_db()
    assert member.email == "moved@example.org"
    fresh = Client()
    sign_in(fresh, "moved@example.org")
    assert fresh.session.get("_auth_user_id") == str(member.pk)
    again = Client()
    sign_in(again, old)
    assert "_auth_user_id" not in again.session


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _writes(client, path) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured.captured_queries if WRITE.match(q["sql"])]


def test_a_plain_get_writes_nothing_within_the_activity_resolution(client, kyrgyzstan, clock):
    """Signed in properly (allauth's session row, the idle clock): the first GET records the
    session's activity; the next GETs within SESSION_ACTIVITY_RESOLUTION write nothing, and
    the one after it writes again (the idle limit goes on counting from it)."""
    from allauth.usersessions.models import UserSession

    sign_in(client, kyrgyzstan.member.email)
    client.get(HOME)
    assert _writes(client, HOME) == []
    clock(middleware.activity_resolution() - 1)
    assert _writes(client, "/") == []
    assert _writes(client, HOME) == []
    seen = UserSession.objects.get(user=kyrgyzstan.member).last_seen_at
    clock(2)
    written = _writes(client, HOME)
    assert any("django_session" in sql for sql in written)
    assert UserSession.objects.get(user=kyrgyzstan.member).last_seen_at > seen


def test_the_idle_limit_counts_from_the_last_recorded_activity(client, kyrgyzstan, clock, settings):
    """A request within the resolution is not recorded: the limit then counts from the last
    recorded one, so a person is signed out up to the resolution early, never late."""
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    settings.SESSION_ACTIVITY_RESOLUTION = 300
    sign_in(client, kyrgyzstan.member.email)
    assert client.get(HOME).status_code == 200  # recorded
    clock(299)
    assert client.get(HOME).status_code == 200  # not recorded
    clock(30 * 60 - 299 + 1)  # 30 minutes and a second after the recorded request
    assert client.get(HOME).status_code == 302
    assert "_auth_user_id" not in client.session
