"""No back doors for the platform operators: they sign in through allauth (rate limits, a
second factor), the admin neither shows nor accepts authentication secrets, sets nobody's
password, and records every operator action."""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import IdentityProvider
from tests.factories import TEST_PASSWORD

User = get_user_model()
pytestmark = pytest.mark.django_db

OPERATOR_PASSWORD = "operator-pass-123"


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(email="operator@example.org", password=OPERATOR_PASSWORD)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def test_the_admins_login_page_is_allauths(client, operator):
    response = client.get("/operators/login/?next=/operators/networks/network/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Foperators%2Fnetworks%2Fnetwork%2F"
    # Its own form is gone: posting the operator's password there signs nobody in.
    client.post("/operators/login/", {"username": operator.email, "password": OPERATOR_PASSWORD})
    assert "_auth_user_id" not in client.session
    # Anonymous people asking for an admin page end on allauth's sign-in.
    page = client.get("/operators/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/accounts/login/")


def test_an_operators_failed_sign_ins_count_in_the_same_limits(client, operator):
    for _ in range(5):
        client.post(
            "/accounts/login/?next=/operators/", {"login": operator.email, "password": "wrong"}
        )
    response = client.post(
        "/accounts/login/?next=/operators/",
        {"login": operator.email, "password": OPERATOR_PASSWORD},
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_who_is_not_an_operator_is_refused_not_looped(client, kyrgyzstan):
    client.force_login(kyrgyzstan.member)
    assert client.get("/operators/login/?next=/operators/").status_code == 403


def test_operators_need_a_second_factor(operator_client, operator, settings):
    settings.PORTAL_REQUIRE_MFA = True
    response = operator_client.get("/operators/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    TOTP.activate(operator, generate_totp_secret())
    assert operator_client.get("/operators/").status_code == 200


def test_totp_secrets_and_the_recovery_seed_are_encrypted_at_rest(kyrgyzstan):
    user = kyrgyzstan.secretariat
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)
    stored = Authenticator.objects.get(pk=totp.instance.pk).data["secret"]
    assert stored.startswith("enc1:") and secret not in stored
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).instance  # still readable
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    code = format_hotp_value(hotp_value(secret, int(__import__("time").time()) // 30))
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(code)
    codes = RecoveryCodes.activate(user)
    seed = Authenticator.objects.get(pk=codes.instance.pk).data["seed"]
    assert seed.startswith("enc1:")
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).get_unused_codes()


def test_recovery_codes_are_kept_as_an_encrypted_seed_and_each_use_is_recorded(
    kyrgyzstan, client, operator_client
):
    """allauth derives the codes from a seed (so that the person can see them again): the
    seed is stored encrypted, no code is stored at all, a spent code is marked used in the
    row and refused again, and spending one is a security event without the code."""
    import json

    from audit.models import AuditEvent

    member = kyrgyzstan.member
    TOTP.activate(member, generate_totp_secret())
    codes = RecoveryCodes.activate(member)
    every_code = codes.generate_codes()
    stored = json.dumps(Authenticator.objects.get(pk=codes.instance.pk).data)
    assert all(code not in stored for code in every_code)
    from accounts.crypto import decrypt

    seed = decrypt(Authenticator.objects.get(pk=codes.instance.pk).data["seed"])
    assert seed not in stored
    # Nothing of it in the operators' admin.
    page = operator_client.get(f"/operators/mfa/authenticator/{codes.instance.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "enc1:" not in text and "seed" not in text and every_code[0] not in text

    def spend(code):
        client.logout()
        client.post(reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD})
        return client.post(reverse("mfa_authenticate"), {"code": code})

    assert spend(every_code[0]).status_code == 302
    row = Authenticator.objects.get(pk=codes.instance.pk)
    assert row.data["used_mask"] == 1
    assert every_code[0] not in RecoveryCodes(row).get_unused_codes()
    assert spend(every_code[0]).status_code == 200  # refused: used once already
    [event] = AuditEvent.every_chain.filter(event="mfa.recovery_code")
    assert event.user_id == member.pk and event.summary["left"] == len(every_code) - 1
    assert every_code[0] not in json.dumps(event.summary) + event.object_label


def test_the_migration_encrypts_the_secrets_stored_in_clear(kyrgyzstan):
    secret = generate_totp_secret()
    row = Authenticator.objects.create(
        user=kyrgyzstan.secretariat, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    migration = importlib.import_module("accounts.migrations.0003_encrypt_authenticator_secrets")
    migration.encrypt_secrets(django_apps, None)
    row.refresh_from_db()
    assert row.data["secret"].startswith("enc1:")
    assert TOTP(row).instance.wrap().instance.data == row.data
    from accounts.crypto import decrypt

    assert decrypt(row.data["secret"]) == secret
    migration.encrypt_secrets(django_apps, None)  # twice changes nothing
    row.refresh_from_db()
    assert decrypt(row.data["secret"]) == secret


def test_the_admin_shows_no_authentication_secret(operator_client, kyrgyzstan):
    totp = TOTP.activate(kyrgyzstan.secretariat, generate_totp_secret())
    page = operator_client.get(f"/operators/mfa/authenticator/{totp.instance.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "enc1:" not in text and "secret" not in text
    for model in ("socialaccount/socialtoken", "socialaccount/socialapp", "account/emailaddress"):
        assert operator_client.get(f"/operators/{model}/").status_code == 404
    assert operator_client.get("/operators/usersessions/usersession/").status_code == 404


def test_the_admin_sets_no_password_and_changes_no_address(operator_client, kyrgyzstan):
    member = kyrgyzstan.member
    page = operator_client.get(f"/operators/accounts/user/{member.pk}/change/")
    assert page.status_code == 200
    assert 'name="password' not in page.content.decode()
    # Django's "set a password" page is gone (the admin's catch-all finds no such person).
    gone = operator_client.get(f"/operators/accounts/user/{member.pk}/password/", follow=True)
    assert 'name="password1"' not in gone.content.decode()
    assert gone.redirect_chain[-1][0] == "/operators/"
    operator_client.post(
        f"/operators/accounts/user/{member.pk}/change/",
        {"email": "attacker@example.org", "full_name": "Changed", "language": "en"},
    )
    member.refresh_from_db()
    assert member.email != "attacker@example.org"
    assert member.full_name == "Changed"
    assert member.check_password(TEST_PASSWORD)


def test_the_admin_sends_a_reset_link_to_the_persons_own_address(operator_client, kyrgyzstan):
    member = kyrgyzstan.member
    mail.outbox.clear()
    response = operator_client.post(
        "/operators/accounts/user/",
        {"action": "send_password_reset_link", "_selected_action": [member.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert member.check_password(TEST_PASSWORD)  # nothing changed until the person acts
    entry = LogEntry.objects.get(object_id=str(member.pk))
    assert entry.get_change_message() == "Sent a password reset link."


def test_every_operator_action_is_recorded_and_shown(operator_client, operator, kyrgyzstan):
    operator_client.post(
        "/operators/accounts/user/add/", {"email": "new@example.org", "full_name": "New Person"}
    )
    new = User.objects.get(email="new@example.org")
    assert not new.has_usable_password()
    operator_client.post(
        f"/operators/accounts/user/{new.pk}/change/",
        {"full_name": "Renamed", "language": "en", "is_active": ""},
    )
    entries = LogEntry.objects.filter(user=operator, object_id=str(new.pk))
    assert entries.count() == 2
    page = operator_client.get("/operators/accounts/operatoraction/")
    assert page.status_code == 200
    assert "Renamed" in page.content.decode()
    entry = entries.first()
    assert operator_client.post(
        f"/operators/accounts/operatoraction/{entry.pk}/delete/", {"post": "yes"}
    ).status_code in (403, 404)
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_an_identity_providers_secret_is_write_only(operator_client):
    data = {
        "name": "UNDP (Microsoft 365)",
        "slug": "undp",
        "domains": "UNDP.org\nundp.int",
        "issuer": "https://login.microsoftonline.com/0000-tenant/v2.0",
        "client_id": "portal-client",
        "new_client_secret": "the-very-secret-value",
        "password_sign_in": "on",
        "mfa_amr_values": "mfa",
        "mfa_acr_values": "",
        "is_active": "on",
    }
    assert (
        operator_client.post("/operators/accounts/identityprovider/add/", data).status_code == 302
    )
    provider = IdentityProvider.objects.get()
    assert provider.domain_list == ["undp.int", "undp.org"]
    assert provider.client_secret.startswith("enc1:")
    assert "the-very-secret-value" not in provider.client_secret
    page = operator_client.get(f"/operators/accounts/identityprovider/{provider.pk}/change/")
    assert "the-very-secret-value" not in page.content.decode()
    assert provider.client_secret not in page.content.decode()
    # Saved again without a secret: the stored one stays.
    before = provider.client_secret
    operator_client.post(
        f"/operators/accounts/identityprovider/{provider.pk}/change/",
        {**data, "new_client_secret": "", "name": "UNDP"},
    )
    provider.refresh_from_db()
    assert provider.name == "UNDP" and provider.client_secret == before
    # A domain speaks through one provider only.
    again = operator_client.post(
        "/operators/accounts/identityprovider/add/",
        {**data, "slug": "undp2", "domains": "undp.org"},
    )
    assert again.status_code == 200
    assert "undp.org already belongs to UNDP." in again.content.decode()
    assert IdentityProvider.objects.count() == 1
    assert LogEntry.objects.filter(object_repr="UNDP").exists()


def test_allauths_own_provider_apps_are_not_in_the_admin():
    from allauth.socialaccount.models import SocialApp, SocialToken

    assert not admin.site.is_registered(SocialApp)
    assert not admin.site.is_registered(SocialToken)
