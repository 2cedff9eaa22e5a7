"""The decisions API reads the register with the pages' permissions."""

from django.test import Client

from tests.decisions.test_procedures import answer, draft, open_procedure

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
