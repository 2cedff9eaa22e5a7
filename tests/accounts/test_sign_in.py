"""Signing in with email and password, no open sign-up, signing out, password reset by an
emailed link, and allauth's limit on failed sign-ins."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

User = get_user_model()
HOME = "/n/kyrgyzstan/"


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_with_email_and_password_lands_on_my_networks(kyrgyzstan, client):
    response = sign_in(client, kyrgyzstan.member.email)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert kyrgyzstan.network.name in page.content.decode()


def test_the_email_address_is_not_case_sensitive(kyrgyzstan, client):
    assert sign_in(client, kyrgyzstan.member.email.upper()).status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(kyrgyzstan, client):
    response = sign_in(client, kyrgyzstan.member.email, password="not-the-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_the_sign_in_page_asks_for_email_and_password_only(client, db):
    form = client.get(reverse("account_login")).context["form"]
    assert set(form.fields) <= {"login", "password", "remember"}
    assert form.fields["login"].widget.input_type == "email"


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
    assert not User.objects.filter(email="x@example.org").exists()


def test_signing_out_ends_the_session(kyrgyzstan, client):
    sign_in(client, kyrgyzstan.member.email)
    assert client.get(HOME).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    after = client.get(HOME)
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("account_login"))


def test_repeated_failed_sign_ins_are_refused_with_429_even_with_the_right_password(
    kyrgyzstan, client
):
    for _attempt in range(5):
        assert sign_in(client, kyrgyzstan.member.email, password="wrong").status_code == 200
    response = sign_in(client, kyrgyzstan.member.email)
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


def test_a_locked_account_does_not_lock_out_colleagues_at_the_same_address(kyrgyzstan, client):
    for _attempt in range(5):
        sign_in(client, kyrgyzstan.member.email, password="wrong")
    assert sign_in(client, kyrgyzstan.member.email).status_code == 429
    colleague = Client()
    assert sign_in(colleague, kyrgyzstan.secretariat.email).status_code == 302


def test_allauths_own_rate_limit_page_is_in_the_portal_layout(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _attempt in range(2):
        sign_in(client, "nobody@example.org", password="wrong")
    response = sign_in(client, "nobody@example.org", password="wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "Too many attempts" in page


def test_password_reset_by_emailed_link(kyrgyzstan, client):
    member = kyrgyzstan.member
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Network Portal" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body)
    assert link, message.body
    # allauth moves the key from the URL into the session, then shows the form.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "a-new-Passphrase-for-2026"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    client.logout()
    assert sign_in(client, member.email, password=TEST_PASSWORD).status_code == 200
    assert sign_in(client, member.email, password=new_password).status_code == 302


def test_a_reset_link_works_once(kyrgyzstan, client):
    client.post(reverse("account_reset_password"), {"email": kyrgyzstan.member.email})
    path = re.search(r"(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    target = client.get(path, follow=True).redirect_chain[-1][0]
    password = "a-new-Passphrase-for-2026"
    client.post(target, {"password1": password, "password2": password})
    client.logout()
    again = client.get(path, follow=True)
    assert again.context["token_fail"] is True
    assert "invalid" in again.content.decode().lower()
    # Posting a new password to the used link changes nothing.
    other = "yet-another-Passphrase-1"
    client.post(target, {"password1": other, "password2": other})
    assert sign_in(client, kyrgyzstan.member.email, password=other).status_code == 200
    assert sign_in(client, kyrgyzstan.member.email, password=password).status_code == 302


def test_password_reset_mail_speaks_the_persons_language(kyrgyzstan, client):
    kyrgyzstan.member.language = "ru"
    kyrgyzstan.member.save()
    client.post(reverse("account_reset_password"), {"email": kyrgyzstan.member.email})
    message = mail.outbox[0]
    assert re.search("[а-яА-Я]{4,}", message.subject + message.body), message.body


def test_signing_in_switches_to_the_language_of_the_profile(kyrgyzstan, client):
    kyrgyzstan.member.language = "ru"
    kyrgyzstan.member.save()
    sign_in(client, kyrgyzstan.member.email)
    page = client.get("/")
    assert '<html lang="ru">' in page.content.decode()
    assert "Ваши сети" in page.content.decode()
