"""Redis down: signing in still works, never a 500, and its limits still hold (portal.cache
answers from the process's memory until Redis is back; docs/adr/0006-cache-outage.md)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from portal import cache as portal_cache
from portal.settings.base import redis_cache
from tests.accounts.test_mfa import add_authenticator_app, current_code
from tests.circulation.realworker import RedisServer, free_port
from tests.factories import TEST_PASSWORD

HOME = "/n/kyrgyzstan/"


def sign_in(client, email: str, password: str = TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def redis_down(settings):
    """The cache as production configures it, at an address where nothing listens."""
    portal_cache._down_until.clear()
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{free_port()}/0")}
    yield
    portal_cache._down_until.clear()


def test_signing_in_while_redis_is_down_works(kyrgyzstan, client, redis_down):
    assert client.get(reverse("account_login")).status_code == 200
    response = sign_in(client, kyrgyzstan.member.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(kyrgyzstan.member.pk)
    assert client.get(HOME).status_code == 200
    assert cache.is_unavailable  # the calls went to memory


def test_wrong_passwords_are_still_limited_while_redis_is_down(kyrgyzstan, client, redis_down):
    for _attempt in range(5):
        assert sign_in(client, kyrgyzstan.member.email, password="wrong").status_code == 200
    assert sign_in(client, kyrgyzstan.member.email).status_code == 429
    assert "_auth_user_id" not in client.session
    # Someone else's failures still refuse nobody else.
    assert sign_in(Client(), kyrgyzstan.secretariat.email).status_code == 302


def test_the_second_factor_works_and_a_code_works_once_while_redis_is_down(
    kyrgyzstan, client, redis_down
):
    member = kyrgyzstan.member
    secret = add_authenticator_app(member)
    assert sign_in(client, member.email)["Location"] == reverse("mfa_authenticate")
    code = current_code(secret)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(HOME).status_code == 200
    # The same code again, in another sign-in: refused (it was recorded as used).
    other = Client()
    assert sign_in(other, member.email)["Location"] == reverse("mfa_authenticate")
    again = other.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and again.context["form"].errors


def test_once_redis_is_back_the_cache_is_redis_again(settings, tmp_path, monkeypatch):
    portal_cache._down_until.clear()
    redis = RedisServer(tmp_path).start()
    try:
        settings.CACHES = {"default": redis_cache(redis.url)}
        cache.set("shared", "in redis")
        assert not cache.is_unavailable
        redis.kill()
        assert cache.get("shared") is None  # memory has nothing of what Redis held
        assert cache.is_unavailable
        cache.set("during", "in memory")
        assert cache.get("during") == "in memory"
        redis.start()  # the same port, empty (no persistence)
        monkeypatch.setattr(portal_cache, "RETRY_AFTER_SECONDS", 0.0)
        portal_cache._down_until.clear()
        cache.set("after", "in redis again")
        assert not cache.is_unavailable
        assert cache.get("during") is None  # read from Redis, not from memory
        assert cache.get("after") == "in redis again"
    finally:
        redis.kill()
        portal_cache._down_until.clear()
