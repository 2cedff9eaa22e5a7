"""Every API route, filled with real objects of a network by the isolation walker
(tests/test_isolation.py), so a route added later is covered here without a change."""

from __future__ import annotations

import re

from django.urls import get_resolver, reverse

from tests.test_isolation import MISSING_SLUG, Route, fill, walk

# Served for people reading about the API, not part of it.
NOT_RESOURCES = {"api-schema", "api-docs"}


def api_routes() -> list[Route]:
    routes = [
        route
        for route in walk(get_resolver().url_patterns)
        if route.route.startswith("api/") and route.name and route.name not in NOT_RESOURCES
    ]
    assert any("network" in r.kwargs for r in routes) and any(
        "network" not in r.kwargs for r in routes
    ), routes
    return routes


def network_routes() -> list[Route]:
    return [route for route in api_routes() if "network" in route.kwargs]


def schema_path(route: Route) -> str:
    """api/v1/networks/<slug:network>/members/<id:pk>/ → /api/v1/networks/{network}/members/{id}/"""

    def name(match: re.Match) -> str:
        parameter = match.group(2)
        return "{id}" if parameter == "pk" else "{" + parameter + "}"

    return "/" + re.sub(r"<(\w+:)?(\w+)>", name, route.route)


def url(route: Route, victim) -> str:
    return reverse(route.name, kwargs=fill(route, victim))


def missing_url(route: Route, victim) -> str:
    return reverse(route.name, kwargs={**fill(route, victim), "network": MISSING_SLUG})
