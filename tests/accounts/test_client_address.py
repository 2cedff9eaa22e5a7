"""Sign-in limits behind the proxy: keyed on the real client's address (TRUSTED_PROXY_COUNT,
portal.middleware) and per account, so that nobody's failures refuse another person's right
password."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.middleware import client_address
from tests.factories import TEST_PASSWORD

NGINX = "172.18.0.5"  # every request reaches the portal from nginx's address
HOME = "/n/kyrgyzstan/"


def behind_nginx(client_ip: str, sent_by_client: str = "") -> Client:
    """A browser at `client_ip`, through nginx's `$proxy_add_x_forwarded_for`."""
    forwarded = f"{sent_by_client}, {client_ip}" if sent_by_client else client_ip
    return Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_ten_wrong_passwords_from_one_client_do_not_lock_out_another_behind_nginx(
    kyrgyzstan, one_proxy
):
    attacker = behind_nginx("203.0.113.7")
    for _attempt in range(10):
        sign_in(attacker, kyrgyzstan.member.email, password="wrong")
    assert sign_in(attacker, kyrgyzstan.member.email).status_code == 429
    owner = behind_nginx("198.51.100.20")
    assert sign_in(owner, kyrgyzstan.member.email).status_code == 302
    assert owner.get(HOME).status_code == 200
    colleague = behind_nginx("198.51.100.21")
    assert sign_in(colleague, kyrgyzstan.secretariat.email).status_code == 302


def test_another_accounts_right_password_works_from_the_address_that_failed(kyrgyzstan, one_proxy):
    shared = behind_nginx("203.0.113.7")
    for _attempt in range(10):
        sign_in(shared, kyrgyzstan.member.email, password="wrong")
    colleague = behind_nginx("203.0.113.7")  # same public address, another person
    assert sign_in(colleague, kyrgyzstan.co_chair.email).status_code == 302


def test_an_x_forwarded_for_sent_by_the_client_does_not_escape_the_limit(kyrgyzstan, one_proxy):
    for attempt in range(5):
        forged = behind_nginx("203.0.113.7", sent_by_client=f"10.9.9.{attempt}")
        sign_in(forged, kyrgyzstan.member.email, password="wrong")
    forged = behind_nginx("203.0.113.7", sent_by_client="10.9.9.99")
    assert sign_in(forged, kyrgyzstan.member.email).status_code == 429


def test_the_sessions_list_shows_the_clients_address_not_nginxs(kyrgyzstan, one_proxy):
    from allauth.usersessions.models import UserSession

    assert sign_in(behind_nginx("198.51.100.20"), kyrgyzstan.member.email).status_code == 302
    addresses = set(UserSession.objects.filter(user=kyrgyzstan.member).values_list("ip", flat=True))
    assert addresses == {"198.51.100.20"}


@pytest.mark.parametrize(
    ("meta", "count", "expected"),
    [
        ({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, 0, NGINX),
        ({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2"}, 1, "2.2.2.2"),
        ({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2, 3.3.3.3"}, 2, "2.2.2.2"),
        ({"REMOTE_ADDR": "127.0.0.1"}, 1, "127.0.0.1"),  # the health check, not via nginx
        ({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "2.2.2.2"}, 2, NGINX),
        ({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "1.1.1.1, not-an-ip"}, 1, NGINX),
        ({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, 1, "2001:db8::1"),
    ],
)
def test_the_client_is_the_rightmost_entry_our_proxies_wrote(meta, count, expected):
    assert client_address(meta, count) == expected
