"""Every key page, as each role that sees it, at 1280 and 390 px: no WCAG 2.1 A/AA violation
axe-core finds (tests/browser/axe.py), and on a phone nothing wider than the screen. The same
walk in English and Russian keeps a screenshot of each page at both widths (in the
directory $TEST_ARTIFACTS, by default var/test-artifacts/screenshots/) for a person to look
at: <page>-<width>-<language>.png, and menu-390-<language>.png with the phone's menu open.

At 1280 px axe runs every WCAG 2.1 A/AA rule; at 390 px, with the header's menu open, the
rules whose outcome depends on the layout (axe.LAYOUT_RULES: contrast, scrollable regions…).
A page whose content has a structure (its elements and their classes, roles and ARIA,
without the words) already checked at that width for another role is not checked again: most
roles read the same markup of a page. The network's home, header included, is checked for
every role. One world (a network with one object of every kind, as the isolation
walker builds it) per test, one browser context per role.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from decisions.models import Procedure
from networks.models import RegionalViewer
from networks.scoping import network_scope, scopes_disabled
from tests.browser.axe import violations
from tests.factories import build_network, person, region
from tests.test_isolation import BY_PARAMETER, fill_every_route

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ROLES = ["secretariat", "co_chair", "member", "partner", "rco", "regional"]
# The screenshots' directory (git-ignored by default: /var/).
ARTIFACTS = Path(
    os.environ.get("TEST_ARTIFACTS") or settings.BASE_DIR / "var" / "test-artifacts" / "screenshots"
)


def key_pages(world) -> dict[str, str]:
    """The pages a person of the network reads most, by a short name (the screenshot's)."""
    net = world.network.slug
    region_slug = world.network.region.slug
    ids = {name: BY_PARAMETER[name](world) for name in BY_PARAMETER if name != "network"}
    with network_scope(world.network):
        procedure = Procedure.objects.get(pk=ids["procedure_id"])

    def url(name: str, **kwargs) -> str:
        return reverse(name, kwargs={"network": net, **kwargs})

    return {
        "landing": reverse("landing"),
        "home": url("networks:home"),
        "meetings": url("meetings:list"),
        "meeting": url("meetings:detail", meeting_id=ids["meeting_id"]),
        "minutes": url("meetings:minutes", meeting_id=ids["meeting_id"]),
        "decisions": url("decisions:register"),
        "decision": url("decisions:detail", decision_id=ids["decision_id"]),
        "procedure": url("decisions:detail", decision_id=procedure.decision_id),
        "actions": url("decisions:actions"),
        "statement": url("decisions:statement", statement_id=ids["statement_id"]),
        "documents": url("documents:library"),
        "document": url("documents:detail", document_id=ids["document_id"]),
        "search": url("documents:library") + "?q=migration",
        "workplan": url("workplans:detail", workplan_id=ids["workplan_id"]),
        "activity": url("workplans:activity", activity_id=ids["activity_id"]),
        "reports": url("reports:list"),
        "report": url("reports:detail", report_id=ids["report_id"]),
        "regional-reports": reverse("regional-reports", kwargs={"region": region_slug}),
        "regional-coverage": reverse("regional-coverage", kwargs={"region": region_slug}),
        "mailings": url("circulation:list"),
        "mailing": url("circulation:detail", circulation_id=ids["circulation_id"]),
        "my-mail": url("circulation:mine"),
        "profile": reverse("account-profile"),
    }


@pytest.fixture
def world(transactional_db):
    with scopes_disabled():
        built = build_network("tashkent", code="TAS", region_obj=region())
        fill_every_route(built)
        viewer = person("viewer@eca.test", full_name="Regional Viewer")
        RegionalViewer.objects.create(user=viewer, region=built.network.region)
        built.people["regional"] = viewer
    return built


def signed_in(browser, live_server, user, language: str):
    """A browser context with `user`'s session (made by Django's test client) and language."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return context


def visit(page, path: str) -> bool:
    """Open `path`; False when this role does not see it (403/404)."""
    response = page.goto(path)
    assert response is not None
    if response.status in (403, 404):
        return False
    assert response.status == 200, (path, response.status)
    return True


# The content's markup without its words: elements, their classes, roles, ARIA and form
# attributes. Two roles that get the same structure of a page's content (the member and the
# partner reading a decision) get the same verdict from axe; only a new structure is checked
# again. The header differs by role (the links each may follow): the network's home page is
# checked for every role, header included.
STRUCTURE = """() => {
    const keep = /^(class|role|aria-.*|type|href|for|id|tabindex|open|hidden|disabled|lang|alt|scope)$/;
    const parts = [];
    for (const el of document.querySelectorAll('main *')) {
        const attrs = [...el.attributes].filter(a => keep.test(a.name))
            .map(a => a.name === 'href' || a.name === 'id' || a.name === 'for' ? a.name : `${a.name}=${a.value}`);
        parts.push(`${el.tagName}[${attrs.join(' ')}]`);
    }
    return parts.join('|');
}"""


def too_wide(page) -> int | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > PHONE["width"] else None


def test_every_key_page_has_no_wcag_violation_at_1280_and_390_px_for_every_role(
    browser, live_server, world
):
    pages = key_pages(world)
    found: list[str] = []
    seen: dict[str, set[str]] = {name: set() for name in pages}
    checked: set[tuple[str, int, str]] = set()
    runs = 0
    for role in ROLES:
        context = signed_in(browser, live_server, world.people[role], "en")
        page = context.new_page()
        try:
            for name, path in pages.items():
                page.set_viewport_size(DESKTOP)
                if not visit(page, path):
                    continue
                seen[name].add(role)
                # The same page at both widths: the phone's is a resize, not a second load.
                for viewport in (DESKTOP, PHONE):
                    where = f"{role} {viewport['width']}px {name} {path}"
                    if viewport is PHONE:
                        page.set_viewport_size(PHONE)
                        if width := too_wide(page):
                            found.append(f"{where}: the page is {width} px wide")
                        # With the menu open, so that its colours are checked too.
                        page.locator(".site-menu > summary").click()
                    structure = (name, viewport["width"], page.evaluate(STRUCTURE))
                    if structure in checked and name != "home":
                        continue
                    checked.add(structure)
                    runs += 1
                    found += [
                        f"{where}: {line}"
                        for line in violations(page, layout_only=viewport is PHONE)
                    ]
        finally:
            context.close()
    # The sign-in page, signed out.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    try:
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            assert visit(page, reverse("account_login"))
            found += [f"anonymous {viewport['width']}px sign-in: {v}" for v in violations(page)]
            if viewport is PHONE and (width := too_wide(page)):
                found.append(f"anonymous sign-in: the page is {width} px wide")
    finally:
        context.close()
    assert not found, "\n".join(found)
    print(f"axe-core checked {runs} renderings of {len(pages)} pages")
    # Each page was walked by someone (a page nobody could open proves nothing).
    assert all(seen.values()), {name: roles for name, roles in seen.items() if not roles}
    assert seen["home"] == set(ROLES)


def test_the_russian_pages_fit_a_phone_and_are_kept_as_screenshots(browser, live_server, world):
    pages = key_pages(world)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found: list[str] = []
    for language in ("en", "ru"):
        signed_out = browser.new_context(base_url=live_server.url, locale="en-GB")
        signed_out.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        regional = {name: path for name, path in pages.items() if name.startswith("regional")}
        contexts = [
            (
                signed_in(browser, live_server, world.people["secretariat"], language),
                {name: path for name, path in pages.items() if name not in regional},
            ),
            (signed_in(browser, live_server, world.people["regional"], language), regional),
            (signed_out, {"sign-in": reverse("account_login")}),
        ]
        for context, paths in contexts:
            page = context.new_page()
            try:
                for viewport in (DESKTOP, PHONE):
                    page.set_viewport_size(viewport)
                    for name, path in paths.items():
                        assert visit(page, path), path
                        assert page.evaluate("document.documentElement.lang") == language
                        if viewport is PHONE and (width := too_wide(page)):
                            found.append(f"{language} {name}: the page is {width} px wide")
                        page.screenshot(
                            path=ARTIFACTS / f"{name}-{viewport['width']}-{language}.png",
                            full_page=True,
                        )
                        if viewport is PHONE and name == "home":
                            page.locator(".site-menu > summary").click()
                            page.screenshot(path=ARTIFACTS / f"menu-390-{language}.png")
            finally:
                context.close()
    assert not found, "\n".join(found)
    assert (ARTIFACTS / "minutes-390-ru.png").stat().st_size > 0
