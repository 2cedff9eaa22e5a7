"""The clock itself (portal/clock.py): a network names its local time (from its zone's city
unless it says otherwise: Kosovo's zone is Europe/Belgrade and it reads "Pristina time"),
every time carries that name and the offset in force at that moment, in the reader's
language; a request enters the network's clock and leaves none behind; nothing else sets
the time zone by hand."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import import_module
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation

from networks.models import Network
from networks.scoping import network_entered, scopes_disabled
from portal import clock
from tests.factories import build_network

KOSOVO = Network(time_zone="Europe/Belgrade", time_zone_name="Pristina time")
BISHKEK = Network(time_zone="Asia/Bishkek")


def test_a_network_without_a_name_for_its_time_reads_its_zones_city():
    noon = datetime(2026, 7, 14, 4, 0, tzinfo=UTC)
    assert clock.zone_label(BISHKEK, at=noon) == "Bishkek time (UTC+6)"
    assert clock.zone_label(Network(time_zone="Asia/Kathmandu"), at=noon) == (
        "Kathmandu time (UTC+5:45)"
    )
    bogota = Network(time_zone="America/Bogota")
    assert clock.zone_label(bogota, at=noon) == "Bogota time (UTC-5)"
    assert clock.zone_label(Network(time_zone="UTC"), at=noon) == "UTC"


def test_kosovo_reads_pristina_time_utc_plus_1_in_winter_and_utc_plus_2_in_summer():
    winter = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # the day before the clocks change
    summer = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    assert clock.zone_label(KOSOVO, at=winter) == "Pristina time (UTC+1)"
    assert clock.zone_label(KOSOVO, at=summer) == "Pristina time (UTC+2)"
    with clock.network_time(KOSOVO):
        assert clock.when(winter) == "Saturday 28 March 2026, 13:00 (Pristina time, UTC+1)"
        assert clock.when(summer, "short") == "2026-03-29 14:00 (Pristina time, UTC+2)"
        assert clock.iso(summer) == "2026-03-29T14:00:00+02:00"
        assert "Belgrade" not in clock.when(winter) + clock.zone_name()


def test_times_read_in_russian_name_the_city_as_russian_does():
    moment = datetime(2026, 7, 14, 4, 0, tzinfo=UTC)
    with translation.override("ru"), clock.network_time(BISHKEK):
        assert clock.when(moment) == "Вторник, 14 июля 2026, 10:00 (время Бишкека, UTC+6)"
        assert clock.zone_label() == "время Бишкека (UTC+6)"
    with translation.override("ru"), clock.network_time(KOSOVO):
        assert clock.zone_name() == "время Приштины"


def test_a_page_enters_the_networks_clock_and_the_request_leaves_none_behind(
    kyrgyzstan, login, monkeypatch
):
    seen = {}
    from networks import views

    original = views.NetworkHomeView.get_context_data

    def spy(self, **kwargs):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["name"] = clock.current().name
        return original(self, **kwargs)

    monkeypatch.setattr(views.NetworkHomeView, "get_context_data", spy)
    assert login(kyrgyzstan.member).get("/n/kyrgyzstan/").status_code == 200
    assert seen == {"zone": "Asia/Bishkek", "name": "Bishkek time"}
    # The next request of this thread, whichever network it serves, starts on UTC.
    assert timezone.get_current_timezone_name() == "UTC"
    assert clock.current().name == "UTC"


def test_a_task_enters_the_networks_rows_and_clock_together(kyrgyzstan):
    with network_entered(kyrgyzstan.network.pk):
        assert timezone.get_current_timezone_name() == "Asia/Bishkek"
        assert clock.when(datetime(2026, 7, 14, 4, 0, tzinfo=UTC), "time") == (
            "10:00 (Bishkek time, UTC+6)"
        )
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_api_names_the_networks_time(kyrgyzstan, login):
    body = login(kyrgyzstan.member).get("/api/v1/networks/kyrgyzstan/").json()
    assert (body["time_zone"], body["time_zone_name"]) == ("Asia/Bishkek", "Bishkek time")


def test_no_view_service_or_task_sets_the_time_zone_by_hand():
    """The clock is entered in one place for requests and one helper for everything else;
    a `timezone.override` or a `{% timezone %}` elsewhere is a second clock."""
    base = Path(settings.BASE_DIR)
    ours = [Path(app.path) for app in apps.get_app_configs() if app.path.startswith(str(base))]
    ours = [path for path in ours if ".venv" not in path.parts]
    found = []
    for folder in [*ours, base / "templates", base / "portal"]:
        for path in folder.rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or path == base / "portal/clock.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"timezone\.(override|activate)\(|\{%\s*timezone\s", text):
                found.append(str(path.relative_to(base)))
    assert not found, f"set the time zone through portal.clock instead: {sorted(found)}"


def test_the_migration_names_kosovos_time_pristina_time(empty_database):
    with scopes_disabled():
        kosovo = build_network("kosovo", code="KOS", time_zone="Europe/Belgrade")
        serbia = build_network("serbia", code="SRB", time_zone="Europe/Belgrade")
    Network.objects.filter(pk=kosovo.network.pk).update(country="Kosovo")
    import_module("networks.migrations.0002_time_zone_name").name_kosovo_time(apps, None)
    names = dict(Network.objects.values_list("slug", "time_zone_name"))
    assert names == {"kosovo": "Pristina time", "serbia": ""}
    assert clock.zone_name(Network.objects.get(pk=serbia.network.pk)) == "Belgrade time"


def test_an_operator_names_a_networks_time_when_creating_it(empty_database):
    call_command(
        "create_network",
        *("--name", "UN Network on Migration in Kosovo", "--slug", "kosovo", "--code", "KOS"),
        *("--country", "Kosovo", "--time-zone", "Europe/Belgrade", "--languages", "en,sq"),
        *("--time-zone-name", "Pristina time"),
        stdout=StringIO(),
    )
    assert Network.objects.get(slug="kosovo").time_zone_name == "Pristina time"
