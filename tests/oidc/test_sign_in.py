"""Signing in through an agency's identity provider (here a real OpenID provider on loopback,
tests/oidc/conftest.py): the portal's test client on the portal's side, a plain HTTP
session as the browser at the provider."""

from urllib.parse import urlparse

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import services as account_services
from accounts.models import AccessToken
from networks import services as network_services
from networks.models import Invitation, Membership
from networks.scoping import network_scope, scopes_disabled
from tests.factories import TEST_PASSWORD, person
from tests.oidc.conftest import identity_provider_for

User = get_user_model()
HOME = "/n/kyrgyzstan/"


def start(client, email: str, password: str = ""):
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def come_back(client, url: str):
    """The provider sent the browser back to the portal's callback."""
    parts = urlparse(url)
    assert parts.netloc == "testserver", url
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, oidc_server, email: str, login: str):
    response = start(client, email)
    back = oidc_server.sign_in(response["Location"], login)
    return come_back(client, back), back


def signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def invite(net, email: str, role: str = "member"):
    with scopes_disabled():
        return network_services.invitation_create(
            network=net.network,
            email=email,
            organisation=net.organisations["UNDP"],
            role=role,
            invited_by=net.people["secretariat"],
        )


def test_a_person_whose_domain_has_a_provider_is_sent_there_and_signs_in(
    client, oidc_server, undp_provider
):
    bolot = person("bolot@undp.org")
    response = start(client, "Bolot@undp.org")
    assert response["Location"].startswith(f"{oidc_server.issuer}/auth?")
    assert "login_hint=Bolot%40undp.org" in response["Location"]
    back = oidc_server.sign_in(response["Location"], "bolot")
    done = come_back(client, back)
    assert done.status_code == 302
    assert signed_in_as(client) == bolot
    account = SocialAccount.objects.get(user=bolot)
    assert (account.provider, account.uid) == ("undp", "bolot")
    # The next time, the identity is found by the provider's subject.
    client.logout()
    sign_in(client, oidc_server, "bolot@undp.org", "bolot")
    assert signed_in_as(client) == bolot
    assert SocialAccount.objects.filter(user=bolot).count() == 1


