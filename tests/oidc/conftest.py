"""A real OpenID provider on loopback: the npm `oidc-provider` package (a certified
implementation) run by node from tests/oidc/server.mjs, with a client and users of its
own. `npm ci` installs it here the first time (package-lock.json pins it). Each process
starts its own on a free port (pytest-xdist runs these tests in group 1 of bin/test)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import requests

from accounts.models import IdentityProvider
from tests.browser.conftest import browser, browser_page  # noqa: F401 (the browser test here)

HERE = Path(__file__).resolve().parent
CLIENT_ID = "network-portal"
CLIENT_SECRET = "a-client-secret-of-the-test-provider"
PASSWORD = "provider-password"

USERS = {
    # Signs in with a second factor at the provider (amr ["pwd", "mfa"]).
    "aigul": {
        "email": "aigul@undp.org",
        "email_verified": True,
        "name": "Aigul Sadykova",
        "password": PASSWORD,
        "amr": ["pwd", "mfa"],
        "acr": "urn:test:mfa",
    },
    # A password only.
    "bolot": {
        "email": "bolot@undp.org",
        "email_verified": True,
        "name": "Bolot Asanov",
        "password": PASSWORD,
        "amr": ["pwd"],
    },
    # The provider asserts an address of a domain it does not speak for in the portal.
    "stranger": {
        "email": "stranger@iom.int",
        "email_verified": True,
        "name": "Someone Else",
        "password": PASSWORD,
    },
    "unverified": {
        "email": "unverified@undp.org",
        "email_verified": False,
        "name": "Not Verified",
        "password": PASSWORD,
    },
}


def _npm_ci() -> None:
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.fail("node and npm are needed for the OpenID provider of these tests.")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


@dataclass
class OpenIDProvider:
    issuer: str
    process: subprocess.Popen
    session: requests.Session = field(default_factory=requests.Session)

    def next_id_token(self, **mischief) -> None:
        """The next token response carries a re-signed ID token with this audience (`aud`)
        or already expired (`expired=True`)."""
        requests.post(f"{self.issuer}/__test/next-id-token", json=mischief, timeout=5)

    def sign_in(self, authorize_url: str, login: str, password: str = PASSWORD) -> str:
        """A browser at the provider: follows its redirects to its sign-in page, signs in,
        and returns the address it sends the browser back to (the portal's callback)."""
        agent = requests.Session()
        url = authorize_url
        for _ in range(10):
            response = agent.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.issuer):
                    return url
                continue
            assert response.status_code == 200, response.text
            uid = urlparse(url).path.rstrip("/").split("/")[-1]
            response = agent.post(
                f"{self.issuer}/interaction/{uid}/login",
                data={"login": login, "password": password},
                allow_redirects=False,
                timeout=10,
            )
            assert response.status_code in (302, 303), response.text
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError("The provider never sent the browser back.")


def start_provider(tmp_path: Path, redirect_uris: list[str]) -> OpenIDProvider:
    _npm_ci()
    config = tmp_path / "oidc-provider.json"
    config.write_text(
        json.dumps(
            {
                "clients": [
                    {
                        "client_id": CLIENT_ID,
                        "client_secret": CLIENT_SECRET,
                        "redirect_uris": redirect_uris,
                        "grant_types": ["authorization_code"],
                        "response_types": ["code"],
                        "token_endpoint_auth_method": "client_secret_post",
                    }
                ],
                "users": USERS,
            }
        )
    )
    process = subprocess.Popen(
        ["node", str(HERE / "server.mjs"), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        pytest.fail("The test OpenID provider did not start (node tests/oidc/server.mjs).")
    return OpenIDProvider(issuer=json.loads(line)["issuer"], process=process)


def stop_provider(provider: OpenIDProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        provider.process.kill()


CALLBACK = "/accounts/oidc/undp/login/callback/"


@pytest.fixture(scope="session")
def oidc_server(tmp_path_factory):
    provider = start_provider(tmp_path_factory.mktemp("oidc"), [f"http://testserver{CALLBACK}"])
    yield provider
    stop_provider(provider)


def identity_provider_for(issuer: str, **fields) -> IdentityProvider:
    provider = IdentityProvider(
        name="UNDP",
        slug="undp",
        domains="undp.org",
        issuer=issuer,
        client_id=CLIENT_ID,
        **fields,
    )
    provider.set_client_secret(CLIENT_SECRET)
    provider.save()
    return provider


@pytest.fixture
def undp_provider(oidc_server, db):
    return identity_provider_for(oidc_server.issuer)
