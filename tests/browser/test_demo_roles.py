"""Issue 15's first acceptance point, in a real browser on the demo (`manage.py load_demo`):
each role of Kyrgyzstan — the secretariat, both co-chairs, the UNDP member focal point, the
national authority as external partner, the RCO — and the regional viewer signs in with the
documented demo login, reaches its home by clicking (no address typed after signing in),
finds there each item the demo leaves waiting for it under "Waiting for you", and completes
one by clicking through; the item then leaves the list and the count goes down.

The demo is loaded once for the module (a load costs ~50 s of CPU): on the suite's in-memory
SQLite it is copied aside with SQLite's backup API and copied back before each story, so
every story starts from the demo as `load_demo` leaves it, while the live server thread —
which shares the test's in-memory database — sees it. On another database each story loads
the demo again (slow, but the same stories)."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import networks.pdf
from decisions.models import ActionPoint
from demo.loader import demo_password
from meetings.models import Meeting, Minutes
from networks.scoping import scopes_disabled
from reports.models import QuarterlyReport
from tests.pdf import standin_pdf

# The stories run in the embedded round (SQLite in memory), where the loaded demo is copied
# aside once and restored per story; on PostgreSQL reloading the demo per story into the
# flushed live-server database fails (known gap, to fix: load once and restore by dump).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the demo stories restore an in-memory SQLite copy (embedded round only)",
    ),
]

NETWORK = "UN Migration Network in the Kyrgyz Republic"
CONSULTATION = "Network support to the national labour migration action plan"
SILENCE = "Joint message of the network for International Migrants Day"
IOM_ACTION = "Share the briefing's slides and data sources with all members"
UNDP_ACTION = "Circulate the draft progress table of the joint workplan"


def _load_demo(settings) -> None:
    """The demo in an empty database (with the reference data the migrations load)."""
    from importlib import import_module

    from django.apps import apps

    from reference.models import GCMObjective

    call_command("flush", interactive=False, verbosity=0)
    if not GCMObjective.objects.exists():
        import_module("reference.migrations.0002_load_reference_data").load(apps, None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(networks.pdf, "html_to_pdf", standin_pdf)
        patch.setattr(settings, "PORTAL_DEMO", True)
        call_command("load_demo", stdout=StringIO())


def _in_memory() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.fixture(scope="module")
def demo_copy(django_db_setup, django_db_blocker) -> Iterator[sqlite3.Connection | None]:
    """The loaded demo, copied aside (None when the database is not SQLite in memory)."""
    from django.conf import settings

    with django_db_blocker.unblock():
        if not _in_memory():
            yield None
            return
        _load_demo(settings)
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:")
        connection.connection.backup(copy)
        try:
            yield copy
        finally:
            copy.close()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_copy, transactional_db, live_server, settings):
    """The demo as load_demo leaves it, for this story."""
    if demo_copy is None:
        _load_demo(settings)
    else:
        connection.ensure_connection()
        demo_copy.backup(connection.connection)
    with scopes_disabled():
        now = timezone.now()
        meetings = Meeting.objects.filter(network__slug="kyrgyzstan")
        yield {
            "next": meetings.get(agenda_status=Meeting.AgendaStatus.SUBMITTED).title,
            "annual": meetings.get(kind=Meeting.Kind.ANNUAL, starts_at__gt=now).title,
            "commented": Minutes.objects.get(
                meeting__network__slug="kyrgyzstan", status=Minutes.Status.SUBMITTED
            ).meeting.title,
            "report": QuarterlyReport.objects.get(
                network__slug="kyrgyzstan", status=QuarterlyReport.Status.DRAFT
            ).label,
        }


@pytest.fixture
def sign_in(browser, live_server):
    """sign_in(email) → a page in a browser context of its own, signed in through the sign-in
    page with the demo's password, on the page signing in leads to."""
    contexts = []

    def signed_in(email: str):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(demo_password())
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Your networks").wait_for()
        return page

    yield signed_in
    for context in contexts:
        context.close()


