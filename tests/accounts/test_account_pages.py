"""allauth's pages render inside the portal's layout, in English and in Russian."""

import re

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

SIGNED_IN = [
    "mfa_index",
    "account_reauthenticate",
    "usersessions_list",
    "account_change_password",
    "account_logout",
]
ANONYMOUS = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
]


def heading(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)[1]).strip()


def assert_in_layout(response, language):
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert 'class="site-header"' in page
    assert page.count("<h1") == 1
    if language == "ru":
        assert re.search("[а-яА-Я]", heading(page)), heading(page)
    return page


@pytest.mark.parametrize("name", SIGNED_IN)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_account_pages_render_in_the_portal_layout(kyrgyzstan, client, name, language):
    # A real sign-in, as allauth's pages expect.
    client.post(
        reverse("account_login"), {"login": kyrgyzstan.secretariat.email, "password": TEST_PASSWORD}
    )
    client.cookies["django_language"] = language  # what the language switch sets
    page = assert_in_layout(client.get(reverse(name)), language)
    assert kyrgyzstan.secretariat.get_full_name() in page  # the user menu


@pytest.mark.parametrize("name", ANONYMOUS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_pages_before_sign_in_render_in_the_portal_layout(client, db, name, language):
    client.cookies["django_language"] = language
    assert_in_layout(client.get(reverse(name)), language)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_second_step_of_sign_in_renders_in_the_portal_layout(kyrgyzstan, client, language):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(kyrgyzstan.member, generate_totp_secret())
    client.cookies["django_language"] = language
    client.post(
        reverse("account_login"), {"login": kyrgyzstan.member.email, "password": TEST_PASSWORD}
    )
    assert_in_layout(client.get(reverse("mfa_authenticate")), language)


def test_the_password_reset_form_from_the_link_renders_in_the_portal_layout(kyrgyzstan, client):
    from django.core import mail

    client.post(reverse("account_reset_password"), {"email": kyrgyzstan.member.email})
    path = re.search(r"(/accounts/password/reset/key/\S+)", mail.outbox[0].body)[1]
    page = assert_in_layout(client.get(path, follow=True), "en")
    assert 'name="password1"' in page
