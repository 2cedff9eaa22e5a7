import pytest

# Chromium through Playwright, as in tests/browser, for the docs page.
from tests.browser.conftest import browser, page  # noqa: F401


@pytest.fixture
def api(client):
    """api(user) → the test client signed in as that person (a browser session)."""

    def _as(user):
        client.force_login(user)
        return client

    return _as