def home(page):
    """From the landing page to the network's home, by its link."""
    page.get_by_role("link", name=NETWORK).first.click()
    page.get_by_role("heading", name="Waiting for you").wait_for()
    return page


def back_home(page):
    """From a page of the network back to its home, by "Home" in the navigation."""
    page.get_by_role("navigation").get_by_role("link", name=re.compile(r"^Home\b")).first.click()
    page.get_by_role("heading", name="Waiting for you").wait_for()
    return page


def waiting(page) -> list[str]:
    """The titles listed under "Waiting for you", as the person reads them."""
    return [text.strip() for text in page.locator("ul.inbox a.title").all_inner_texts()]


def count_in_nav(page) -> int:
    badge = page.locator("nav .inbox-count").first
    return int(re.match(r"\d+", badge.inner_text().strip())[0])


def assert_lists(page, expected: list[str]) -> list[str]:
    listed = waiting(page)
    missing = [title for title in expected if title not in listed]
    assert not missing, f"not waiting: {missing}; listed: {listed}"
    assert count_in_nav(page) == len(listed)
    return listed


def test_the_secretariat_finds_its_work_and_answers_the_annual_invitation(demo, sign_in):
    page = home(sign_in("secretariat@kyrgyzstan.example.org"))
    rsvp = f"Say whether you attend “{demo['annual']}”"
    listed = assert_lists(
        page,
        [
            f"Action point: {IOM_ACTION}",
            f"Silence procedure on “{SILENCE}”: break silence or let it pass",
            f"Comment on the draft minutes of “{demo['commented']}”",
            rsvp,
            f"Say whether you attend “{demo['next']}”",
            f"The {demo['report']} quarterly report waits for the co-chairs' submission",
        ],
    )

    page.get_by_role("link", name=rsvp).click()
    page.get_by_label("Attends").check()
    page.get_by_role("button", name="Save my answer").click()
    page.wait_for_load_state()
    back_home(page)
    assert rsvp not in waiting(page)
    assert len(waiting(page)) == len(listed) - 1 == count_in_nav(page)


@pytest.mark.parametrize("who", ["cochair1", "cochair2"])
def test_a_co_chair_finds_its_work_and_approves_the_waiting_agenda(demo, sign_in, who):
    page = home(sign_in(f"{who}@kyrgyzstan.example.org"))
    approve = f"Approve the agenda of “{demo['next']}”"
    expected = [
        f"Silence procedure on “{SILENCE}”: break silence or let it pass",
        f"Say whether you attend “{demo['annual']}”",
        approve,
        f"Say whether you attend “{demo['next']}”",
        f"Approve the minutes of “{demo['commented']}”",
        f"Sign off and submit the {demo['report']} quarterly report",
    ]
    # The first co-chair's organisation has still to give its position on the consultation;
    # the second co-chair, IOM's head, sees IOM's open action points.
    expected += (
        [f"Your organisation's position on “{CONSULTATION}”"]
        if who == "cochair1"
        else [f"Action point: {IOM_ACTION}"]
    )
    listed = assert_lists(page, expected)

    page.get_by_role("link", name=approve).click()
    page.get_by_role("button", name="Approve the agenda").click()
    page.get_by_text("You approved the agenda.").wait_for()
    back_home(page)
    assert approve not in waiting(page)
    assert len(waiting(page)) == len(listed) - 1 == count_in_nav(page)


def test_a_co_chair_approves_the_minutes_from_the_list(demo, sign_in):
    page = home(sign_in("cochair2@kyrgyzstan.example.org"))
    approve = f"Approve the minutes of “{demo['commented']}”"
    listed = assert_lists(page, [approve])

    page.get_by_role("link", name=approve).click()
    page.get_by_role("button", name="Approve this version").click()
    page.get_by_text("the other co-chair").wait_for()
    back_home(page)
    assert waiting(page) == [title for title in listed if title != approve]
    assert count_in_nav(page) == len(listed) - 1


