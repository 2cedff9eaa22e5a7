"""Playwright driving Debian's Chromium against pytest-django's live server.

One browser for the whole session; each test gets a fresh context (cookies, downloads) and
page through `browser_page`. `page` is the same fixture under Playwright's usual name, for
tests elsewhere that import `browser` and `page` from here (tests/api/conftest.py).
"""

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# One Playwright and one Chromium per test run, even when another conftest imports the
# `browser` fixture (tests/api does): pytest then holds two session fixtures, and a second
# sync_playwright() in the same thread fails. Each holder counts; the last one closes.
_shared: dict = {"holders": 0}


def _start():
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is needed at {CHROMIUM}: `make test` installs it (apt-get install chromium)."
        )
    # Playwright runs an event loop in this thread; Django's ORM is still used synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        _shared["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except BaseException:
        playwright.stop()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        raise
    _shared["playwright"] = playwright


def _stop():
    try:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser():
    if not _shared["holders"]:
        _start()
    _shared["holders"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["holders"] -= 1
        if not _shared["holders"]:
            _stop()


@contextmanager
def _new_page(browser, base_url: str):
    context = browser.new_context(base_url=base_url, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def browser_page(browser, live_server, transactional_db):
    """A fresh page on the live server, in English until the person switches."""
    with _new_page(browser, live_server.url) as page:
        yield page


@pytest.fixture
def page(browser, live_server, transactional_db):
    with _new_page(browser, live_server.url) as page:
        yield page
