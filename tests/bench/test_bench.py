"""The benchmark's rows work against the demo, and their query counts do not grow with the
number of networks (the same check `make bench` makes at 4 and 100 networks)."""

import re

import pytest
from django.core.management import call_command

from bench.registry import discover
from bench.run import measure, query_growth, table

# These tests are about the platform as a whole: they start from an empty database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def test_every_registered_row_runs_and_keeps_its_query_count_as_networks_grow(settings):
    settings.PORTAL_DEMO = True
    measurements = discover()
    assert {"landing page", "network home", "meeting page", "agenda PDF"} <= {
        m.name for m in measurements
    }

    call_command("load_demo", verbosity=0)
    rows = measure(measurements, 4, runs=2, warmup=1)
    call_command("generate_scale", networks=30, years=2, verbosity=0)
    rows += measure(measurements, 30, runs=2, warmup=1)

    assert query_growth(rows) == []
    printed = table(rows)
    assert re.search(r"\| landing page +\|       30 \|", printed)
