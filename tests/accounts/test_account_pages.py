"""allauth's pages render inside the portal's layout, in both languages."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD


@pytest.mark.parametrize(
    "name", ["mfa_index", "account_reauthenticate", "usersessions_list", "account_change_password"]
)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_account_pages_render_in_the_portal_layout(kyrgyzstan, client, name, language):
    # A real sign-in: two-factor set-up asks for a recent one.
    client.post(
        reverse("account_login"), {"login": kyrgyzstan.secretariat.email, "password": TEST_PASSWORD}
    )
    client.cookies["django_language"] = language  # what the language switch sets
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert 'class="site-header"' in page


def test_password_reset_is_offered_to_anyone(client, db):
    response = client.get(reverse("account_reset_password"))
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()
