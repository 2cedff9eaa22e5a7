from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccessToken
from networks import services as network_services
from networks.scoping import network_scope
from tests.factories import TEST_PASSWORD

HOME = "/n/kyrgyzstan/"


def test_sign_in_with_email_and_password_lands_on_my_networks(kyrgyzstan, client):
    response = client.post(
        reverse("account_login"),
        {"login": kyrgyzstan.member.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert kyrgyzstan.network.name in page.content.decode()


def test_there_is_no_open_sign_up(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()
    client.post(
        reverse("account_signup"),
        {
            "email": "x@example.org",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="x@example.org").exists()


def test_repeated_failed_sign_ins_are_rate_limited_even_with_the_right_password(kyrgyzstan, client):
    for _attempt in range(5):
        client.post(
            reverse("account_login"), {"login": kyrgyzstan.member.email, "password": "wrong"}
        )
    response = client.post(
        reverse("account_login"), {"login": kyrgyzstan.member.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_secretariat_must_set_up_two_factor_when_required(kyrgyzstan, login, settings):
    settings.PORTAL_REQUIRE_MFA = True
    client = login(kyrgyzstan.secretariat)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(
        user=kyrgyzstan.secretariat, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client.get(HOME).status_code == 200


def test_co_chairs_too_but_members_are_not_forced(kyrgyzstan, client, settings):
    settings.PORTAL_REQUIRE_MFA = True
    client.force_login(kyrgyzstan.co_chair)
    assert client.get(HOME).status_code == 302
    client.force_login(kyrgyzstan.member)
    assert client.get(HOME).status_code == 200


def test_without_the_requirement_nobody_is_forced(kyrgyzstan, login, settings):
    settings.PORTAL_REQUIRE_MFA = False
    assert login(kyrgyzstan.secretariat).get(HOME).status_code == 200


def test_ending_a_membership_takes_effect_on_the_next_request(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    assert client.get(HOME).status_code == 200
    with network_scope(kyrgyzstan.network):
        from networks.models import Membership

        membership = Membership.objects.get(user=kyrgyzstan.member)
    network_services.membership_end(membership=membership, ended_by=kyrgyzstan.secretariat)
    assert client.get(HOME).status_code == 404


def test_a_person_sees_their_sessions_and_ends_another(kyrgyzstan, client):
    from django.test import Client

    other = Client()
    for browser in (client, other):
        browser.post(
            reverse("account_login"), {"login": kyrgyzstan.member.email, "password": TEST_PASSWORD}
        )
    assert other.get(HOME).status_code == 200
    page = client.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert page.content.decode().count("<tr") >= 3  # header + two sessions
    client.post(reverse("usersessions_list"), {"action": "logout"})
    assert client.get(HOME).status_code == 200  # this one stays
    assert other.get(HOME).status_code == 302  # the other one is signed out


class TestAccessTokens:
    def test_the_secret_is_shown_once_and_stored_hashed(self, kyrgyzstan, login):
        client = login(kyrgyzstan.rco)
        response = client.post(reverse("account-tokens"), {"name": "RCO pull", "scope": "read"})
        secret = response.context["created"]["secret"]
        assert secret.startswith("np_") and secret in response.content.decode()
        token = AccessToken.objects.get(user=kyrgyzstan.rco)
        assert secret not in (token.key_hash, token.key_prefix)
        assert secret not in client.get(reverse("account-tokens")).content.decode()

    def test_the_token_reads_the_api_until_revoked(self, kyrgyzstan, login, client):
        token, secret = services.access_token_create(user=kyrgyzstan.rco, name="pull", scope="read")
        api = "/api/v1/networks/kyrgyzstan/"
        assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
        owner = login(kyrgyzstan.rco)
        owner.post(reverse("account-token-revoke", kwargs={"token_id": token.pk}))
        owner.logout()
        response = client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"

    def test_an_expired_token_gets_401(self, kyrgyzstan, client):
        token, secret = services.access_token_create(user=kyrgyzstan.rco, name="pull", scope="read")
        AccessToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert (
            client.get("/api/v1/networks/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
            == 401
        )

    def test_someone_elses_token_cannot_be_revoked(self, kyrgyzstan, login):
        token, _secret = services.access_token_create(
            user=kyrgyzstan.rco, name="pull", scope="read"
        )
        response = login(kyrgyzstan.member).post(
            reverse("account-token-revoke", kwargs={"token_id": token.pk})
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
        ],
    )
    def test_bad_input_creates_nothing(self, kyrgyzstan, login, data):
        response = login(kyrgyzstan.rco).post(reverse("account-tokens"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not AccessToken.objects.exists()


def test_profile_sets_language_and_rejects_unknown_time_zone(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    bad = client.post(
        reverse("account-profile"), {"full_name": "A", "language": "ru", "time_zone": "Mars/Base"}
    )
    assert bad.status_code == 200 and bad.context["form"].errors["time_zone"]
    good = client.post(
        reverse("account-profile"),
        {"full_name": "A", "language": "ru", "time_zone": "Asia/Bishkek"},
    )
    assert good.status_code == 302
    kyrgyzstan.member.refresh_from_db()
    assert kyrgyzstan.member.language == "ru"


def test_signing_in_switches_to_the_language_of_the_profile(kyrgyzstan, client):
    kyrgyzstan.member.language = "ru"
    kyrgyzstan.member.save()
    client.post(
        reverse("account_login"), {"login": kyrgyzstan.member.email, "password": TEST_PASSWORD}
    )
    page = client.get("/")
    assert '<html lang="ru">' in page.content.decode()
    assert "Ваши сети" in page.content.decode()
