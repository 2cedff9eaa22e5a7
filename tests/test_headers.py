"""Every HTML page has a Content-Security-Policy that allows no inline script or style, the
templates need none, and the production server does not announce itself."""

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]


def templates_served_as_pages() -> list[Path]:
    """Every template a browser may render: not the PDFs' (WeasyPrint renders them) nor the
    emails'."""
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            if path.name.endswith("_pdf.html") or "/email/" in str(path):
                continue
            found.append(path)
    return found


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in templates_served_as_pages():
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"<style\b", text) or re.search(r"\sstyle=", text):
            offenders.append(f"{path}: inline style")
        if re.search(r"\son[a-z]+=|javascript:", text, re.I):
            offenders.append(f"{path}: inline event handler")
    assert not offenders, "\n".join(offenders)


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: set(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/login/", "/n/kyrgyzstan/", "/n/kyrgyzstan/meetings/", "/no-such-page/"],
)
def test_every_html_page_has_a_policy_without_inline_script(kyrgyzstan, client, path):
    client.force_login(kyrgyzstan.member)
    response = client.get(path, follow=True)
    assert response["Content-Type"].startswith("text/html")
    rules = policy(response)
    assert rules["script-src"] == {"'self'"} and rules["style-src"] == {"'self'"}
    assert rules["default-src"] == {"'self'"} and rules["object-src"] == {"'none'"}
    assert rules["frame-ancestors"] == {"'none'"}
    assert not any("'unsafe-inline'" in sources for sources in rules.values())


def test_a_download_keeps_its_own_stricter_policy(kyrgyzstan, login):
    from tests.documents.test_library import download, make

    document = make(kyrgyzstan)
    response = login(kyrgyzstan.member).get(download(document))
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_the_server_error_page_takes_its_style_from_a_static_file(client):
    page = (settings.BASE_DIR / "templates" / "500.html").read_text()
    assert "/static/css/error.css" in page
    assert (settings.BASE_DIR / "static" / "css" / "error.css").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_with_the_deploy_config_sends_no_server_header(tmp_path):
    port = free_port()
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "portal.wsgi",
    ]
    server = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    headers = r.headers
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert "Server" not in headers, headers["Server"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_sign_in_form_may_lead_to_an_agencys_provider_and_nowhere_else(client, db):
    """Signing in with an agency's account posts a form that redirects to its provider: the
    pages' form-action names the active providers' origins, and only them."""
    from tests.oidc.conftest import identity_provider_for

    assert policy(client.get("/accounts/login/"))["form-action"] == {"'self'"}
    provider = identity_provider_for("https://login.microsoftonline.com/tenant-id/v2.0")
    rules = policy(client.get("/accounts/login/"))
    assert rules["form-action"] == {"'self'", "https://login.microsoftonline.com"}
    provider.is_active = False
    provider.save()
    assert policy(client.get("/accounts/login/"))["form-action"] == {"'self'"}
