"""The decisions API reads and writes the register, procedures, action points and joint
statements with the pages' permissions and the services' rules."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from decisions.models import Position, Procedure
from decisions.tasks import close_due_procedures
from networks.scoping import network_scope
from tests.decisions.test_procedures import (
    answer,
    draft,
    open_procedure,
    pass_deadline,
    refreshed,
)

BASE = "/api/v1/networks/kyrgyzstan/decisions/"


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_register_and_a_decision_with_its_positions(kyrgyzstan):
    decision = draft(kyrgyzstan, title="Joint statement")
    draft(kyrgyzstan, title="State matter", concerns_state=True)
    procedure = open_procedure(kyrgyzstan, decision)
    answer(kyrgyzstan, procedure, "member_unhcr", "UNHCR", "object", "Too vague.")
    member = as_(kyrgyzstan.member)
    titles = {d["title"] for d in member.get(BASE).json()["results"]}
    assert titles == {"Joint statement", "State matter"}
    detail = member.get(f"{BASE}{decision.pk}/").json()
    [position] = detail["procedures"][0]["positions"]
    assert position["stance"] == "object" and position["reason"] == "Too vague."
    assert "UNHCR" in position["organisation"]
    partner = as_(kyrgyzstan.partner)
    assert {d["title"] for d in partner.get(BASE).json()["results"]} == {"State matter"}
    assert partner.get(f"{BASE}{decision.pk}/").status_code == 404
    for method in ("post", "put", "patch", "delete"):
        response = getattr(member, method)(
            f"{BASE}{decision.pk}/", {}, content_type="application/json"
        )
        assert response.status_code == 405


# Writes: the pages' permissions, the services' rules, and the error each refusal deserves.

KG = "/api/v1/networks/kyrgyzstan"


def post(user, path, body):
    return as_(user).post(f"{KG}{path}", body, content_type="application/json")


def later(**delta) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


def test_drafting_a_decision_and_opening_its_procedure(kyrgyzstan):
    body = {"title": "Statement on returns", "text": "The network…", "gcm_objectives": [21]}
    assert post(kyrgyzstan.member, "/decisions/", body).status_code == 403
    created = post(kyrgyzstan.secretariat, "/decisions/", body)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    decision_id = created.json()["id"]
    past = post(
        kyrgyzstan.co_chair,
        f"/decisions/{decision_id}/procedures/",
        {"kind": "silence", "deadline": later(hours=-1)},
    )
    assert past.status_code == 400
    assert past.json()["error"]["fields"] == {"deadline": ["Give a deadline in the future."]}
    opened = post(
        kyrgyzstan.co_chair,
        f"/decisions/{decision_id}/procedures/",
        {"kind": "silence", "deadline": later(days=2)},
    )
    assert opened.status_code == 201 and opened.json()["decision"] == decision_id
    again = post(
        kyrgyzstan.co_chair,
        f"/decisions/{decision_id}/procedures/",
        {"kind": "consultation", "deadline": later(days=2)},
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"] == (
        "Only a draft decision can be put to a written procedure."
    )


class TestPositionsThroughTheAPI:
    def setup(self, net):
        self.procedure = open_procedure(net, draft(net))
        self.url = f"/procedures/{self.procedure.pk}/positions/"

    def positions(self, net):
        with network_scope(net.network):
            return list(Position.objects.filter(procedure=self.procedure))

    def test_an_objection_without_a_reason_is_a_400_and_changes_nothing(self, kyrgyzstan):
        self.setup(kyrgyzstan)
        undp = kyrgyzstan.organisations["UNDP"].pk
        response = post(kyrgyzstan.member, self.url, {"organisation": undp, "stance": "object"})
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "reason": ["Give the reason for the objection."]
        }
        assert self.positions(kyrgyzstan) == []

    def test_one_organisation_cannot_answer_for_another(self, kyrgyzstan):
        self.setup(kyrgyzstan)
        unhcr = kyrgyzstan.organisations["UNHCR"].pk
        response = post(kyrgyzstan.member, self.url, {"organisation": unhcr, "stance": "concur"})
        assert response.status_code == 403
        assert response.json()["error"]["message"] == (
            "You can only state the position of your own organisation."
        )
        assert self.positions(kyrgyzstan) == []

    def test_positions_are_per_organisation_and_a_closed_procedure_is_a_409(self, kyrgyzstan):
        self.setup(kyrgyzstan)
        iom = kyrgyzstan.organisations["IOM"].pk
        first = post(
            kyrgyzstan.secretariat,
            self.url,
            {"organisation": iom, "stance": "object", "reason": "Too vague."},
        )
        second = post(kyrgyzstan.co_chair2, self.url, {"organisation": iom, "stance": "concur"})
        assert (first.status_code, second.status_code) == (200, 200)
        [position] = self.positions(kyrgyzstan)
        assert (position.stance, position.recorded_by) == ("concur", kyrgyzstan.co_chair2)
        pass_deadline(kyrgyzstan, self.procedure)
        late = post(kyrgyzstan.secretariat, self.url, {"organisation": iom, "stance": "abstain"})
        assert late.status_code == 409
        assert late.json()["error"] == {
            "status": 409,
            "code": "wrong_state",
            "message": "This procedure is closed: the deadline has passed.",
        }
        assert [p.stance for p in self.positions(kyrgyzstan)] == ["concur"]

    def test_the_co_chairs_extend_and_record_the_outcome_once(self, kyrgyzstan):
        self.setup(kyrgyzstan)
        base = f"/procedures/{self.procedure.pk}"
        extension = {"deadline": later(days=5), "reason": "Holidays"}
        assert post(kyrgyzstan.member, f"{base}/extend/", extension).status_code == 403
        extended = post(kyrgyzstan.co_chair, f"{base}/extend/", extension)
        assert extended.status_code == 200
        outcome = {"outcome": "no_consensus", "statement": "To the Q4 meeting."}
        still_open = post(kyrgyzstan.co_chair, f"{base}/outcome/", outcome)
        assert still_open.status_code == 409
        pass_deadline(kyrgyzstan, self.procedure)
        close_due_procedures()
        recorded = post(kyrgyzstan.co_chair, f"{base}/outcome/", outcome)
        assert recorded.status_code == 200 and recorded.json()["outcome"] == "no_consensus"
        twice = post(kyrgyzstan.co_chair2, f"{base}/outcome/", {**outcome, "outcome": "adopted"})
        assert twice.status_code == 409
        assert refreshed(kyrgyzstan, self.procedure.decision).status == "not_adopted"

    def test_a_procedure_on_a_decision_the_partner_cannot_see_is_a_404(self, kyrgyzstan):
        self.setup(kyrgyzstan)  # the decision does not concern the state
        auth = kyrgyzstan.organisations["AUTH"].pk
        response = post(kyrgyzstan.partner, self.url, {"organisation": auth, "stance": "concur"})
        assert response.status_code == 404


def test_action_points_per_organisation_and_their_notes(kyrgyzstan):
    undp, unhcr = kyrgyzstan.organisations["UNDP"].pk, kyrgyzstan.organisations["UNHCR"].pk
    for org, text in ((undp, "Share the study"), (unhcr, "Brief the ministry")):
        body = {"text": text, "owner_organisation": org, "due_date": "2027-01-31"}
        assert post(kyrgyzstan.member, "/action-points/", body).status_code == 403
        assert post(kyrgyzstan.secretariat, "/action-points/", body).status_code == 201
    board = as_(kyrgyzstan.member).get(f"{KG}/action-points/", {"organisation": unhcr}).json()
    assert [p["text"] for p in board["results"]] == ["Brief the ministry"]
    point = board["results"][0]["id"]
    note = {"status": "in_progress", "progress": 30, "note": "Meeting set."}
    refused = post(kyrgyzstan.member, f"/action-points/{point}/notes/", note)
    assert refused.status_code == 403  # UNDP's focal point, UNHCR's action
    updated = post(kyrgyzstan.member_unhcr, f"/action-points/{point}/notes/", note)
    assert updated.status_code == 201
    assert updated.json()["progress"] == 30
    assert [n["text"] for n in updated.json()["notes"]] == ["Meeting set."]
    bad = post(kyrgyzstan.member_unhcr, f"/action-points/{point}/notes/", {**note, "progress": 101})
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["progress"]


def test_a_joint_statement_through_the_api_from_draft_to_silence_broken(kyrgyzstan):
    body = {"title": "Joint statement on International Migrants Day", "text": "We stand as one."}
    assert post(kyrgyzstan.member, "/statements/", body).status_code == 403
    statement = post(kyrgyzstan.secretariat, "/statements/", body).json()["id"]
    base = f"/statements/{statement}"
    assert post(kyrgyzstan.secretariat, f"{base}/submit/", {}).status_code == 200
    # Members do not read a statement before the co-chairs clear it.
    assert as_(kyrgyzstan.member).get(f"{KG}{base}/").status_code == 404
    detail = as_(kyrgyzstan.co_chair).get(f"{KG}{base}/").json()
    sha = detail["versions"][0]["content_sha256"]
    assert (
        post(kyrgyzstan.secretariat, f"{base}/clear/", {"content_sha256": sha}).status_code == 403
    )
    for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
        assert post(co_chair, f"{base}/clear/", {"content_sha256": sha}).status_code == 200
    opened = post(kyrgyzstan.secretariat, f"{base}/silence/", {"deadline": later(days=2)})
    assert opened.status_code == 201
    procedure = opened.json()["id"]
    unhcr = kyrgyzstan.organisations["UNHCR"].pk
    broke = post(
        kyrgyzstan.member_unhcr,
        f"/procedures/{procedure}/positions/",
        {"organisation": unhcr, "stance": "break", "reason": "Paragraph 3 is wrong."},
    )
    assert broke.status_code == 200
    with network_scope(kyrgyzstan.network):
        Procedure.objects.filter(pk=procedure).update(
            deadline=timezone.now() - timedelta(seconds=1)
        )
    close_due_procedures()
    outcome = {"outcome": "no_consensus", "statement": "To the Q4 meeting."}
    assert (
        post(kyrgyzstan.co_chair, f"/procedures/{procedure}/outcome/", outcome).status_code == 200
    )
    listed = as_(kyrgyzstan.member).get(f"{KG}/statements/").json()["results"]
    assert [(s["id"], s["status"]) for s in listed] == [(statement, "not_agreed")]
    issue = post(kyrgyzstan.secretariat, f"{base}/issue/", {})
    assert issue.status_code == 409
    assert as_(kyrgyzstan.partner).get(f"{KG}/statements/").status_code == 403


def test_procedures_and_their_positions_are_readable_by_who_sees_the_decision(kyrgyzstan):
    internal = draft(kyrgyzstan, title="Internal protocol")
    for_all = draft(kyrgyzstan, title="Statement on returns", concerns_state=True)
    hidden = open_procedure(kyrgyzstan, internal)
    shown = open_procedure(kyrgyzstan, for_all, kind="silence")
    answer(kyrgyzstan, shown, "member", "UNDP", "concur")
    api = "/api/v1/networks/kyrgyzstan/procedures/"

    listed = as_(kyrgyzstan.member).get(api).json()["results"]
    assert [p["id"] for p in listed] == [shown.pk, hidden.pk]
    assert as_(kyrgyzstan.member).get(api, {"kind": "silence"}).json()["count"] == 1
    assert as_(kyrgyzstan.member).get(api, {"open": "false"}).json()["count"] == 0
    detail = as_(kyrgyzstan.member).get(f"{api}{shown.pk}/").json()
    undp = kyrgyzstan.organisations["UNDP"].display_name
    assert [(p["organisation"], p["stance"]) for p in detail["positions"]] == [(undp, "concur")]
    positions = as_(kyrgyzstan.member).get(f"{api}{shown.pk}/positions/").json()
    assert positions["count"] == 1
    assert positions["results"][0]["recorded_by"] == kyrgyzstan.member.email

    # A partner sees procedures on decisions that concern the state only, and organisations
    # rather than the people who recorded the positions.
    partner = as_(kyrgyzstan.partner)
    assert [p["id"] for p in partner.get(api).json()["results"]] == [shown.pk]
    assert partner.get(f"{api}{hidden.pk}/").status_code == 404
    assert partner.get(f"{api}{hidden.pk}/positions/").status_code == 404
    row = partner.get(f"{api}{shown.pk}/positions/").json()["results"][0]
    assert (row["organisation"], row["recorded_by"]) == (undp, None)
