"""The OpenAPI schema tells the truth: it validates without warnings, it documents exactly
the API's routes, and for every operation each status it documents is produced by a real
request whose body matches the documented schema — successes and errors alike."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import timedelta

import jsonschema
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import AccessToken
from networks.scoping import network_scope
from tests.api.helpers import bearer, working_group
from tests.api.routes import api_routes, schema_path, url

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [(path, method) for path, ops in SCHEMA["paths"].items() for method in ops]
ROUTES = {schema_path(route): route for route in api_routes()}


def strict(node):
    """The schema as JSON Schema: OpenAPI 3.0's `nullable` as a union with null, and no
    properties beyond the documented ones (so nothing undocumented slips into a body)."""
    if isinstance(node, dict):
        node = {key: strict(value) for key, value in node.items()}
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        if node.pop("nullable", False):
            return {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [strict(value) for value in node]
    return node


def check(schema: dict, path: str, method: str, status: int, body) -> None:
    """Validate a response body against what `schema` documents for that status. Other
    apps' API tests use this too (tests/circulation/test_api.py)."""
    responses = schema["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not document {status}"
    documented = responses[str(status)]["content"]["application/json"]["schema"]
    document = strict({**copy.deepcopy(documented), "components": schema["components"]})
    jsonschema.validate(body, document)


def check_response(path: str, method: str, status: int, response) -> None:
    assert response.status_code == status, (method, path, response.content[:500])
    documented = SCHEMA["paths"][path]["get" if method == "head" else method]["responses"]
    binary = [t for t in documented[str(status)].get("content", {}) if t != "application/json"]
    if binary:
        # A file (a document's download): one of the documented types, streamed.
        assert response["Content-Type"] in binary, response["Content-Type"]
        if method == "get":
            assert b"".join(response.streaming_content)
        return
    assert response["Content-Type"].startswith("application/json")
    if method == "head":
        # GET's statuses and headers, no body (networks.api.schema.document_head).
        assert str(status) in SCHEMA["paths"][path]["head"]["responses"]
        assert response.content == b""
        return
    check(SCHEMA, path, method, status, response.json())


def test_the_schema_validates_without_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            "/dev/null",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_schema_documents_exactly_the_api_routes():
    assert set(SCHEMA["paths"]) == set(ROUTES)


def test_operation_ids_are_unique():
    ids = [SCHEMA["paths"][path][method]["operationId"] for path, method in OPERATIONS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path, method", OPERATIONS, ids=lambda value: str(value))
def test_every_operation_documents_the_errors_it_can_return(path, method):
    statuses = set(SCHEMA["paths"][path][method]["responses"])
    assert {"401", "403"} <= statuses
    if "{network}" in path:
        assert "404" in statuses
    if method in ("post", "put", "patch"):
        assert {"400", "415"} <= statuses
    if method == "head":
        get = SCHEMA["paths"][path]["get"]["responses"]
        assert statuses == set(get)
        assert not any(
            "content" in response
            for response in SCHEMA["paths"][path][method]["responses"].values()
        )
        return
    for status in statuses - {"200", "201"}:
        schema = SCHEMA["paths"][path][method]["responses"][status]["content"]
        assert schema["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_schema_is_served_to_anyone_as_yaml_or_json(db):
    client = Client()
    assert client.get("/api/v1/schema/").status_code == 200
    served = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)
    assert set(served["paths"]) == set(SCHEMA["paths"])


# How to make each operation succeed (writes need a body) and answer 409.
def invitation(net) -> dict:
    return {
        "email": "new@unhcr.test",
        "organisation": net.organisations["UNHCR"].pk,
        "role": "member",
    }


def quarterly_update(net) -> dict:
    from workplans.selectors import reporting_quarter

    return {
        "quarter": reporting_quarter(net.network),
        "status": "on_track",
        "narrative": "Two trainings held.",
        "spent_to_date": "1200.50",
    }


def closed_plan_update(net) -> dict:
    """Closing the activity's workplan: it takes no more updates."""
    from networks.scoping import network_scope
    from workplans import services
    from workplans.models import Workplan

    with network_scope(net.network):
        for plan in Workplan.objects.filter(status=Workplan.Status.ENDORSED):
            services.workplan_move(workplan=plan, by=net.secretariat, status="active")
            services.workplan_move(workplan=plan, by=net.secretariat, status="closed")
    return quarterly_update(net)


def the_plan_as_a_draft(net) -> None:
    """The walker's workplan is endorsed; for its endorsement it is a draft again, as if
    the co-chairs had not endorsed it yet."""
    from workplans.models import Workplan, WorkplanEndorsement

    with network_scope(net.network):
        plan = Workplan.objects.get(title="Workplan of the network")
        WorkplanEndorsement.objects.filter(workplan=plan).delete()
        Workplan.objects.filter(pk=plan.pk).update(
            status=Workplan.Status.DRAFT, endorsed_by=None, endorsed_at=None, baseline=None
        )


def endorsement(net) -> dict:
    """The SHA-256 of the walker's workplan as a co-chair reads it."""
    from workplans import services
    from workplans.models import Workplan

    with network_scope(net.network):
        plan = Workplan.objects.get(title="Workplan of the network")
        return {"content_sha256": services.workplan_content_sha256(plan)}


def later(days: int = 3) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def the_statement(net):
    from decisions.models import JointStatement

    with network_scope(net.network):
        return JointStatement.objects.order_by("pk").first()  # the walker's


def the_procedure(net):
    from decisions.models import Procedure

    with network_scope(net.network):
        return Procedure.objects.get(decision__title="Data sharing protocol")


def statement_returned(net) -> None:
    from decisions import services

    with network_scope(net.network):
        services.statement_return(statement=the_statement(net), by=net.co_chair, note="Shorter.")


def statement_cleared(net) -> None:
    from decisions import services
    from decisions.models import StatementVersion

    statement = the_statement(net)
    with network_scope(net.network):
        version = StatementVersion.objects.get(statement=statement)
        for key in ("co_chair", "co_chair2"):
            services.statement_clear(
                statement=statement, by=net.people[key], content_sha256=version.content_sha256
            )


def statement_issued(net) -> None:
    from decisions import services

    statement_cleared(net)
    with network_scope(net.network):
        services.statement_issue(statement=the_statement(net), by=net.secretariat)


def procedure_closed(net) -> None:
    from decisions.models import Procedure
    from decisions.tasks import close_due_procedures

    with network_scope(net.network):
        Procedure.objects.filter(pk=the_procedure(net).pk).update(
            deadline=timezone.now() - timedelta(seconds=1)
        )
    close_due_procedures()


def clearance(net) -> dict:
    from decisions.models import StatementVersion

    with network_scope(net.network):
        version = StatementVersion.objects.get(statement=the_statement(net))
    return {"content_sha256": version.content_sha256}


def closing(body):
    """The procedure's deadline passes, then `body` is sent again: a 409."""

    def conflict(net):
        procedure_closed(net)
        return body(net)

    return conflict


def then(prepare, body):
    def conflict(net):
        prepare(net)
        return body(net)

    return conflict


def submit_it(net) -> None:
    from decisions import services

    with network_scope(net.network):
        services.statement_submit(statement=the_statement(net), by=net.secretariat)


def a_pdf(name: str = "study.pdf", text: str = "Labour migration study"):
    from tests.documents.files import pdf, upload

    return upload(name, pdf(text))


# Routes whose body is multipart/form-data (a file), not JSON.
MULTIPART = {"api:document-list", "api:document-version-list"}

SUCCESS_BODIES = {
    "api:document-list": lambda net: {
        "title": "Returns study",
        "category": "study",
        "file": a_pdf(),
        "gcm_objectives": [2, 7],
    },
    "api:document-version-list": lambda net: {"file": a_pdf("study-v2.pdf", "Second")},
    "api:document-confidentiality": lambda net: {
        "confidentiality": "restricted",
        "reason": "Names of returnees",
        "organisations": [net.organisations["IOM"].pk],
        "people": [net.people["member"].email],
    },
    "api:invitation-create": invitation,
    "api:member-end": lambda net: {"reason": "Moved to another agency"},
    "api:activity-update-create": quarterly_update,
    "api:workplan-endorse": endorsement,
    "api:decision-list": lambda net: {"title": "Statement on returns", "text": "The network…"},
    "api:procedure-open": lambda net: {"kind": "silence", "deadline": later()},
    "api:position-record": lambda net: {
        "organisation": net.organisations["IOM"].pk,
        "stance": "object",
        "reason": "Too vague.",
    },
    "api:procedure-extend": lambda net: {"deadline": later(10), "reason": "Holidays"},
    "api:procedure-outcome": lambda net: {"outcome": "no_consensus", "statement": "Next time."},
    "api:action-point-list": lambda net: {
        "text": "Share the study",
        "owner_organisation": net.organisations["UNDP"].pk,
        "due_date": "2027-01-31",
    },
    "api:action-note-create": lambda net: {"status": "in_progress", "progress": 40, "note": "x"},
    "api:statement-list": lambda net: {"title": "On returns", "text": "We stand together."},
    "api:statement-detail": lambda net: {"title": "On returns", "text": "We stand as one."},
    "api:statement-submit": lambda net: {},
    "api:statement-clear": clearance,
    "api:statement-return": lambda net: {"note": "Shorter, please."},
    "api:statement-silence": lambda net: {"deadline": later()},
    "api:statement-issue": lambda net: {},
    "api:statement-publish": lambda net: {"agreement": "Co-chairs' act of 3 May"},
    "api:statement-revise": lambda net: {"reason": "A figure was wrong."},
}
# Who succeeds (the secretariat unless named) and what must happen first.
CALLERS = {
    "api:workplan-endorse": "co_chair",
    "api:procedure-extend": "co_chair",
    "api:procedure-outcome": "co_chair",
    "api:statement-clear": "co_chair",
    "api:statement-return": "co_chair",
    "api:statement-publish": "co_chair",
}
PREPARE = {
    "api:workplan-endorse": the_plan_as_a_draft,
    "api:procedure-outcome": procedure_closed,
    "api:statement-detail": statement_returned,
    "api:statement-submit": statement_returned,
    "api:statement-silence": statement_cleared,
    "api:statement-issue": statement_cleared,
    "api:statement-publish": statement_issued,
    "api:statement-revise": statement_cleared,
}
CONFLICTS = {
    # Ending it a second time (the success check ended it first).
    "api:member-end": lambda net: {},
    "api:activity-update-create": closed_plan_update,
    # Endorsing it again: it is no longer a draft.
    "api:workplan-endorse": endorsement,
    # The decision is no longer a draft.
    "api:procedure-open": SUCCESS_BODIES["api:procedure-open"],
    "api:position-record": closing(SUCCESS_BODIES["api:position-record"]),
    "api:procedure-extend": closing(SUCCESS_BODIES["api:procedure-extend"]),
    # Recording it twice.
    "api:procedure-outcome": SUCCESS_BODIES["api:procedure-outcome"],
    # Editing a statement no longer a draft.
    "api:statement-detail": then(submit_it, SUCCESS_BODIES["api:statement-detail"]),
    # Each step a second time: the statement is no longer in the state it needs.
    "api:statement-submit": SUCCESS_BODIES["api:statement-submit"],
    "api:statement-clear": clearance,
    "api:statement-return": SUCCESS_BODIES["api:statement-return"],
    "api:statement-silence": SUCCESS_BODIES["api:statement-silence"],
    "api:statement-issue": SUCCESS_BODIES["api:statement-issue"],
    "api:statement-publish": SUCCESS_BODIES["api:statement-publish"],
    "api:statement-revise": SUCCESS_BODIES["api:statement-revise"],
}


def test_every_route_that_can_conflict_documents_409():
    for path, route in ROUTES.items():
        if route.name in CONFLICTS:
            writes = [m for m in ("post", "put") if m in SCHEMA["paths"][path]]
            assert all("409" in SCHEMA["paths"][path][m]["responses"] for m in writes), path


def is_page(path: str, method: str) -> bool:
    method = "get" if method == "head" else method
    success = SCHEMA["paths"][path][method]["responses"].get("200", {})
    reference = success.get("content", {}).get("application/json", {}).get("schema", {})
    return reference.get("$ref", "").startswith("#/components/schemas/Paginated")


@pytest.mark.parametrize("path, method", OPERATIONS, ids=lambda value: str(value))
def test_every_documented_status_is_real_and_its_body_matches(
    path, method, victim, mongolia, settings
):
    route = ROUTES[path]
    address = url(route, victim)

    def request(client, body=None, content_type="application/json", **extra):
        call = getattr(client, method)
        if method in ("get", "head"):
            return call(address, body or {}, **extra)
        if route.name in MULTIPART and isinstance(body, dict):
            return call(address, body, **extra)  # the test client's multipart
        return call(address, body, content_type=content_type, **extra)

    # Something in every list, so the items are checked too: the walker's builders make
    # one object of each kind the routes name (a working group, a mailing, …).
    for other in ROUTES.values():
        url(other, victim)
    working_group(victim, "Data", members=[victim.partner])

    # A fresh client for each caller, so that no session carries over.
    secretariat = Client()
    secretariat.force_login(victim.secretariat)
    # The one who may take the step (a co-chair for theirs), after what must come first.
    caller = secretariat
    if method not in ("get", "head"):
        caller = Client()
        caller.force_login(victim.people[CALLERS.get(route.name, "secretariat")])
        if route.name in PREPARE:
            PREPARE[route.name](victim)
    outsider = Client()
    outsider.force_login(mongolia.secretariat)

    # Successes first: a 409 needs the state the success left behind.
    for status in sorted(int(s) for s in SCHEMA["paths"][path][method]["responses"]):
        if status in (200, 201):
            body = None
            if method not in ("get", "head"):
                if route.name not in SUCCESS_BODIES:
                    pytest.fail(f"Add a request body for {route.name} to SUCCESS_BODIES.")
                body = SUCCESS_BODIES[route.name](victim)
            response = request(caller, body)
            check_response(path, method, status, response)
            if is_page(path, method) and method == "get":
                assert response.json()["results"], f"{path}: nothing listed, nothing checked"
        elif status == 400:
            bad = {"page": "abc"} if method in ("get", "head") else []
            if route.name in MULTIPART and method == "post":
                bad = {"title": "No file"}
            check_response(path, method, 400, request(caller, bad))
        elif status == 401:
            check_response(path, method, 401, request(Client()))
            check_response(
                path, method, 401, request(Client(), HTTP_AUTHORIZATION="Bearer np_nope")
            )
        elif status == 403:
            # Any caller can meet a 403: a role that needs a second factor without one, by
            # session or by token; and on writes, a read-only token.
            settings.PORTAL_REQUIRE_MFA = True
            check_response(path, method, 403, request(secretariat))
            token = bearer(victim.secretariat, scope=AccessToken.Scope.READ_WRITE)
            check_response(path, method, 403, request(Client(), **token))
            settings.PORTAL_REQUIRE_MFA = False
            if method not in ("get", "head"):
                check_response(
                    path, method, 403, request(Client(), {}, **bearer(victim.secretariat))
                )
        elif status == 404:
            if "{network}" in path:
                check_response(path, method, 404, request(outsider))
            if is_page(path, method):
                check_response(path, method, 404, request(secretariat, {"page": "9999"}))
        elif status == 409:
            if route.name not in CONFLICTS:
                pytest.fail(f"Add a way to cause the 409 of {route.name} to CONFLICTS.")
            check_response(path, method, 409, request(caller, CONFLICTS[route.name](victim)))
        elif status == 415:
            check_response(path, method, 415, request(caller, "x=1", content_type="text/plain"))
        else:
            pytest.fail(f"No way to produce {status} for {method.upper()} {path}; add one here.")
