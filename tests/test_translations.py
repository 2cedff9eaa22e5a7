"""English and Russian ship complete: every translatable string of the code and templates is
in the Russian catalogue, translated, not fuzzy, and keeps its placeholders."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
SKIP = shutil.ignore_patterns(
    ".venv", ".git", "var", "staticfiles", "node_modules", "__pycache__", "*.mo"
)


def test_every_entry_is_translated_and_keeps_its_placeholders():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    for entry in catalogue.translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) >= wanted - {"%(counter)s"}, entry.msgid


def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(settings.BASE_DIR, copy, ignore=SKIP)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
    )
    fresh = {entry.msgid for entry in polib.pofile(str(copy / "locale/ru/LC_MESSAGES/django.po"))}
    shipped = {entry.msgid for entry in polib.pofile(str(PO))}
    missing = sorted(fresh - shipped)
    assert not missing, (
        "Strings missing from locale/ru (run `manage.py makemessages -l ru` and translate): "
        f"{missing}"
    )


# One Russian term per concept, and statuses that agree with the noun they describe.
def test_a_meeting_is_zasedanie_in_every_russian_string():
    catalogue = polib.pofile(str(PO))
    wrong = []
    for entry in catalogue.translated_entries():
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            if "встреч" in text.lower():
                wrong.append((entry.msgid, text))
    assert not wrong, wrong
    assert catalogue.find("Meetings").msgstr == "Заседания"
    assert catalogue.find("Join the meeting online").msgstr == "Подключиться к заседанию онлайн"


def test_statuses_agree_with_their_nouns_in_russian():
    from django.utils import translation

    from decisions.models import Decision
    from meetings.models import Meeting, Minutes
    from reports.models import QuarterlyReport
    from workplans.models import Workplan

    with translation.override("ru"):
        shown = {
            "протокол": str(Minutes.Status.APPROVED.label),
            "повестка": str(Meeting.AgendaStatus.APPROVED.label),
            "решение": str(Decision.Status.ADOPTED.label),
            "заседание": str(Meeting.Status.CANCELLED.label),
            "план работы": str(Workplan.Status.CLOSED.label),
            "отчёт": str(QuarterlyReport.Status.SUBMITTED.label),
        }
    assert shown == {
        "протокол": "Утверждён",
        "повестка": "Утверждена",
        "решение": "Принято",
        "заседание": "Отменено",
        "план работы": "Закрыт",
        "отчёт": "Представлен",
    }
    with translation.override("en"):
        assert str(Minutes.Status.APPROVED.label) == str(Meeting.AgendaStatus.APPROVED.label)
