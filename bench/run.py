"""Benchmark the portal's pages at 4 networks (the demo) and at 100 (generated).

    .venv/bin/python bench/run.py [--runs 30] [--warmup 3] [--networks 100]

Builds a throw-away database — a SQLite file in a temporary folder, or, when DATABASE_URL is
set, a fresh database on that server which is dropped at the end — migrates it, loads the
demo, and times every registered measurement (bench/registry.py) with Django's test client:
median and 95th percentile over --runs requests after --warmup unmeasured ones, and the
number of SQL queries of one request. Then generate_scale brings the database to --networks
networks and everything is measured again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    name: str
    networks: int
    median_ms: float
    p95_ms: float
    queries: int


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per row (default 30)")
    parser.add_argument(
        "--warmup", type=int, default=3, help="unmeasured requests first (default 3)"
    )
    parser.add_argument("--networks", type=int, default=100, help="networks in the second round")
    parser.add_argument(
        "--no-mail",
        action="store_true",
        help="skip the mail queue rows (1,000 recipients through a real worker)",
    )
    args = parser.parse_args(argv)
    if args.runs < 2 or args.warmup < 0 or args.networks < 5:
        parser.error("--runs must be at least 2, --warmup at least 0, --networks at least 5")
    return args


def prepare_environment(scratch: Path) -> str | None:
    """Point the settings at throw-away places; returns the DATABASE_URL given, if any."""
    external = os.environ.get("DATABASE_URL") or None
    if external is None:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["PORTAL_VAR_DIR"] = str(scratch)
    os.environ["PORTAL_DEMO"] = "1"
    # Timings as in production: no SQL logging, no debug pages.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    return external


def create_database(external: str | None) -> tuple[str, object]:
    """Migrate the throw-away database; returns its description and a clean-up function."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if external is None:
        call_command("migrate", verbosity=0)
        name = settings.DATABASES["default"]["NAME"]
        return f"SQLite, throw-away file {name}", lambda: None

    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"portal_bench_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    vendor = connection.display_name
    host = connection.settings_dict.get("HOST") or "localhost"
    description = (
        f"{vendor} from DATABASE_URL: throw-away database {test_name} on {host}, dropped at the end"
    )
    return description, lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def percentile_95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def measure(measurements, networks: int, runs: int, warmup: int) -> list[Row]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    for item in measurements:
        client = Client()
        client.force_login(get_user_model().objects.get(email=item.user))

        def once(item=item, client=client):
            response = item.request(client)
            if response.status_code != item.expected_status:
                raise SystemExit(
                    f"{item.name}: expected HTTP {item.expected_status}, got {response.status_code}"
                )

        for _ in range(warmup if item.runs is None else 0):
            once()
        samples = []
        for _ in range(runs if item.runs is None else min(runs, item.runs)):
            started = time.perf_counter()
            once()
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            once()
        rows.append(
            Row(
                item.name,
                networks,
                statistics.median(samples),
                percentile_95(samples),
                len(queries),
            )
        )
    return rows


def table(rows: list[Row]) -> str:
    width = max(len("name"), *(len(row.name) for row in rows))
    lines = [
        f"| {'name':<{width}} | networks | median ms | p95 ms | queries |",
        f"|{'-' * (width + 2)}|---------:|----------:|-------:|--------:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name:<{width}} | {row.networks:>8} | {row.median_ms:>9.1f} "
            f"| {row.p95_ms:>6.1f} | {row.queries:>7} |"
        )
    return "\n".join(lines)


def query_growth(rows: list[Row]) -> list[str]:
    """Rows whose query count changes with the number of networks (an N+1 somewhere)."""
    by_name: dict[str, set[int]] = {}
    for row in rows:
        by_name.setdefault(row.name, set()).add(row.queries)
    return [name for name, counts in by_name.items() if len(counts) > 1]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    started = time.monotonic()
    cleanup = None
    try:
        external = prepare_environment(scratch)
        import django

        # WhiteNoise warns that collectstatic has not run; irrelevant to these timings.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        django.setup()
        from django.core.management import call_command

        from bench.registry import discover
        from networks.models import Network

        measurements = discover()
        description, cleanup = create_database(external)
        print(f"Network Portal benchmark, {date.today().isoformat()}")
        print(f"database: {description}")
        print(
            f"each row: median and p95 of {args.runs} requests after {args.warmup} warm-up; "
            "queries of one request"
        )

        call_command("load_demo", verbosity=0)
        rows = measure(measurements, Network.objects.count(), args.runs, args.warmup)
        call_command(
            "generate_scale",
            networks=args.networks,
            years=5,
            documents=10_000,
            activities=300,
            verbosity=0,
        )
        rows += measure(measurements, Network.objects.count(), args.runs, args.warmup)

        print()
        print(table(rows))
        print()
        grown = query_growth(rows)
        if grown:
            print("Query count grows with the number of networks: " + ", ".join(grown))
        missed = []
        if not args.no_mail:
            from bench import circulation

            description, mail_rows = circulation.run(scratch)
            print(description)
            print()
            print(circulation.table(mail_rows))
            print()
            missed = [row.name for row in mail_rows if not row.met]
            if missed:
                print("Mail queue targets missed: " + ", ".join(missed))
        print(f"finished in {time.monotonic() - started:.0f} s")
        return 1 if grown or missed else 0
    finally:
        if cleanup is not None:
            cleanup()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
