"""Clearing a joint statement under the network's rule for statements (issue #14): every
co-chair in office by default (the minutes' rule, until the network sets its own), any one
where the network says so; a stale hash or a second clearance is refused and records nothing;
a pending clearance names who cleared and who is awaited; the cleared version's PDF prints
its approval record; each person is offered the steps the statement's workflow allows them."""

import io
from datetime import UTC

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from circulation.models import Attachment, Circulation
from decisions import flows, services
from decisions.models import JointStatement, StatementClearance, StatementVersion
from networks import signoff
from networks.access import access_for
from networks.models import Network
from networks.scoping import network_scope
from tests.decisions.test_statements import TITLE, clear, cleared, drafted, submitted

pytestmark = pytest.mark.django_db


def page_url(net, statement, step="") -> str:
    base = reverse(
        "decisions:statement",
        kwargs={"network": net.network.slug, "statement_id": statement.pk},
    )
    return f"{base}{step}/" if step else base


def api_url(net, statement, step="") -> str:
    base = f"/api/v1/networks/{net.network.slug}/statements/{statement.pk}/"
    return f"{base}{step}/" if step else base


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_statement_rule(net, rule):
    with network_scope(net.network):
        signoff.rules_set(network=net.network, by=net.co_chair, rules={"statement": rule})


def state(net, version) -> tuple[str, bool, int]:
    """The statement's status, whether the version is cleared, and how many clearances."""
    with network_scope(net.network):
        statement = JointStatement.objects.get(pk=version.statement_id)
        fresh = StatementVersion.objects.get(pk=version.pk)
        return (
            statement.status,
            fresh.cleared_at is not None,
            StatementClearance.objects.filter(version=version).count(),
        )


# The network's rule ------------------------------------------------------------------------


def test_where_the_network_says_any_one_co_chair_clears_statements_one_clearance_clears_it(
    kyrgyzstan, mongolia
):
    set_statement_rule(kyrgyzstan, "any_co_chair")
    version = clear(kyrgyzstan, submitted(kyrgyzstan), "co_chair2")
    assert state(kyrgyzstan, version) == ("cleared", True, 1)
    # Kyrgyzstan's minutes still need every co-chair: the statements' rule is their own.
    kyrgyzstan.network.refresh_from_db()
    assert kyrgyzstan.network.minutes_approval_rule == "all_co_chairs"
    # Mongolia has set nothing: its statements follow its rule for minutes, every co-chair.
    version = clear(mongolia, submitted(mongolia), "co_chair")
    assert state(mongolia, version) == ("submitted", False, 1)
    version = clear(mongolia, version, "co_chair2")
    assert state(mongolia, version) == ("cleared", True, 2)


def test_a_network_may_want_every_co_chair_on_statements_though_one_approves_its_minutes(
    kyrgyzstan,
):
    Network.objects.filter(pk=kyrgyzstan.network.pk).update(
        minutes_approval_rule=Network.ApprovalRule.ANY_CO_CHAIR
    )
    set_statement_rule(kyrgyzstan, "all_co_chairs")
    version = clear(kyrgyzstan, submitted(kyrgyzstan), "co_chair")
    assert state(kyrgyzstan, version) == ("submitted", False, 1)
    with network_scope(kyrgyzstan.network):
        assert not Circulation.objects.filter(about_id=version.statement_id, kind="document")
    version = clear(kyrgyzstan, version, "co_chair2")
    assert state(kyrgyzstan, version) == ("cleared", True, 2)


# Refusals that record nothing -----------------------------------------------------------


