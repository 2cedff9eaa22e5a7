"""Endorsing a workplan under the network's rule (issue #14): one co-chair is enough by
default, as before; where every co-chair in office endorses workplans the plan waits for each,
the page names who has endorsed and who is awaited, and the others are told by mail. Each
endorsement records the SHA-256 of the plan as the co-chair read it: a plan changed since is
refused, and so is endorsing twice, nothing changing. The pages and the API offer the steps
the workflow's table allows this person now."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from circulation.models import Circulation, Delivery
from networks import signoff
from networks.scoping import network_scope
from tests.test_sign_off import hands_over_and_co_chairs
from tests.workplans.conftest import activity_data, build_plan
from tests.workplans.test_pages import grow
from workflow import content_hash
from workplans import services
from workplans.models import Workplan, WorkplanEndorsement

HASH = re.compile(r'name="content_sha256" value="([0-9a-f]{64})"')


def url(net, plan, name="detail"):
    return reverse(
        f"workplans:{name}", kwargs={"network": net.network.slug, "workplan_id": plan.pk}
    )


def api(net, plan, tail=""):
    return f"/api/v1/networks/{net.network.slug}/workplans/{plan.pk}/{tail}"


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft_plan(net, title="Workplan 2027"):
    """A draft the secretariat wrote: one outcome, one output, one IOM-led activity."""
    by = net.secretariat
    with network_scope(net.network):
        plan = services.workplan_create(
            network=net.network, by=by, title=title, start_year=2027, years=1
        )
        outcome = services.outcome_add(workplan=plan, by=by, code="1", title="Safe migration")
        output = services.output_add(outcome=outcome, by=by, code="1.1", title="Labour")
        services.activity_add(
            output=output,
            by=by,
            data=activity_data(net, "1.1.1", "IOM", budget_required=Decimal("900"), gcm=[1]),
        )
    return plan


def every_co_chair_endorses_workplans(net):
    with network_scope(net.network):
        signoff.rules_set(network=net.network, by=net.co_chair, rules={"workplan": "all_co_chairs"})


def seen_hash(client, net, plan) -> str:
    """The SHA-256 the endorse form on the plan's page carries."""
    [seen] = HASH.findall(client.get(url(net, plan)).content.decode())
    return seen


def endorse(client, net, plan, seen):
    return client.post(url(net, plan, "endorse"), {"content_sha256": seen}, follow=True)


def state(net, plan):
    with network_scope(net.network):
        plan = Workplan.objects.get(pk=plan.pk)
        endorsements = list(
            WorkplanEndorsement.objects.filter(workplan=plan, withdrawn_at__isnull=True)
            .order_by("signed_at", "pk")
            .values_list("co_chair_id", flat=True)
        )
    return plan, endorsements


# The rule ----------------------------------------------------------------------------------


def test_one_co_chair_endorses_a_workplan_by_default_and_the_others_need_not_be_asked(
    kyrgyzstan, login
):
    plan = draft_plan(kyrgyzstan)
    co_chair = login(kyrgyzstan.co_chair)
    response = endorse(co_chair, kyrgyzstan, plan, seen_hash(co_chair, kyrgyzstan, plan))
    assert "The workplan is endorsed; this version is kept as its baseline." in (
        response.content.decode()
    )
    plan, endorsed_by = state(kyrgyzstan, plan)
    assert (plan.status, plan.endorsed_by, endorsed_by) == (
        "endorsed",
        kyrgyzstan.co_chair,
        [kyrgyzstan.co_chair.pk],
    )
    with network_scope(kyrgyzstan.network):
        [endorsement] = WorkplanEndorsement.objects.filter(workplan=plan)
        # The hash is of the plan as the endorsement keeps it: its baseline.
        assert endorsement.content_sha256 == content_hash(plan.baseline)
        assert endorsement.organisation == kyrgyzstan.organisations["RCO"]
        assert not Circulation.objects.filter(kind="signoff", about_id=plan.pk).exists()