def test_no_provider_for_the_domain_keeps_the_password_sign_in(client, undp_provider, kyrgyzstan):
    response = client.post(
        reverse("account_login"), {"login": kyrgyzstan.member.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("http")
    assert signed_in_as(client) == kyrgyzstan.member


def test_password_sign_in_switched_off_for_the_domain(client, oidc_server, undp_provider):
    bolot = person("bolot@undp.org")
    # Allowed: a password typed signs in with it.
    client.post(reverse("account_login"), {"login": bolot.email, "password": TEST_PASSWORD})
    assert signed_in_as(client) == bolot
    client.logout()
    undp_provider.password_sign_in = False
    undp_provider.save()
    response = client.post(
        reverse("account_login"), {"login": bolot.email, "password": TEST_PASSWORD}
    )
    assert response["Location"].startswith(oidc_server.issuer)
    assert signed_in_as(client) is None
    # Nor does the password work by any other path through allauth.
    from allauth.account.adapter import get_adapter
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.session = client.session
    assert (
        get_adapter(request).authenticate(request, email=bolot.email, password=TEST_PASSWORD)
        is None
    )


def test_an_invitation_accepted_through_the_provider_binds_the_identity(
    client, oidc_server, undp_provider, kyrgyzstan
):
    invitation, token = invite(kyrgyzstan, "aigul@undp.org")
    page = client.get(reverse("invitation-accept", kwargs={"token": token}))
    assert "Accept with your UNDP account" in page.content.decode()
    response = client.post(
        reverse("invitation-accept", kwargs={"token": token}), {"via": "provider"}
    )
    assert response["Location"].startswith(oidc_server.issuer)
    done = come_back(client, oidc_server.sign_in(response["Location"], "aigul"))
    assert done.status_code == 302 and done["Location"] == HOME
    aigul = User.objects.get(email="aigul@undp.org")
    assert signed_in_as(client) == aigul
    assert aigul.full_name == "Aigul Sadykova"
    assert not aigul.has_usable_password()  # the provider is the only way in
    assert SocialAccount.objects.get(user=aigul).uid == "aigul"
    with network_scope(kyrgyzstan.network):
        invitation.refresh_from_db()
        assert invitation.accepted_by == aigul
        membership = Membership.objects.get(user=aigul)
    assert client.get(HOME).status_code == 200
    # Ending the membership ends the access at the next request, as for everyone.
    network_services.membership_end(membership=membership, ended_by=kyrgyzstan.secretariat)
    assert client.get(HOME).status_code == 404


def test_an_invitation_for_another_address_is_not_accepted(
    client, oidc_server, undp_provider, kyrgyzstan
):
    invitation, token = invite(kyrgyzstan, "aigul@undp.org")
    response = client.post(
        reverse("invitation-accept", kwargs={"token": token}), {"via": "provider"}
    )
    done = come_back(client, oidc_server.sign_in(response["Location"], "bolot"))
    assert done.status_code == 403
    text = done.content.decode()
    assert "signed you in as bolot@undp.org, but the invitation is for aigul@undp.org" in text
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="bolot@undp.org").exists()
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_a_wrong_audience_is_refused(client, oidc_server, undp_provider):
    person("bolot@undp.org")
    oidc_server.next_id_token(aud="another-application")
    done, _back = sign_in(client, oidc_server, "bolot@undp.org", "bolot")
    assert done.status_code == 400
    assert "meant for another application" in done.content.decode()
    assert signed_in_as(client) is None


def test_an_expired_token_is_refused(client, oidc_server, undp_provider):
    person("bolot@undp.org")
    oidc_server.next_id_token(expired=True)
    done, _back = sign_in(client, oidc_server, "bolot@undp.org", "bolot")
    assert done.status_code == 400
    assert "expired sign-in" in done.content.decode()
    assert signed_in_as(client) is None


def test_a_replayed_state_is_refused(client, oidc_server, undp_provider):
    bolot = person("bolot@undp.org")
    done, back = sign_in(client, oidc_server, "bolot@undp.org", "bolot")
    assert signed_in_as(client) == bolot
    client.logout()
    again = come_back(client, back)
    assert again.status_code == 400
    assert "already used or has expired" in again.content.decode()
    assert signed_in_as(client) is None


def test_a_domain_the_provider_does_not_speak_for_is_refused(client, oidc_server, undp_provider):
    person("stranger@iom.int")
    response = start(client, "someone@undp.org")
    done = come_back(client, oidc_server.sign_in(response["Location"], "stranger"))
    assert done.status_code == 403
    assert "does not speak for iom.int addresses" in done.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_an_unverified_address_or_no_account_is_refused(client, oidc_server, undp_provider):
    done, _back = sign_in(client, oidc_server, "unverified@undp.org", "unverified")
    assert done.status_code == 403 and "has not verified" in done.content.decode()
    done, _back = sign_in(client, oidc_server, "bolot@undp.org", "bolot")
    assert done.status_code == 403
    assert "no account for bolot@undp.org" in done.content.decode()
    assert not User.objects.filter(email="bolot@undp.org").exists()
    assert signed_in_as(client) is None


@pytest.fixture
def required(settings):
    settings.PORTAL_REQUIRE_MFA = True


def test_the_providers_proof_of_mfa_satisfies_the_requirement(
    client, oidc_server, undp_provider, kyrgyzstan, required
):
    User.objects.filter(pk=kyrgyzstan.secretariat.pk).update(email="aigul@undp.org")
    sign_in(client, oidc_server, "aigul@undp.org", "aigul")  # amr: pwd, mfa
    assert signed_in_as(client).pk == kyrgyzstan.secretariat.pk
    assert client.get(HOME).status_code == 200


def test_without_the_providers_proof_the_portals_own_second_factor_applies(
    client, oidc_server, undp_provider, kyrgyzstan, required
):
    User.objects.filter(pk=kyrgyzstan.secretariat.pk).update(email="bolot@undp.org")
    sign_in(client, oidc_server, "bolot@undp.org", "bolot")  # amr: pwd
    assert signed_in_as(client).pk == kyrgyzstan.secretariat.pk
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_acr_claim_can_be_the_proof(client, oidc_server, kyrgyzstan, required):
    identity_provider_for(oidc_server.issuer, mfa_amr_values="", mfa_acr_values="urn:test:mfa")
    User.objects.filter(pk=kyrgyzstan.co_chair.pk).update(email="aigul@undp.org")
    sign_in(client, oidc_server, "aigul@undp.org", "aigul")
    assert client.get(HOME).status_code == 200


def test_an_unreachable_provider_says_so(client, db):
    identity_provider_for("http://127.0.0.1:9/nothing-listens-here")
    response = client.post(reverse("account_login"), {"login": "bolot@undp.org"})
    assert response.status_code == 502
    assert "cannot be reached" in response.content.decode()


def test_the_providers_proof_does_not_make_a_token_that_would_outlive_it(
    client, oidc_server, undp_provider, kyrgyzstan, required
):
    """A token is used later without the session that carried the provider's proof: the
    secretariat needs the portal's own authenticator app to make one, and it is asked for
    at the tokens page, not when the token is refused later."""
    secretariat = kyrgyzstan.secretariat
    User.objects.filter(pk=secretariat.pk).update(email="aigul@undp.org")
    sign_in(client, oidc_server, "aigul@undp.org", "aigul")  # amr: pwd, mfa
    assert client.get(HOME).status_code == 200
    page = client.get(reverse("account-tokens"), follow=True)
    assert page.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "Personal access tokens and calendar feeds need an authenticator app" in (
        page.content.decode()
    )
    client.post(reverse("account-tokens"), {"name": "script", "scope": "read_write"})
    assert not AccessToken.objects.filter(user=secretariat).exists()
    TOTP.activate(secretariat, generate_totp_secret())
    assert client.get(reverse("account-tokens")).status_code == 200
    client.post(reverse("account-tokens"), {"name": "script", "scope": "read_write"})
    assert AccessToken.objects.filter(user=secretariat).count() == 1


def test_an_ended_membership_ends_access_at_the_next_request_whatever_the_way_in(
    client, oidc_server, undp_provider, kyrgyzstan, required
):
    """Signed in through the provider with its proof of MFA, as the secretariat: once the
    role is ended, the next page, the API through the session and a token made before all
    answer as for someone with no role — while the session itself goes on (other networks,
    the account pages)."""
    officer = person("aigul@undp.org", full_name="Aigul Sadykova")
    with scopes_disabled():
        membership = network_services.membership_start(
            network=kyrgyzstan.network,
            user=officer,
            organisation=kyrgyzstan.organisations["UNDP"],
            role="secretariat",
        )
    sign_in(client, oidc_server, "aigul@undp.org", "aigul")  # amr: pwd, mfa
    assert signed_in_as(client) == officer
    api = "/api/v1/networks/kyrgyzstan/"
    assert client.get(HOME).status_code == 200
    assert client.get(api).status_code == 200
    TOTP.activate(officer, generate_totp_secret())  # a token needs the portal's own app
    _token, secret = account_services.access_token_create(user=officer, name="s", scope="read")
    assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    network_services.membership_end(membership=membership, ended_by=kyrgyzstan.secretariat)
    assert client.get(HOME).status_code == 404
    assert client.get(api).status_code == 404
    assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404
    assert signed_in_as(client) == officer
    assert client.get(reverse("account-profile")).status_code == 200
