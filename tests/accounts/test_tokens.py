"""Personal access tokens: a person creates, names and revokes their own; the secret is
shown once and stored hashed; a revoked or expired token gets 401."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccessToken, hash_token

API = "/api/v1/networks/"


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_secret_is_shown_once_and_stored_hashed(kyrgyzstan, login):
    client = login(kyrgyzstan.rco)
    response = client.post(
        reverse("account-tokens"),
        {"name": "RCO pull", "scope": "read_write", "expires_on": "2099-12-31"},
    )
    assert response.status_code == 200
    secret = response.context["created"]["secret"]
    assert secret.startswith("np_") and secret in response.content.decode()
    token = AccessToken.objects.get(user=kyrgyzstan.rco)
    assert (token.name, token.scope) == ("RCO pull", "read_write")
    assert token.expires_at.date().isoformat() == "2099-12-31"
    assert token.key_hash == hash_token(secret)
    assert secret not in (token.key_hash, token.key_prefix)
    listing = client.get(reverse("account-tokens")).content.decode()
    assert secret not in listing
    assert "RCO pull" in listing and token.key_prefix in listing


def test_the_list_shows_only_my_tokens(kyrgyzstan, login):
    services.access_token_create(user=kyrgyzstan.member, name="someone else's", scope="read")
    services.access_token_create(user=kyrgyzstan.rco, name="mine", scope="read")
    page = login(kyrgyzstan.rco).get(reverse("account-tokens")).content.decode()
    assert "mine" in page
    assert "someone else" not in page


def test_a_token_reads_the_api_until_revoked(kyrgyzstan, login, client):
    token, secret = services.access_token_create(user=kyrgyzstan.rco, name="pull", scope="read")
    assert client.get(API, **bearer(secret)).status_code == 200
    owner = login(kyrgyzstan.rco)
    response = owner.post(reverse("account-token-revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302
    assert "revoked" in owner.get(reverse("account-tokens")).content.decode()
    owner.logout()
    response = client.get(API, **bearer(secret))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_an_expired_token_gets_401(kyrgyzstan, client):
    token, secret = services.access_token_create(user=kyrgyzstan.rco, name="pull", scope="read")
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(API, **bearer(secret)).status_code == 401


def test_an_unknown_token_gets_401(client, db):
    assert client.get(API, **bearer("np_made-up")).status_code == 401


def test_revoking_is_a_post(kyrgyzstan, login):
    token, _secret = services.access_token_create(user=kyrgyzstan.rco, name="pull", scope="read")
    url = reverse("account-token-revoke", kwargs={"token_id": token.pk})
    assert login(kyrgyzstan.rco).get(url).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("token_id", ["other", 999999])
def test_someone_elses_or_no_token_is_a_404(kyrgyzstan, login, token_id):
    token, _secret = services.access_token_create(user=kyrgyzstan.rco, name="pull", scope="read")
    pk = token.pk if token_id == "other" else token_id
    response = login(kyrgyzstan.member).post(
        reverse("account-token-revoke", kwargs={"token_id": pk})
    )
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read"},
        {"name": "x", "scope": "admin"},
        {"name": "x", "scope": "read", "expires_on": "2001-01-01"},
        {"name": "x", "scope": "read", "expires_on": "not a date"},
    ],
)
def test_bad_input_creates_nothing(kyrgyzstan, login, data):
    response = login(kyrgyzstan.rco).post(reverse("account-tokens"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["created"] is None
    assert not AccessToken.objects.exists()


def test_the_page_needs_sign_in(client, db):
    response = client.get(reverse("account-tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