def test_where_every_co_chair_endorses_the_plan_waits_for_each_and_names_who_is_awaited(
    kyrgyzstan, login
):
    every_co_chair_endorses_workplans(kyrgyzstan)
    plan = draft_plan(kyrgyzstan)
    first = login(kyrgyzstan.co_chair)
    response = endorse(first, kyrgyzstan, plan, seen_hash(first, kyrgyzstan, plan))
    assert "Your endorsement is recorded; still awaited: Co Chair2 of Kyrgyzstan." in (
        response.content.decode()
    )
    plan, endorsed_by = state(kyrgyzstan, plan)
    assert (plan.status, plan.endorsed_at, plan.baseline) == ("draft", None, None)
    assert endorsed_by == [kyrgyzstan.co_chair.pk]

    page = login(kyrgyzstan.secretariat).get(url(kyrgyzstan, plan)).content.decode()
    assert "Signed by: Co Chair of Kyrgyzstan." in page
    assert "Still awaited: Co Chair2 of Kyrgyzstan." in page
    with network_scope(kyrgyzstan.network):
        [told] = Circulation.objects.filter(kind="signoff", about_id=plan.pk)
        addresses = set(Delivery.objects.filter(circulation=told).values_list("address", flat=True))
    assert addresses == {kyrgyzstan.co_chair2.email}  # the endorser is not told
    assert (
        "Co Chair of Kyrgyzstan endorsed the workplan “Workplan 2027”"
        in (told.rendered["en"]["text"])
    )

    second = login(kyrgyzstan.co_chair2)
    response = endorse(second, kyrgyzstan, plan, seen_hash(second, kyrgyzstan, plan))
    assert "The workplan is endorsed" in response.content.decode()
    plan, endorsed_by = state(kyrgyzstan, plan)
    assert (plan.status, plan.endorsed_by) == ("endorsed", kyrgyzstan.co_chair2)
    assert endorsed_by == [kyrgyzstan.co_chair.pk, kyrgyzstan.co_chair2.pk]
    with network_scope(kyrgyzstan.network):
        assert Circulation.objects.filter(kind="signoff", about_id=plan.pk).count() == 1

    # The endorsed plan's page keeps the record: each co-chair, their organisation, the times
    # in UTC and in Bishkek, and the SHA-256 they endorsed.
    page = login(kyrgyzstan.member).get(url(kyrgyzstan, plan)).content.decode()
    record = page[page.index("Approval record") :]
    assert "Co Chair of Kyrgyzstan" in record and "Co Chair2 of Kyrgyzstan" in record
    for organisation in ("RCO", "IOM"):
        assert escape(kyrgyzstan.organisations[organisation].display_name) in record
    assert "UTC" in record and "Bishkek" in record
    fingerprint = page[page.index("<summary>Fingerprint (SHA-256)</summary>") :]
    assert content_hash(plan.baseline) in fingerprint[: fingerprint.index("</details>")]
    assert "Still awaited" not in page


def test_the_drafter_does_not_endorse_and_the_rule_does_not_wait_for_them(kyrgyzstan):
    every_co_chair_endorses_workplans(kyrgyzstan)
    plan = draft_plan(kyrgyzstan)
    hands_over_and_co_chairs(kyrgyzstan)  # the secretariat who drafted it is a co-chair now
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="You drafted this workplan") as refused:
            services.workplan_endorse(workplan=plan, by=kyrgyzstan.secretariat)
        assert refused.value.code == "not_allowed"
        awaited = services.workplan_signoff(plan).awaited
        assert set(awaited) == {kyrgyzstan.co_chair.pk, kyrgyzstan.co_chair2.pk}
        services.workplan_endorse(workplan=plan, by=kyrgyzstan.co_chair)
        services.workplan_endorse(workplan=plan, by=kyrgyzstan.co_chair2)
        plan.refresh_from_db()
    assert plan.status == "endorsed"


# Bad input: a stale hash, a second endorsement ----------------------------------------------


def test_an_endorsement_of_a_plan_changed_since_it_was_opened_is_refused_and_nothing_changes(
    kyrgyzstan, login
):
    plan = draft_plan(kyrgyzstan)
    co_chair = login(kyrgyzstan.co_chair)
    seen = seen_hash(co_chair, kyrgyzstan, plan)
    with network_scope(kyrgyzstan.network):
        output = plan.outcomes.get().outputs.get()
        services.activity_add(
            output=output,
            by=kyrgyzstan.secretariat,
            data=activity_data(kyrgyzstan, "1.1.2", "UNDP", budget_required=Decimal("50")),
        )
    response = endorse(co_chair, kyrgyzstan, plan, seen)
    assert "The workplan changed since you opened it" in response.content.decode()
    plan, endorsed_by = state(kyrgyzstan, plan)
    assert (plan.status, plan.endorsed_by, plan.baseline, endorsed_by) == ("draft", None, None, [])
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError) as refused:
            services.workplan_endorse(workplan=plan, by=kyrgyzstan.co_chair, content_sha256=seen)
        assert refused.value.code == "stale"
        assert not WorkplanEndorsement.objects.filter(workplan=plan).exists()
    # Read again, it is endorsed.
    endorse(co_chair, kyrgyzstan, plan, seen_hash(co_chair, kyrgyzstan, plan))
    assert state(kyrgyzstan, plan)[0].status == "endorsed"