@pytest.mark.parametrize("case", ["stale_hash", "twice"])
def test_clearing_with_a_stale_hash_or_twice_is_refused_and_records_nothing(kyrgyzstan, case):
    version = clear(kyrgyzstan, submitted(kyrgyzstan), "co_chair")
    who, seen = {
        "stale_hash": (kyrgyzstan.co_chair2, "0" * 64),
        "twice": (kyrgyzstan.co_chair, version.content_sha256),
    }[case]
    message = {"stale_hash": "changed since you opened it", "twice": "already cleared"}[case]
    before = state(kyrgyzstan, version)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError) as refused:
            services.statement_clear(statement=version.statement, by=who, content_sha256=seen)
    assert refused.value.code == {"stale_hash": "stale", "twice": "already_signed"}[case]
    assert message in " ".join(refused.value.messages)
    page = as_(who).post(
        page_url(kyrgyzstan, version.statement, "clear"), {"content_sha256": seen}, follow=True
    )
    assert message in page.content.decode()
    api = as_(who).post(
        api_url(kyrgyzstan, version.statement, "clear"),
        {"content_sha256": seen},
        content_type="application/json",
    )
    assert api.status_code == 409 and message in api.json()["error"]["message"]
    assert state(kyrgyzstan, version) == before == ("submitted", False, 1)
    with network_scope(kyrgyzstan.network):
        assert not [
            c
            for c in Circulation.objects.all()
            if c.rendered["en"]["subject"].startswith("Cleared by the co-chairs")
        ]


def test_a_statement_that_is_not_submitted_is_refused_as_its_state(kyrgyzstan):
    statement = drafted(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError) as refused:
            services.statement_clear(
                statement=statement, by=kyrgyzstan.co_chair, content_sha256="0" * 64
            )
    assert refused.value.code == "wrong_state"
    assert "Only a submitted statement can be cleared" in " ".join(refused.value.messages)


# Who cleared, who is awaited ------------------------------------------------------------


def test_a_pending_clearance_names_who_cleared_and_who_is_awaited(kyrgyzstan):
    version = clear(kyrgyzstan, submitted(kyrgyzstan), "co_chair")
    page = as_(kyrgyzstan.secretariat).get(page_url(kyrgyzstan, version.statement))
    html = page.content.decode()
    assert "Every co-chair in office clears it." in html
    assert "Cleared by: Co Chair of Kyrgyzstan." in html
    assert "Still awaited: Co Chair2 of Kyrgyzstan." in html
    mine = as_(kyrgyzstan.co_chair).get(page_url(kyrgyzstan, version.statement)).content.decode()
    assert "You cleared this version." in mine and "Clear this version" not in mine
    other = as_(kyrgyzstan.co_chair2).get(page_url(kyrgyzstan, version.statement))
    assert "Clear this version" in other.content.decode()
    api = as_(kyrgyzstan.co_chair2).get(api_url(kyrgyzstan, version.statement)).json()
    assert api["clearance"] == {
        "rule": "all_co_chairs",
        "complete": False,
        "signed": ["Co Chair of Kyrgyzstan"],
        "awaited": ["Co Chair2 of Kyrgyzstan"],
    }
    assert api["steps"] == ["clear", "return"]
    clear(kyrgyzstan, version, "co_chair2")
    api = as_(kyrgyzstan.secretariat).get(api_url(kyrgyzstan, version.statement)).json()
    assert api["clearance"] is None  # nothing pending any more


def test_where_one_co_chair_is_enough_the_page_says_so(kyrgyzstan):
    set_statement_rule(kyrgyzstan, "any_co_chair")
    version = submitted(kyrgyzstan)
    html = as_(kyrgyzstan.co_chair).get(page_url(kyrgyzstan, version.statement)).content.decode()
    assert "One co-chair's clearance is enough." in html
    assert "Still awaited: Co Chair of Kyrgyzstan, Co Chair2 of Kyrgyzstan." in html


# The steps each person is offered -------------------------------------------------------


def issued(net) -> JointStatement:
    statement = cleared(net).statement
    with network_scope(net.network):
        return services.statement_issue(statement=statement, by=net.secretariat)


def published(net) -> JointStatement:
    statement = issued(net)
    with network_scope(net.network):
        services.statement_publish(statement=statement, by=net.co_chair, agreement="Co-chairs")
    return statement


