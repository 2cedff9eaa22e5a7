"""A workplan as XLSX (the import template's sheets, plus a roll-up sheet) and as CSV, and the
empty template itself. Cells that a spreadsheet would run as a formula are defused."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from common.exports import (
    csv_response,
    dated_filename,
    download_filename,
    spreadsheet_safe,
    xlsx_response,
)
from workplans import columns, selectors
from workplans.columns import ACTIVITY_COLUMNS, INDICATOR_COLUMNS, PLAN_ROWS, SEPARATOR
from workplans.models import Workplan


def _names(items, attribute) -> str:
    return f"{SEPARATOR} ".join(str(getattr(item, attribute)) for item in items)


def activity_row(outcome, output, activity) -> list:
    return [
        outcome.code,
        outcome.title,
        output.code,
        output.title,
        activity.code,
        activity.title,
        activity.description,
        activity.lead_organisation.acronym or activity.lead_organisation.name,
        _names(activity.participating_organisations.all(), "display_name"),
        f"{SEPARATOR} ".join(activity.quarters),
        activity.get_status_display(),
        activity.budget_required,
        activity.budget_available,
        activity.budget_spent,
        activity.geographic_scope,
        _names(activity.gcm_objectives.all(), "number"),
        _names(activity.guiding_principles.all(), "letter"),
        _names(activity.sdg_targets.all(), "code"),
        _names(activity.unsdcf_outcomes.all(), "code"),
        activity.gender_marker,
        activity.human_rights_marker,
    ]


def _tree(workplan: Workplan):
    tree = selectors.workplan_tree(workplan)
    # The export also names principles, SDG targets and UNSDCF outcomes: one query each.
    prefetch_related_objects(
        tree.activities, "guiding_principles", "sdg_targets", "unsdcf_outcomes"
    )
    return tree


def _rows(tree):
    for outcome in tree.outcomes:
        for output in outcome.output_list:
            for activity in output.activity_list:
                yield outcome, output, activity


def _header(sheet, labels) -> None:
    sheet.append(labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, label in enumerate(labels, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(label) + 2))


def _workbook(workplan: Workplan | None, tree=None) -> Workbook:
    book = Workbook()
    plan = book.active
    plan.title = str(columns.PLAN_SHEET)
    values = [workplan.title, workplan.start_year, workplan.years] if workplan else ["", "", 1]
    for (_key, label), value in zip(PLAN_ROWS, values, strict=True):
        plan.append([str(label), spreadsheet_safe(value)])
    plan.column_dimensions["A"].width = 28
    plan.column_dimensions["B"].width = 50

    activities = book.create_sheet(str(columns.ACTIVITIES_SHEET))
    _header(activities, columns.headers(ACTIVITY_COLUMNS))
    indicators = book.create_sheet(str(columns.INDICATORS_SHEET))
    _header(indicators, columns.headers(INDICATOR_COLUMNS))
    if tree is not None:
        for outcome, output, activity in _rows(tree):
            activities.append(
                [spreadsheet_safe(v) for v in activity_row(outcome, output, activity)]
            )
            for indicator in activity.indicators.all():
                indicators.append(
                    [
                        spreadsheet_safe(activity.code),
                        spreadsheet_safe(indicator.name),
                        spreadsheet_safe(indicator.unit),
                        indicator.baseline,
                        indicator.target,
                    ]
                )
    return book


def _filename(workplan: Workplan, extension: str) -> str:
    return dated_filename("workplan", workplan.network, workplan.pk, extension=extension)


def rollup_headers() -> list[str]:
    return [
        _("Level"),
        _("Code"),
        _("Title"),
        _("Activities"),
        _("Completed"),
        _("Delayed"),
        _("Budget required (USD)"),
        _("Budget available (USD)"),
        _("To be mobilised (USD)"),
        _("Spent to date (USD)"),
        _("Progress (%)"),
    ]


def rollup_rows(tree) -> list[list]:
    def row(level, code, title, rollup):
        return [
            level,
            code,
            title,
            rollup.activities,
            rollup.by_status.get("completed", 0),
            rollup.by_status.get("delayed", 0),
            rollup.required,
            rollup.available,
            rollup.to_be_mobilised,
            rollup.spent,
            rollup.progress,
        ]

    rows = [row(_("Workplan"), "", tree.workplan.title, tree.total)]
    for outcome in tree.outcomes:
        rows.append(
            row(pgettext("workplan", "Outcome"), outcome.code, outcome.title, outcome.rollup)
        )
        for output in outcome.output_list:
            rows.append(row(_("Output"), output.code, output.title, output.rollup))
    return rows


def workplan_xlsx(workplan: Workplan) -> HttpResponse:
    tree = _tree(workplan)
    book = _workbook(workplan, tree)
    rollup = book.create_sheet(str(columns.ROLLUP_SHEET))
    _header(rollup, rollup_headers())
    for values in rollup_rows(tree):
        rollup.append([spreadsheet_safe(v) for v in values])
    return xlsx_response(book, _filename(workplan, "xlsx"))


def workplan_csv(workplan: Workplan) -> HttpResponse:
    """The activities, one per line, with their derived figures after the template's."""
    tree = _tree(workplan)
    headers = columns.headers(ACTIVITY_COLUMNS) + [_("To be mobilised (USD)"), _("Progress (%)")]
    rows = (
        activity_row(outcome, output, activity) + [activity.to_be_mobilised, activity.progress]
        for outcome, output, activity in _rows(tree)
    )
    return csv_response(headers, rows, _filename(workplan, "csv"), plain=_csv)


def _csv(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def import_template(network) -> HttpResponse:
    book = _workbook(None)
    return xlsx_response(
        book, download_filename("workplan-template", network.slug, extension="xlsx")
    )