def test_endorsing_twice_is_refused_and_records_nothing(kyrgyzstan, login):
    every_co_chair_endorses_workplans(kyrgyzstan)
    plan = draft_plan(kyrgyzstan)
    co_chair = login(kyrgyzstan.co_chair)
    seen = seen_hash(co_chair, kyrgyzstan, plan)
    endorse(co_chair, kyrgyzstan, plan, seen)
    assert "Endorse the workplan" not in co_chair.get(url(kyrgyzstan, plan)).content.decode()
    response = endorse(co_chair, kyrgyzstan, plan, seen)
    assert "You have already endorsed this workplan" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError) as refused:
            services.workplan_endorse(workplan=plan, by=kyrgyzstan.co_chair, content_sha256=seen)
        assert refused.value.code == "already_signed"
        assert WorkplanEndorsement.objects.filter(workplan=plan).count() == 1
        assert Circulation.objects.filter(kind="signoff", about_id=plan.pk).count() == 1
    assert state(kyrgyzstan, plan)[0].status == "draft"


def test_a_change_to_the_draft_withdraws_the_endorsements_given_so_far(kyrgyzstan, login):
    every_co_chair_endorses_workplans(kyrgyzstan)
    plan = draft_plan(kyrgyzstan)
    co_chair = login(kyrgyzstan.co_chair)
    endorse(co_chair, kyrgyzstan, plan, seen_hash(co_chair, kyrgyzstan, plan))
    with network_scope(kyrgyzstan.network):
        services.outcome_add(workplan=plan, by=kyrgyzstan.secretariat, code="2", title="Data")
    # What they endorsed is not what the plan holds now: they are awaited again.
    assert state(kyrgyzstan, plan)[1] == []
    page = co_chair.get(url(kyrgyzstan, plan)).content.decode()
    assert "Endorse the workplan" in page and "Signed by:" not in page


# Steps per role -----------------------------------------------------------------------------

DRAFT_STEPS = {
    "secretariat": ["edit", "change_activity"],
    "co_chair": ["change_activity", "endorse"],
    "member": ["change_activity"],
}
STEPS = {
    "endorsed": {
        "secretariat": ["edit", "change_activity", "start", "report", "chase"],
        "co_chair": ["change_activity", "report"],
        "member": ["change_activity", "report"],
        "rco": [],
    },
    "active": {
        "secretariat": ["edit", "change_activity", "close", "report", "chase"],
        "co_chair": ["change_activity", "report"],
        "member": ["change_activity", "report"],
        "rco": [],
    },
    "closed": {"secretariat": ["chase"], "co_chair": [], "member": [], "rco": []},
}
BUTTONS = {
    "endorse": "Endorse the workplan",
    "start": "Start the workplan",
    "close": "Close the workplan",
    "edit": "Add an outcome",
    "chase": "Quarterly updates",
}


def offered(page: str) -> set[str]:
    return {step for step, button in BUTTONS.items() if button in page}


@pytest.mark.parametrize("role", sorted(DRAFT_STEPS))
def test_a_draft_offers_each_role_its_steps(kyrgyzstan, role):
    plan = draft_plan(kyrgyzstan)
    person = kyrgyzstan.people[role]
    assert as_(person).get(api(kyrgyzstan, plan)).json()["steps"] == DRAFT_STEPS[role]
    page = as_(person).get(url(kyrgyzstan, plan)).content.decode()
    assert offered(page) == set(DRAFT_STEPS[role]) & set(BUTTONS)


