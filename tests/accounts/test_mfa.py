"""Two-factor sign-in (an authenticator app, with recovery codes), and the requirement for
secretariat and co-chairs when PORTAL_REQUIRE_MFA is on. That production settings turn the
requirement on by default is tested in tests/test_setup.py."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from accounts import services
from tests.factories import TEST_PASSWORD, person

HOME = "/n/kyrgyzstan/"
API = "/api/v1/networks/kyrgyzstan/"


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def wrong_code(secret: str) -> str:
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    return next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in valid)


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def add_authenticator_app(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def required(settings):
    settings.PORTAL_REQUIRE_MFA = True


def test_secretariat_is_sent_to_set_up_an_authenticator_app(kyrgyzstan, login, required):
    client = login(kyrgyzstan.secretariat)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/").status_code == 302  # every page, not only the network's
    add_authenticator_app(kyrgyzstan.secretariat)
    assert client.get(HOME).status_code == 200


def test_the_redirect_says_why(kyrgyzstan, login, required):
    client = login(kyrgyzstan.secretariat)
    page = client.get(HOME, follow=True)
    assert "requires two-factor authentication" in page.content.decode()


def test_co_chairs_too_but_members_are_not_forced(kyrgyzstan, client, required):
    client.force_login(kyrgyzstan.co_chair)
    assert client.get(HOME).status_code == 302
    client.force_login(kyrgyzstan.member)
    assert client.get(HOME).status_code == 200


def test_an_ended_secretariat_role_no_longer_requires_it(kyrgyzstan, login, required):
    from networks import services as network_services
    from networks.models import Membership
    from networks.scoping import network_scope

    # The last secretariat cannot be ended: a successor is in place first, and ends it.
    successor = person("successor@iom.test")
    network_services.membership_start(
        network=kyrgyzstan.network,
        user=successor,
        organisation=kyrgyzstan.organisations["IOM"],
        role="secretariat",
    )
    with network_scope(kyrgyzstan.network):
        role = Membership.objects.get(user=kyrgyzstan.secretariat)
    network_services.membership_end(membership=role, ended_by=successor)
    assert login(kyrgyzstan.secretariat).get("/").status_code == 200


def test_without_the_requirement_nobody_is_forced(kyrgyzstan, login, settings):
    settings.PORTAL_REQUIRE_MFA = False
    assert login(kyrgyzstan.secretariat).get(HOME).status_code == 200


@pytest.mark.parametrize(
    "name", ["account-profile", "account_change_password", "usersessions_list", "mfa_index"]
)
def test_account_pages_stay_open_while_setting_it_up(kyrgyzstan, login, required, name):
    assert login(kyrgyzstan.secretariat).get(reverse(name)).status_code == 200


def test_an_access_token_is_no_way_round_it(kyrgyzstan, login, client, required):
    secretariat = kyrgyzstan.secretariat
    page = login(secretariat).get(reverse("account-tokens"))
    assert page.status_code == 302
    assert page["Location"] == reverse("mfa_activate_totp")
    # Nor the API from the browser session…
    response = client.get(API)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_required"
    # …nor a token made before the requirement was switched on.
    client.logout()
    _token, secret = services.access_token_create(user=secretariat, name="old", scope="read")
    response = client.get(API, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert "two-factor" in response.json()["error"]["message"]
    add_authenticator_app(secretariat)
    assert client.get(API, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_token_stops_working_when_its_owners_second_factor_is_removed(
    kyrgyzstan, client, required
):
    co_chair = kyrgyzstan.co_chair
    add_authenticator_app(co_chair)
    _token, secret = services.access_token_create(user=co_chair, name="sync", scope="read_write")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(API, **bearer).status_code == 200
    # The phone is lost: the operators remove the authenticator (tests/audit records it).
    Authenticator.objects.filter(user=co_chair).delete()
    for response in (
        client.get(API, **bearer),
        client.post(f"{API}meetings/", {"title": "By script"}, **bearer),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "mfa_required"


def test_setting_up_the_app_and_signing_in_with_a_recovery_code(kyrgyzstan, client, required):
    secretariat = kyrgyzstan.secretariat
    sign_in(client, secretariat)
    assert client.get(HOME)["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor is added.
    to_confirm = client.get(reverse("mfa_activate_totp"))
    assert to_confirm["Location"].startswith(reverse("account_reauthenticate"))
    confirmed = client.post(to_confirm["Location"], {"password": TEST_PASSWORD})
    assert confirmed["Location"] == reverse("mfa_activate_totp")
    form_page = client.get(reverse("mfa_activate_totp"))
    assert form_page.status_code == 200
    secret = form_page.context["form"].secret
    page = form_page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code to scan…
    assert secret in page  # …or the secret to type in
    wrong = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    assert not Authenticator.objects.filter(user=secretariat).exists()
    activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=secretariat, type="totp").exists()
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    codes = codes_page.context["unused_codes"]
    assert len(codes) >= 10
    assert codes[0] in codes_page.content.decode()
    assert client.get(HOME).status_code == 200

    # Next sign-in: the password alone is not enough.
    client.post(reverse("account_logout"))
    step = sign_in(client, secretariat)
    assert step["Location"] == reverse("mfa_authenticate")
    assert client.get(HOME).status_code == 302
    assert client.get(HOME)["Location"].startswith(reverse("account_login"))
    done = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert done.status_code == 302
    assert client.get(HOME).status_code == 200
    # A recovery code works once.
    unused = RecoveryCodes(
        Authenticator.objects.get(user=secretariat, type="recovery_codes")
    ).get_unused_codes()
    assert codes[0] not in unused


def test_signing_in_with_the_apps_code(kyrgyzstan, client):
    member = kyrgyzstan.member
    secret = add_authenticator_app(member)
    assert sign_in(client, member)["Location"] == reverse("mfa_authenticate")
    wrong = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert wrong.status_code == 200
    assert client.get(HOME).status_code == 302
    assert (
        client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}).status_code == 302
    )
    assert client.get(HOME).status_code == 200
