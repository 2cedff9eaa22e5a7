"""What the benchmark measures: a small registry that later issues add rows to.

A module in bench/measurements/ registers its rows when imported:

    from bench.registry import page
    page("meetings list", "/n/kyrgyzstan/meetings/")

or, for anything that is not a plain GET as the Kyrgyz secretariat:

    from bench.registry import measurement

    @measurement("minutes PDF", user="cochair1@kyrgyzstan.example.org")
    def minutes_pdf(client):
        return client.get("/n/kyrgyzstan/meetings/1/minutes.pdf")

bench/run.py imports every module of bench/measurements/ and times each registered row at 4
networks (the demo) and at 100 (after generate_scale).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.test import Client

KYRGYZ_SECRETARIAT = "secretariat@kyrgyzstan.example.org"

Request = Callable[[Client], HttpResponse]


@dataclass(frozen=True)
class Measurement:
    name: str
    request: Request
    user: str = KYRGYZ_SECRETARIAT
    expected_status: int = 200
    # A row that takes seconds (building a meeting pack) is timed this many times at most,
    # without warm-up.
    runs: int | None = None


MEASUREMENTS: list[Measurement] = []


def register(item: Measurement) -> Measurement:
    if any(existing.name == item.name for existing in MEASUREMENTS):
        raise ValueError(f"A benchmark row is already called {item.name!r}.")
    MEASUREMENTS.append(item)
    return item


def page(name: str, path: str, *, user: str = KYRGYZ_SECRETARIAT, expected_status: int = 200):
    """Register a GET of `path`, signed in as `user`."""
    return register(Measurement(name, lambda client: client.get(path), user, expected_status))


def measurement(
    name: str,
    *,
    user: str = KYRGYZ_SECRETARIAT,
    expected_status: int = 200,
    runs: int | None = None,
):
    """Register a function that makes one request with the signed-in test client."""

    def decorate(request: Request) -> Request:
        register(Measurement(name, request, user, expected_status, runs))
        return request

    return decorate


def discover() -> list[Measurement]:
    """Import every module of bench.measurements (alphabetically); each registers its rows."""
    import bench.measurements as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return MEASUREMENTS
