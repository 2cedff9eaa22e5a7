"""The story of issue 5 in a real browser: the Kyrgyzstan secretariat opens a silence
procedure on a joint statement, UNHCR's focal point breaks silence with a reason, the
co-chairs record the outcome, and the register shows it — for a One-Voice joint statement
(drafted, cleared by both co-chairs, then put to silence) and for a draft decision."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from decisions.models import Procedure
from decisions.tasks import close_due_procedures
from networks.scoping import scopes_disabled
from tests.browser.test_meeting_story import as_person  # noqa: F401
from tests.circulation.conftest import smtp  # noqa: F401
from tests.factories import build_network, region

pytestmark = pytest.mark.browser


def test_joint_statement_silence_broken_outcome_recorded_register_shows_it(
    as_person,  # noqa: F811
    live_server,
    smtp,  # noqa: F811
    settings,
    transactional_db,
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_BASE_URL = live_server.url
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ", region_obj=region())
    people = kyrgyzstan.people
    title = "Joint statement on International Migrants Day"

    # The secretariat drafts the statement and submits it for clearance.
    officer = as_person(people["secretariat"], "/n/kyrgyzstan/decisions/")
    officer.get_by_role("link", name="Joint statements").click()
    officer.get_by_role("link", name="Draft a statement").click()
    officer.get_by_label("Title").fill(title)
    officer.get_by_label("Text").fill("The UN Network on Migration in Kyrgyzstan stands with…")
    officer.get_by_role("button", name="Save the draft").click()
    officer.get_by_text("The draft statement is saved.").wait_for()
    statement_path = re.search(r"/n/kyrgyzstan/decisions/statements/\d+/", officer.url)[0]
    officer.get_by_role("button", name="Submit for the co-chairs' clearance").click()
    officer.get_by_text("the co-chairs are told").wait_for()
    assert {m["To"] for m in smtp.messages if "For your clearance" in m["Subject"]} == {
        people["co_chair"].email,
        people["co_chair2"].email,
    }

    # Both co-chairs clear it: the network's rule for minutes (all co-chairs) applies.
    for key, said in (
        ("co_chair", "waits for the other co-chairs"),
        ("co_chair2", "The statement is cleared"),
    ):
        co_chair = as_person(people[key], statement_path)
        co_chair.get_by_role("button", name="Clear this version").click()
        co_chair.get_by_text(said).wait_for()

    # The secretariat opens a silence procedure on it; every member organisation is told.
    officer.goto(statement_path)
    deadline = timezone.localtime(timezone.now() + timedelta(days=2), kyrgyzstan.network.zone)
    officer.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    officer.get_by_role("button", name="Open the silence procedure").click()
    officer.get_by_text("The silence procedure is open").wait_for()
    # A long subject reaches the mailbox folded: compare what it says.
    opened = [m for m in smtp.messages if "Silence procedure: " in m["Subject"]]
    assert people["member_unhcr"].email in {m["To"] for m in opened}

    # UNHCR's focal point breaks silence with a reason; the co-chairs hear at once.
    unhcr = as_person(people["member_unhcr"], statement_path)
    assert unhcr.get_by_role("heading", name=title).is_visible()
    unhcr.get_by_label("Breaks silence").check()
    unhcr.get_by_label("Reason").fill("Paragraph 3 misstates the figures on returns.")
    unhcr.get_by_role("button", name="Record the position").click()
    unhcr.get_by_text("Your organisation's position is recorded.").wait_for()
    alerts = [m for m in smtp.messages if "Silence broken by UNHCR" in m["Subject"]]
    assert {m["To"] for m in alerts} == {people["co_chair"].email, people["co_chair2"].email}

    # The deadline passes; the beat job closes the procedure; a co-chair records the outcome.
    with scopes_disabled():
        Procedure.objects.update(deadline=timezone.now() - timedelta(seconds=1))
    assert close_due_procedures() == 1
    co_chair = as_person(people["co_chair"], statement_path)
    co_chair.get_by_role("combobox", name="Outcome").select_option("no_consensus")
    co_chair.get_by_label("Statement").fill("Referred to the Q4 meeting with UNHCR's comments.")
    co_chair.get_by_role("button", name="Record", exact=True).click()
    co_chair.get_by_text("The outcome is recorded.").wait_for()

    # The register of joint statements shows it; the statement page keeps UNHCR's reason.
    officer.goto("/n/kyrgyzstan/decisions/statements/")
    row = officer.get_by_role("row", name=re.compile(title)).inner_text()
    assert "Not agreed" in row and "No consensus — referred to the next meeting" in row
    officer.goto(statement_path)
    assert officer.get_by_text("Paragraph 3 misstates the figures on returns.").first.is_visible()
    assert officer.get_by_text("Referred to the Q4 meeting").is_visible()
    assert officer.get_by_role("button", name="Issue the statement").count() == 0


def test_decision_silence_broken_outcome_recorded_register_shows_it(
    as_person,  # noqa: F811
    live_server,
    smtp,  # noqa: F811
    settings,
    transactional_db,
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_BASE_URL = live_server.url
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ", region_obj=region())
    people = kyrgyzstan.people

    officer = as_person(people["secretariat"], "/n/kyrgyzstan/decisions/")
    officer.get_by_role("link", name="Draft a decision").click()
    officer.get_by_label("Title").fill("Joint statement on International Migrants Day")
    officer.get_by_label("Text").fill("The network issues the joint statement annexed.")
    officer.get_by_role("button", name="Save the draft").click()
    officer.get_by_text("The draft decision is in the register.").wait_for()
    decision_path = re.search(r"/n/kyrgyzstan/decisions/\d+/", officer.url)[0]
    officer.get_by_role("combobox", name="Procedure").select_option("silence")
    deadline = timezone.localtime(timezone.now() + timedelta(days=2), kyrgyzstan.network.zone)
    officer.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    officer.get_by_role("button", name="Open the procedure").click()
    officer.get_by_text("The written procedure is open").wait_for()
    assert people["member_unhcr"].email in {m["To"] for m in smtp.messages}

    unhcr = as_person(people["member_unhcr"], decision_path)
    unhcr.get_by_label("Breaks silence").check()
    unhcr.get_by_label("Reason").fill("Paragraph 3 misstates the figures on returns.")
    unhcr.get_by_role("button", name="Record the position").click()
    unhcr.get_by_text("Your organisation's position is recorded.").wait_for()
    alerts = [m for m in smtp.messages if m["Subject"].startswith("Silence broken by UNHCR")]
    assert {m["To"] for m in alerts} == {people["co_chair"].email, people["co_chair2"].email}

    # The deadline passes; the beat job closes the procedure.
    with scopes_disabled():
        Procedure.objects.update(deadline=timezone.now() - timedelta(seconds=1))
    assert close_due_procedures() == 1

    co_chair = as_person(people["co_chair"], decision_path)
    co_chair.get_by_role("combobox", name="Outcome").select_option("no_consensus")
    co_chair.get_by_label("Statement").fill("Referred to the Q4 meeting with UNHCR's comments.")
    co_chair.get_by_role("button", name="Record", exact=True).click()
    co_chair.get_by_text("The outcome is recorded.").wait_for()

    officer.goto("/n/kyrgyzstan/decisions/")
    row = officer.get_by_role(
        "row", name=re.compile("Joint statement on International Migrants Day")
    )
    assert "Not adopted" in row.inner_text()
    officer.goto(decision_path)
    assert officer.get_by_text("Paragraph 3 misstates the figures on returns.").first.is_visible()
    assert officer.get_by_text("Referred to the Q4 meeting").is_visible()
