"""The reference data every network tags its work with is there after migrating, in English
and Russian, and the data migration can be undone and redone."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from reference.models import GCMObjective, GuidingPrinciple, SDGTarget

load_migration = importlib.import_module("reference.migrations.0002_load_reference_data")

MIGRATION_TARGETS = ["10.7", "10.c", "8.7", "8.8", "5.2", "16.2", "16.9", "17.18", "4.b"]

pytestmark = pytest.mark.django_db


def test_the_23_gcm_objectives_are_numbered_1_to_23_in_both_languages():
    objectives = list(GCMObjective.objects.all())
    assert [o.number for o in objectives] == list(range(1, 24))
    for objective in objectives:
        assert objective.short_label and objective.title
        assert objective.short_label_ru and objective.title_ru
        # Russian text really is Cyrillic, not a copy of the English.
        assert any("а" <= ch.lower() <= "я" for ch in objective.title_ru)


def test_objective_titles_follow_the_resolution():
    assert GCMObjective.objects.get(number=10).title == (
        "Prevent, combat and eradicate trafficking in persons in the context of "
        "international migration"
    )
    assert GCMObjective.objects.get(number=23).short_label == "International cooperation"


def test_objective_label_is_russian_when_russian_is_active():
    objective = GCMObjective.objects.get(number=1)
    with translation.override("ru"):
        assert objective.label == "Данные"
        assert objective.full_title.startswith("Сбор и использование точных")
        assert str(objective) == "1. Данные"
    with translation.override("en"):
        assert objective.label == "Data"
        assert objective.full_title.startswith("Collect and utilize accurate")


def test_the_ten_guiding_principles_in_both_languages():
    principles = list(GuidingPrinciple.objects.all())
    assert [p.letter for p in principles] == list("abcdefghij")
    assert principles[0].name == "People-centred"
    assert all(p.name_ru for p in principles)
    with translation.override("ru"):
        assert GuidingPrinciple.objects.get(letter="f").label == "Права человека"


def test_the_sdg_targets_tied_to_migration_are_there_with_their_official_wording():
    targets = {t.code: t for t in SDGTarget.objects.filter(code__in=MIGRATION_TARGETS)}
    assert sorted(targets) == sorted(MIGRATION_TARGETS)
    assert targets["10.7"].title == (
        "Facilitate orderly, safe, regular and responsible migration and mobility of people, "
        "including through the implementation of planned and well-managed migration policies"
    )
    assert targets["10.7"].goal == 10
    assert (
        targets["16.9"].title
        == "By 2030, provide legal identity for all, including birth registration"
    )
    assert all(t.title_ru for t in targets.values())
    with translation.override("ru"):
        assert targets["10.7"].label.startswith("Содействовать упорядоченной, безопасной")


def test_all_169_sdg_targets_are_ordered_by_goal_then_target():
    codes = list(SDGTarget.objects.values_list("code", flat=True))
    assert len(codes) == 169
    goal_10 = [code for code in codes if code.startswith("10.")]
    assert goal_10 == [
        "10.1",
        "10.2",
        "10.3",
        "10.4",
        "10.5",
        "10.6",
        "10.7",
        "10.a",
        "10.b",
        "10.c",
    ]


def test_the_data_migration_reverses_and_reloads_without_duplicates():
    load_migration.unload(apps, None)
    assert GCMObjective.objects.count() == 0
    assert GuidingPrinciple.objects.count() == 0
    assert SDGTarget.objects.count() == 0

    load_migration.load(apps, None)
    load_migration.load(apps, None)
    assert GCMObjective.objects.count() == 23
    assert GuidingPrinciple.objects.count() == 10
    assert SDGTarget.objects.count() == 169


def test_russian_text_is_searchable_as_typed():
    # A person typing «миграционной» must find it: letters are stored composed (NFC).
    assert (
        SDGTarget.objects.filter(title_ru__contains="миграционной политики")
        .filter(code="10.7")
        .exists()
    )
