"""A body over nginx's limit never reaches the portal; nginx hands its 413 to /too-large/
(deploy/nginx.conf), which says so in the person's language with a way back."""

from django.conf import settings


def test_nginx_sends_its_413_to_the_portals_page():
    config = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert "error_page 413 = /too-large/;" in config
    assert "proxy_set_header X-Original-URI $request_uri;" in config


def test_the_page_says_nothing_was_stored_and_leads_back_to_the_form(client):
    response = client.get(
        "/too-large/",
        HTTP_REFERER="http://testserver/n/kyrgyzstan/documents/upload/",
        HTTP_X_ORIGINAL_URI="/n/kyrgyzstan/documents/upload/",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "nothing was stored" in page and "uploads up to 50 MB" in page
    assert 'href="http://testserver/n/kyrgyzstan/documents/upload/"' in page


def test_a_foreign_referer_is_no_way_back(client):
    response = client.get("/too-large/", HTTP_REFERER="https://elsewhere.example/phish")
    assert response.status_code == 413
    assert "elsewhere.example" not in response.content.decode()


def test_the_api_gets_its_one_error_shape(client):
    response = client.get(
        "/too-large/", HTTP_X_ORIGINAL_URI="/api/v1/networks/kyrgyzstan/documents/"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_the_page_is_in_russian_for_a_russian_reader(client):
    response = client.get("/too-large/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "ничего не сохранено" in response.content.decode()
