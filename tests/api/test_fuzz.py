"""The schema fuzzed: schemathesis sends every operation of the portal's own schema — and
every method a path does not list — to the app in-process (WSGI), as the victim network's
secretariat with a read and write token, with the path's ids those of real objects. No
answer is a 5xx, every status is one the operation documents, every body matches its
documented schema, and a method a path lacks is a 405 with an `Allow` header.

Deterministic: the same cases every run (derandomized, a fixed seed), a few per operation,
so CI sees the same cases whatever the machine."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import CHECKS
from schemathesis.core.parameters import ParameterLocation

from accounts.models import AccessToken
from tests.api.helpers import bearer
from tests.api.routes import api_routes, schema_path
from tests.test_isolation import fill

# Kept small: 2 cores shared with other engineers, and CI runs it on every merge.
EXAMPLES_PER_OPERATION = 4
SEED = 17

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
ROUTES = {schema_path(route): route for route in api_routes()}

schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = WSGIHandler()
schema.config.seed = SEED
schema.config.generation.update(max_examples=EXAMPLES_PER_OPERATION, deterministic=True)
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])

# Every check schemathesis has, but those that judge a product decision rather than the
# schema's truth: a 4xx for a body the schema allows (it cannot know the records' state:
# "no such page", "already ended"), and auth the fuzzer cannot stand in for.
EXCLUDED = {"positive_data_acceptance", "ignored_auth", "missing_required_header"}
CHECKED = [check for check in CHECKS.get_all() if check.__name__ not in EXCLUDED]


def sends_an_empty_part(case) -> bool:
    if not (case.media_type or "").startswith("multipart/") or not isinstance(case.body, dict):
        return False
    values = [
        v for value in case.body.values() for v in (value if isinstance(value, list) else [value])
    ]
    return any(v in ("", b"") for v in values)


@pytest.fixture
def in_process_requests():
    """Django's test client does this too: a request's end must not close the connection
    that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def secretariat_token(victim):
    return bearer(victim.secretariat, scope=AccessToken.Scope.READ_WRITE)["HTTP_AUTHORIZATION"]


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
    print_blob=False,
)
def test_every_operation_keeps_its_schema(case, victim, secretariat_token, in_process_requests):
    negative = case.meta.is_negative_at if case.meta else (lambda location: False)
    if negative(ParameterLocation.BODY) and sends_an_empty_part(case):
        # Werkzeug's test client writes an empty multipart value without its line end, so
        # Django never sees it: the invalid value cannot reach the app in-process. (The
        # empty value is refused when it does arrive: tests/api/test_documents.py.)
        return
    if not negative(ParameterLocation.PATH):
        # Real objects of the network, so the request gets past the 404 to the real work.
        route = ROUTES[case.path]
        real = {("id" if key == "pk" else key): value for key, value in fill(route, victim).items()}
        case.path_parameters = {**(case.path_parameters or {}), **real}
    headers = {}
    if not (negative(ParameterLocation.HEADER) and "Authorization" in (case.headers or {})):
        headers["Authorization"] = secretariat_token
    case.call_and_validate(headers=headers, checks=CHECKED)