STAGES = {
    "draft": drafted,
    "submitted": lambda net: submitted(net).statement,
    "cleared": lambda net: cleared(net).statement,
    "issued": issued,
    "public": published,
}
# Who may take which step at each stage; a member reads, never acts; nobody else reads drafts.
OFFERED = {
    ("draft", "secretariat"): ["edit", "submit"],
    ("draft", "co_chair"): [],
    ("submitted", "secretariat"): [],
    ("submitted", "co_chair"): ["clear", "return"],
    ("cleared", "secretariat"): ["silence", "issue", "revise"],
    ("cleared", "co_chair"): ["silence"],
    ("cleared", "member"): [],
    ("issued", "secretariat"): ["publish", "revise"],
    ("issued", "co_chair"): ["publish"],
    ("issued", "member"): [],
    ("public", "secretariat"): ["revise"],
    ("public", "co_chair"): [],
    ("public", "member"): [],
}
BUTTONS = {
    "edit": "Edit the draft",
    "submit": "Submit for the co-chairs' clearance",
    "clear": "Clear this version",
    "return": "Return to the secretariat",
    "silence": "Open the silence procedure",
    "issue": "Issue the statement",
    "publish": "Make public",
    "revise": "Start the correction",
}


@pytest.mark.parametrize(("stage", "role"), list(OFFERED))
def test_each_person_is_offered_the_steps_the_workflow_allows_them(kyrgyzstan, stage, role):
    statement = STAGES[stage](kyrgyzstan)
    person = kyrgyzstan.people[role]
    expected = OFFERED[stage, role]
    with network_scope(kyrgyzstan.network):
        statement = JointStatement.objects.get(pk=statement.pk)
        access = access_for(person, kyrgyzstan.network)
        assert flows.STATEMENT.steps_for(statement, access) == expected
    assert as_(person).get(api_url(kyrgyzstan, statement)).json()["steps"] == expected
    html = as_(person).get(page_url(kyrgyzstan, statement)).content.decode()
    for step, button in BUTTONS.items():
        assert (button in html) == (step in expected), (step, button)


def test_a_member_does_not_read_a_draft_so_is_offered_nothing_on_it(kyrgyzstan):
    statement = drafted(kyrgyzstan)
    assert as_(kyrgyzstan.member).get(api_url(kyrgyzstan, statement)).status_code == 404


# The approval record ------------------------------------------------------------------------


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_cleared_statement_pdf_prints_who_cleared_it_when_and_the_sha256(kyrgyzstan):
    statement = issued(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        version = StatementVersion.objects.get(statement=statement)
        clearances = list(StatementClearance.objects.filter(version=version))
        [attachment] = Attachment.objects.filter(
            circulation__about_id=statement.pk, circulation__kind="document"
        )
    assert attachment.filename == f"statement-{statement.pk}-v1.pdf"
    pdf_url = reverse(
        "decisions:statement-pdf",
        kwargs={"network": "kyrgyzstan", "statement_id": statement.pk, "number": 1},
    )
    response = as_(kyrgyzstan.member).get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    for pdf in (response.content, bytes(attachment.content)):
        pages = PdfReader(io.BytesIO(pdf)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        assert "Approval record" in text and TITLE in text
        for clearance, name, organisation in zip(
            clearances,
            ["Co Chair of Kyrgyzstan", "Co Chair2 of Kyrgyzstan"],
            ["RCO", "IOM"],
            strict=True,
        ):
            utc = clearance.cleared_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
            local = timezone.localtime(clearance.cleared_at, kyrgyzstan.network.zone)
            assert name in text and organisation in text
            assert f"{utc} UTC" in text
            assert f"{local:%Y-%m-%d %H:%M} Bishkek time (UTC+6)" in text
        assert "Asia/Bishkek" not in text
        assert "Co-chair" in text.replace("Co- chair", "Co-chair")  # the PDF may break it
        assert version.content_sha256 in text.replace(" ", "")


def test_a_version_not_cleared_has_no_pdf_and_another_network_never_sees_one(kyrgyzstan, mongolia):
    version = submitted(kyrgyzstan)
    pdf_url = reverse(
        "decisions:statement-pdf",
        kwargs={"network": "kyrgyzstan", "statement_id": version.statement_id, "number": 1},
    )
    assert as_(kyrgyzstan.secretariat).get(pdf_url).status_code == 404
    clear(kyrgyzstan, version, "co_chair", "co_chair2")
    assert as_(kyrgyzstan.secretariat).get(pdf_url).status_code == 200
    assert as_(mongolia.secretariat).get(pdf_url).status_code == 404
    assert as_(kyrgyzstan.partner).get(pdf_url).status_code == 403
