"""Load the reference data the portal ships: the 23 GCM objectives and 10 guiding principles
(A/RES/73/195, paras 16 and 15) and the 169 SDG targets (A/RES/71/313), in English and
Russian, from the CSV files in reference/data/ (their sources are in reference/data/README.md).

Rows are matched on their natural key (objective number, principle letter, target code), so
running the forward step twice changes nothing. Reversing removes exactly the rows this
migration loads. A later correction to the data is a new migration, not an edit of this one.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_key(rows: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {row[key]: row for row in rows}


def load(apps, schema_editor):
    GCMObjective = apps.get_model("reference", "GCMObjective")
    GuidingPrinciple = apps.get_model("reference", "GuidingPrinciple")
    SDGTarget = apps.get_model("reference", "SDGTarget")

    russian = by_key(read("gcm_objectives_ru.csv"), "number")
    for row in read("gcm_objectives.csv"):
        ru = russian[row["number"]]
        GCMObjective.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "short_label": row["short_label"],
                "short_label_ru": ru["short_label_ru"],
                "title": row["title"],
                "title_ru": ru["title_ru"],
            },
        )

    russian = by_key(read("gcm_guiding_principles_ru.csv"), "letter")
    for row in read("gcm_guiding_principles.csv"):
        GuidingPrinciple.objects.update_or_create(
            letter=row["letter"],
            defaults={"name": row["name"], "name_ru": russian[row["letter"]]["name_ru"]},
        )

    for row in read("sdg_targets.csv"):
        SDGTarget.objects.update_or_create(
            code=row["code"],
            defaults={
                "goal": int(row["goal"]),
                "position": int(row["position"]),
                "title": row["title"],
                "title_ru": row["title_ru"],
            },
        )


def unload(apps, schema_editor):
    apps.get_model("reference", "GCMObjective").objects.filter(
        number__in=[int(row["number"]) for row in read("gcm_objectives.csv")]
    ).delete()
    apps.get_model("reference", "GuidingPrinciple").objects.filter(
        letter__in=[row["letter"] for row in read("gcm_guiding_principles.csv")]
    ).delete()
    apps.get_model("reference", "SDGTarget").objects.filter(
        code__in=[row["code"] for row in read("sdg_targets.csv")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