@pytest.mark.parametrize("status", sorted(STEPS))
def test_a_plan_offers_each_role_the_steps_of_its_state(kyrgyzstan, status):
    plan = build_plan(kyrgyzstan)["plan"]
    with network_scope(kyrgyzstan.network):
        if status in ("active", "closed"):
            services.workplan_move(workplan=plan, by=kyrgyzstan.secretariat, status="active")
        if status == "closed":
            services.workplan_move(workplan=plan, by=kyrgyzstan.secretariat, status="closed")
    for role, steps in STEPS[status].items():
        person = kyrgyzstan.people[role]
        assert as_(person).get(api(kyrgyzstan, plan)).json()["steps"] == steps, role
        page = as_(person).get(url(kyrgyzstan, plan)).content.decode()
        assert offered(page) == set(steps) & set(BUTTONS), role


def test_a_step_the_state_does_not_allow_is_refused_and_nothing_changes(kyrgyzstan, login):
    plan = build_plan(kyrgyzstan)["plan"]
    response = login(kyrgyzstan.secretariat).post(url(kyrgyzstan, plan, "close"), follow=True)
    assert "Only an active workplan can be closed." in response.content.decode()
    assert state(kyrgyzstan, plan)[0].status == "endorsed"


# The API ------------------------------------------------------------------------------------


def test_a_co_chair_endorses_through_the_api_with_the_hash_they_read(kyrgyzstan, mongolia):
    every_co_chair_endorses_workplans(kyrgyzstan)
    plan = draft_plan(kyrgyzstan)
    first = as_(kyrgyzstan.co_chair)
    read = first.get(api(kyrgyzstan, plan)).json()
    assert read["endorsement"] == {
        "rule": "all_co_chairs",
        "complete": False,
        "signed": [],
        "awaited": ["Co Chair of Kyrgyzstan", "Co Chair2 of Kyrgyzstan"],
    }
    body = {"content_sha256": read["content_sha256"]}

    def post(client, data):
        return client.post(api(kyrgyzstan, plan, "endorse/"), data, content_type="application/json")

    assert post(as_(kyrgyzstan.secretariat), body).status_code == 403
    assert post(as_(mongolia.co_chair), body).status_code == 404
    missing = post(first, {})
    assert missing.status_code == 400 and "content_sha256" in missing.json()["error"]["fields"]
    stale = post(first, {"content_sha256": "0" * 64})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"
    assert "changed since you opened it" in stale.json()["error"]["message"]
    assert state(kyrgyzstan, plan)[1] == []

    done = post(first, body)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["endorsement"]["awaited"]) == (
        "draft",
        ["Co Chair2 of Kyrgyzstan"],
    )
    assert [e["co_chair"] for e in done.json()["endorsements"]] == [kyrgyzstan.co_chair.email]
    twice = post(first, body)
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already_signed")

    last = post(as_(kyrgyzstan.co_chair2), body)
    assert last.status_code == 200
    assert (last.json()["status"], last.json()["endorsement"], last.json()["steps"]) == (
        "endorsed",
        None,
        ["change_activity", "report"],
    )
    assert {e["content_sha256"] for e in last.json()["endorsements"]} == {body["content_sha256"]}
    again = post(as_(kyrgyzstan.co_chair2), body)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "wrong_state")
    assert state(kyrgyzstan, plan)[0].status == "endorsed"


def test_a_plan_without_activities_is_not_endorsed_through_the_api(kyrgyzstan):
    with network_scope(kyrgyzstan.network):
        plan = services.workplan_create(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="E",
            start_year=2027,
            years=1,
        )
        seen = services.workplan_content_sha256(plan)
    response = as_(kyrgyzstan.co_chair).post(
        api(kyrgyzstan, plan, "endorse/"), {"content_sha256": seen}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "at least one activity" in str(response.json()["error"]["fields"])
    assert state(kyrgyzstan, plan)[0].status == "draft"


# Queries ------------------------------------------------------------------------------------


def test_a_co_chair_reads_a_draft_in_the_same_queries_for_5_and_300_activities(kyrgyzstan, login):
    plan = build_plan(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        WorkplanEndorsement.objects.filter(workplan=plan["plan"]).delete()
        Workplan.objects.filter(pk=plan["plan"].pk).update(status="draft", baseline=None)
    client = login(kyrgyzstan.co_chair)
    address = url(kyrgyzstan, plan["plan"])

    def count():
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert "Endorse the workplan" in response.content.decode()
        return len(queries)

    small = count()
    grow(kyrgyzstan, plan, 296)
    assert count() == small
