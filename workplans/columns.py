"""The columns of the workplan file: the template the portal offers, the export and the import
share them, so an exported plan imports back as it was.

Headers are written in the person's language; the import accepts them in any language the
portal ships, so a template downloaded in Russian imports on an English session.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The import reads the sheets by their order; their names are for people.
PLAN_SHEET = _("Plan")
ACTIVITIES_SHEET = _("Activities")
INDICATORS_SHEET = _("Indicators")
ROLLUP_SHEET = _("Roll-up")

PLAN_ROWS = [
    ("title", _("Title")),
    ("start_year", _("First year")),
    ("years", _("Length in years (1 or 2)")),
]

ACTIVITY_COLUMNS = [
    ("outcome_code", _("Outcome code")),
    ("outcome_title", pgettext_lazy("workplan", "Outcome")),
    ("output_code", _("Output code")),
    ("output_title", _("Output")),
    ("code", _("Activity code")),
    ("title", _("Activity")),
    ("description", _("Description")),
    ("lead", _("Lead organisation")),
    ("participating", _("Participating organisations")),
    ("quarters", _("Quarters")),
    ("status", _("Status")),
    ("budget_required", _("Budget required (USD)")),
    ("budget_available", _("Budget available (USD)")),
    ("budget_spent", _("Spent to date (USD)")),
    ("geographic_scope", _("Geographic scope")),
    ("gcm", _("GCM objectives")),
    ("principles", _("Guiding principles")),
    ("sdg", _("SDG targets")),
    ("unsdcf", _("UNSDCF outcomes")),
    ("gender_marker", _("Gender equality marker (0–3)")),
    ("human_rights_marker", _("Human rights marker (0–3)")),
]

INDICATOR_COLUMNS = [
    ("activity_code", _("Activity code")),
    ("name", _("Indicator")),
    ("unit", _("Unit")),
    ("baseline", _("Baseline")),
    ("target", _("Target")),
]

# Lists in one cell are separated by semicolons (commas appear in organisation names).
SEPARATOR = ";"


def headers(columns) -> list[str]:
    return [str(label) for _key, label in columns]


def accepted_headers(columns) -> list[set[str]]:
    """For each column, its header in every language the portal ships (compared casefolded)."""
    accepted = []
    for _key, label in columns:
        spellings = set()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                spellings.add(str(label).strip().casefold())
        accepted.append(spellings)
    return accepted


def split(cell) -> list[str]:
    if cell is None:
        return []
    return [
        part.strip() for part in str(cell).replace("\n", SEPARATOR).split(SEPARATOR) if part.strip()
    ]