def test_the_member_finds_its_work_and_records_undps_position(demo, sign_in):
    page = home(sign_in("member@kyrgyzstan.example.org"))
    position = f"Your organisation's position on “{CONSULTATION}”"
    listed = assert_lists(
        page,
        [
            f"Action point: {UNDP_ACTION}",
            f"Silence procedure on “{SILENCE}”: break silence or let it pass",
            f"Comment on the draft minutes of “{demo['commented']}”",
            position,
            f"Say whether you attend “{demo['annual']}”",
        ],
    )
    with scopes_disabled():
        assert ActionPoint.objects.filter(
            text=UNDP_ACTION, due_date__lt=timezone.localdate()
        ).exists()

    page.get_by_role("link", name=position).click()
    page.get_by_label("Concurs").check()
    page.get_by_role("button", name="Record the position").click()
    page.wait_for_load_state()
    back_home(page)
    assert position not in waiting(page)
    assert len(waiting(page)) == len(listed) - 1 == count_in_nav(page)


def test_the_partner_finds_its_work_and_answers_its_invitation(demo, sign_in):
    page = home(sign_in("partner@kyrgyzstan.example.org"))
    rsvp = f"Say whether you attend “{demo['annual']}”"
    listed = assert_lists(page, [f"Your organisation's position on “{CONSULTATION}”", rsvp])
    # The partner is invited to the annual meeting only, not to the UN team's regular one.
    assert f"Say whether you attend “{demo['next']}”" not in listed

    page.get_by_role("link", name=rsvp).click()
    page.get_by_label("Attends").check()
    page.get_by_role("button", name="Save my answer").click()
    page.wait_for_load_state()
    back_home(page)
    assert waiting(page) == [title for title in listed if title != rsvp]
    assert count_in_nav(page) == len(listed) - 1


def test_the_rco_follows_the_report_and_opens_the_last_submitted_one(demo, sign_in):
    page = home(sign_in("rco@kyrgyzstan.example.org"))
    drafted = f"The {demo['report']} quarterly report is being drafted"
    assert_lists(page, [drafted])

    page.get_by_role("link", name=drafted).click()
    page.get_by_role("heading", name="Quarterly reports", exact=True).wait_for()
    with scopes_disabled():
        submitted = (
            QuarterlyReport.objects.filter(
                network__slug="kyrgyzstan", status=QuarterlyReport.Status.SUBMITTED
            )
            .order_by("-year", "-quarter")
            .first()
        )
    page.get_by_role("link", name=submitted.label, exact=True).click()
    page.get_by_role("heading", name=f"Quarterly report {submitted.label}").wait_for()
    assert page.get_by_role("link", name="Download PDF").count() == 1


def test_the_regional_viewer_opens_the_regions_reports_and_a_network_s_report(demo, sign_in):
    page = sign_in("regional@example.org")
    page.get_by_role(
        "link", name="Quarterly reports of the networks in Europe and Central Asia"
    ).click()
    page.get_by_role("heading", name="Quarterly reports in Europe and Central Asia").wait_for()
    # The page opens on the latest ended quarter, whose reports wait for the co-chairs; the
    # viewer picks the quarter before, which every network of the region has submitted.
    with scopes_disabled():
        submitted = (
            QuarterlyReport.objects.filter(
                network__slug="kyrgyzstan", status=QuarterlyReport.Status.SUBMITTED
            )
            .order_by("-year", "-quarter")
            .first()
        )
    page.get_by_label("Quarter", exact=True).select_option(submitted.label)
    page.get_by_role("button", name="Show").click()
    page.get_by_role("heading", name=re.compile(rf"^{submitted.label}: ")).wait_for()
    page.get_by_role("link", name="Kyrgyzstan").first.click()
    page.get_by_role("heading", name=re.compile(r"^Quarterly report \d{4}-Q\d")).wait_for()
    assert "/n/kyrgyzstan/reports/" in page.url
