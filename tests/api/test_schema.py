"""The OpenAPI schema tells the truth: it validates, every operation documents the error
statuses it can return, and real responses — successes and errors — match the schema."""

import copy
import subprocess
import sys

import jsonschema
import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from networks.models import Membership, WorkingGroup
from networks.scoping import network_scope


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema understands it."""
    if isinstance(node, dict):
        node = {key: _openapi_to_jsonschema(value) for key, value in node.items()}
        if node.pop("nullable", False):
            return {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_openapi_to_jsonschema(value) for value in node]
    return node


def check(schema, path, method, status, body):
    operation = schema["paths"][path][method]
    assert str(status) in operation["responses"], (
        f"{method.upper()} {path} does not document {status}"
    )
    response_schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    document = _openapi_to_jsonschema(
        {**copy.deepcopy(response_schema), "components": schema["components"]}
    )
    jsonschema.validate(body, document)


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
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_operation_documents_its_errors(schema):
    ids = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ids.append(operation["operationId"])
            statuses = set(operation["responses"])
            assert {"401", "403"} <= statuses, (method, path)
            if "{network}" in path:
                assert "404" in statuses, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in statuses, (method, path)
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def test_real_responses_match_the_schema(schema, kyrgyzstan, mongolia, client):
    with network_scope(kyrgyzstan.network):
        member = Membership.objects.get(user=kyrgyzstan.member).pk
        group = WorkingGroup.objects.create(network=kyrgyzstan.network, name="Data").pk
    client.force_login(kyrgyzstan.secretariat)
    n = "/api/v1/networks/{network}"
    calls = [
        ("/api/v1/me/", "get", "/api/v1/me/", None, 200),
        ("/api/v1/networks/", "get", "/api/v1/networks/", None, 200),
        (n + "/", "get", "/api/v1/networks/kyrgyzstan/", None, 200),
        (n + "/organisations/", "get", "/api/v1/networks/kyrgyzstan/organisations/", None, 200),
        (n + "/members/", "get", "/api/v1/networks/kyrgyzstan/members/", None, 200),
        (n + "/members/{id}/", "get", f"/api/v1/networks/kyrgyzstan/members/{member}/", None, 200),
        (n + "/working-groups/", "get", "/api/v1/networks/kyrgyzstan/working-groups/", None, 200),
        (
            n + "/working-groups/{id}/",
            "get",
            f"/api/v1/networks/kyrgyzstan/working-groups/{group}/",
            None,
            200,
        ),
        (
            n + "/invitations/",
            "post",
            "/api/v1/networks/kyrgyzstan/invitations/",
            {
                "email": "a@b.test",
                "organisation": kyrgyzstan.organisations["UNDP"].pk,
                "role": "member",
            },
            201,
        ),
        (
            n + "/invitations/",
            "post",
            "/api/v1/networks/kyrgyzstan/invitations/",
            {"email": "x"},
            400,
        ),
        (
            n + "/members/{id}/end/",
            "post",
            f"/api/v1/networks/kyrgyzstan/members/{member}/end/",
            {},
            200,
        ),
        (
            n + "/members/{id}/end/",
            "post",
            f"/api/v1/networks/kyrgyzstan/members/{member}/end/",
            {},
            409,
        ),
        (n + "/members/", "get", "/api/v1/networks/mongolia/members/", None, 404),
    ]
    for template, method, url, payload, status in calls:
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, payload, content_type="application/json")
        assert response.status_code == status, (url, response.content)
        check(schema, template, method, status, response.json())

    client.force_login(kyrgyzstan.member_unhcr)  # the UNDP member's membership ended above
    forbidden = client.post(
        "/api/v1/networks/kyrgyzstan/invitations/", {}, content_type="application/json"
    )
    assert forbidden.status_code == 403
    check(schema, n + "/invitations/", "post", 403, forbidden.json())

    client.logout()
    anonymous = client.get("/api/v1/networks/kyrgyzstan/members/")
    assert anonymous.status_code == 401
    check(schema, n + "/members/", "get", 401, anonymous.json())
