"""Importing a whole workplan from the portal's XLSX template: every row is checked, and the
plan is stored only when none has a problem (all or nothing). Problems come back per sheet
and row, in the person's language."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from common import archives
from networks.models import Network, Organisation, UNSDCFOutcome
from reference.models import GCMObjective, GuidingPrinciple, SDGTarget
from workplans import columns, services
from workplans.columns import ACTIVITY_COLUMNS, INDICATOR_COLUMNS, PLAN_ROWS
from workplans.models import Activity, Indicator, Outcome, Output, Workplan

MAX_ROWS = 2000
MAX_CELL = 10000
# Bounds of reading a workbook, whatever it claims about itself: the template has at most
# 21 columns, so nothing right of MAX_COLUMNS is read; the archive is inflated in chunks up
# to MAX_UNCOMPRESSED bytes (and 100 times its size, documents.uploads); reading stops after
# MAX_CELLS cells or MAX_SECONDS.
MAX_COLUMNS = 40
MAX_CELLS = MAX_ROWS * MAX_COLUMNS
MAX_UNCOMPRESSED = 30 * 1024 * 1024
MAX_SECONDS = 5.0


@dataclass
class Problem:
    sheet: str
    row: int | None
    message: str


@dataclass
class ImportResult:
    workplan: Workplan | None = None
    activities: int = 0
    problems: list[Problem] = field(default_factory=list)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()[:MAX_CELL]


def _read(upload) -> list[list[list]] | str:
    """The first three sheets as lists of rows, or the reason the file cannot be read."""
    cannot = _("This XLSX file cannot be read. Save it again from your spreadsheet program.")
    data = upload.read()
    if data[:4] != b"PK\x03\x04":
        return _("This is not an XLSX file. Download the template, fill it in and upload it.")
    try:
        archive = archives.open_archive(data, max_bytes=MAX_UNCOMPRESSED)
    except ValidationError as error:
        return " ".join(error.messages)
    if "xl/workbook.xml" not in archive.names:
        return cannot
    deadline = time.monotonic() + MAX_SECONDS
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged zip, or openpyxl's own errors on malformed parts
        return cannot
    sheets = []
    cells = 0
    try:
        for sheet in book.worksheets[:3]:
            rows = []
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                if len(rows) > MAX_ROWS:
                    return _("The file has more than %(count)s rows.") % {"count": MAX_ROWS}
                cells += len(row)
                if cells > MAX_CELLS or time.monotonic() > deadline:
                    return _(
                        "The file is too large to import: the template takes at most "
                        "%(count)s rows per sheet."
                    ) % {"count": MAX_ROWS}
                rows.append(list(row))
            sheets.append(rows)
    except Exception:
        return cannot
    finally:
        book.close()
    if len(sheets) < 3:
        return _("The file needs the three sheets of the template: plan, activities, indicators.")
    return sheets


def _blank(row) -> bool:
    return all(_text(cell) == "" for cell in row)


def _check_header(row, expected, sheet_name, problems) -> bool:
    found = [_text(cell).casefold() for cell in row]
    while found and found[-1] == "":
        found.pop()
    accepted = columns.accepted_headers(expected)
    if len(found) != len(expected) or any(
        name not in spellings for name, spellings in zip(found, accepted, strict=False)
    ):
        problems.append(
            Problem(
                sheet_name,
                1,
                _("The columns are not the template's. Expected: %(columns)s.")
                % {"columns": ", ".join(columns.headers(expected))},
            )
        )
        return False
    return True


class _Lookup:
    """Names in cells → rows of the network and the reference data, read once."""

    def __init__(self):
        members = services.member_organisation_ids()
        self.organisations = {}
        for organisation in Organisation.objects.filter(pk__in=members):
            for name in (organisation.acronym, organisation.name):
                if name:
                    self.organisations[name.casefold()] = organisation
        self.gcm = {str(o.number): o for o in GCMObjective.objects.all()}
        self.principles = {p.letter.casefold(): p for p in GuidingPrinciple.objects.all()}
        self.sdg = {t.code: t for t in SDGTarget.objects.all()}
        self.unsdcf = {o.code.casefold(): o for o in UNSDCFOutcome.objects.all()}
        self.statuses = {}
        for value, label in Activity.Status.choices:
            self.statuses[value] = value
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    self.statuses[str(label).casefold()] = value


def _many(cell, table: dict, what: str, problems: list, *, fold=True) -> list:
    found = []
    for name in columns.split(cell):
        key = name.casefold() if fold else name
        if key.endswith(".0") and key[:-2].isdigit():
            key = key[:-2]
        if key in table:
            found.append(table[key])
        else:
            problems.append(_("Unknown %(what)s: %(name)s.") % {"what": what, "name": name[:60]})
    return found


def _marker(cell, label: str, problems: list) -> int:
    text = _text(cell) or "0"
    if text not in {"0", "1", "2", "3"}:
        problems.append(_("%(marker)s must be 0, 1, 2 or 3.") % {"marker": label})
        return 0
    return int(text)


def _amount(cell, label: str, problems: list) -> Decimal:
    text = _text(cell) or "0"
    try:
        return services.money(text, "amount")
    except ValidationError as error:
        problems.append(f"{label}: {' '.join(error.message_dict['amount'])}")
        return Decimal("0")


def _plan(rows, problems) -> dict:
    sheet = str(columns.PLAN_SHEET)
    values = {}
    for index, (key, label) in enumerate(PLAN_ROWS):
        row = rows[index] if index < len(rows) else []
        values[key] = _text(row[1]) if len(row) > 1 else ""
        if not values[key] and key != "years":
            problems.append(Problem(sheet, index + 1, _("Fill in: %(field)s.") % {"field": label}))
    years = values["years"] or "1"
    if years not in {"1", "2"}:
        problems.append(Problem(sheet, 3, _("A workplan runs for one or two years.")))
    start = values["start_year"]
    if start and not (start.isdigit() and 2000 <= int(start) <= 2100):
        problems.append(Problem(sheet, 2, _("Give a year between 2000 and 2100.")))
    return {
        "title": values["title"][:200],
        "start_year": int(start) if start.isdigit() else 0,
        "years": int(years) if years in {"1", "2"} else 1,
    }


def workplan_import(*, network: Network, by, upload) -> ImportResult:
    """Secretariat: a draft workplan from a filled-in template. Nothing is stored unless every
    row is right."""
    result = ImportResult()
    sheets = _read(upload)
    if isinstance(sheets, str):
        result.problems.append(Problem("", None, sheets))
        return result
    plan_rows, activity_rows, indicator_rows = sheets
    problems = result.problems
    plan = _plan(plan_rows, problems)
    activities_sheet = str(columns.ACTIVITIES_SHEET)
    indicators_sheet = str(columns.INDICATORS_SHEET)
    headers_ok = _check_header(
        activity_rows[0] if activity_rows else [], ACTIVITY_COLUMNS, activities_sheet, problems
    ) & _check_header(
        indicator_rows[0] if indicator_rows else [], INDICATOR_COLUMNS, indicators_sheet, problems
    )
    if not headers_ok or problems:
        return result

    draft = Workplan(network=network, **plan)
    lookup = _Lookup()
    keys = [key for key, _label in ACTIVITY_COLUMNS]
    labels = dict(ACTIVITY_COLUMNS)
    members = services.member_organisation_ids()
    parsed = []
    codes: set[str] = set()
    outcomes: dict[str, str] = {}
    outputs: dict[str, tuple[str, str]] = {}
    for number, row in enumerate(activity_rows[1:], start=2):
        if _blank(row):
            continue
        cells = dict(zip(keys, list(row) + [None] * (len(keys) - len(row)), strict=False))
        messages: list[str] = []
        for key in ("outcome_code", "outcome_title", "output_code", "output_title"):
            if not _text(cells[key]):
                messages.append(_("Fill in: %(field)s.") % {"field": labels[key]})
        outcome_code, output_code = (
            _text(cells["outcome_code"])[:20],
            _text(cells["output_code"])[:20],
        )
        if outcome_code and outcomes.setdefault(
            outcome_code, _text(cells["outcome_title"])
        ) != _text(cells["outcome_title"]):
            messages.append(
                _("Outcome %(code)s has two different titles.") % {"code": outcome_code}
            )
        if output_code:
            seen = outputs.setdefault(output_code, (outcome_code, _text(cells["output_title"])))
            if seen != (outcome_code, _text(cells["output_title"])):
                messages.append(
                    _("Output %(code)s appears under two outcomes or with two titles.")
                    % {"code": output_code}
                )
        lead_name = _text(cells["lead"])
        lead = lookup.organisations.get(lead_name.casefold()) if lead_name else None
        if lead_name and lead is None:
            messages.append(
                _("%(organisation)s does not take part in this network.")
                % {"organisation": lead_name[:80]}
            )
        status_text = _text(cells["status"]) or Activity.Status.NOT_STARTED
        status = lookup.statuses.get(status_text.casefold())
        if status is None:
            messages.append(_("Unknown status: %(status)s.") % {"status": status_text[:40]})
        data = services.ActivityData(
            code=_text(cells["code"])[:20],
            title=_text(cells["title"])[:300],
            description=_text(cells["description"]),
            lead_organisation=lead,
            participating_organisations=_many(
                cells["participating"], lookup.organisations, _("organisation"), messages
            ),
            quarters=[q.upper() for q in columns.split(cells["quarters"])],
            status=status or Activity.Status.NOT_STARTED,
            budget_required=_amount(cells["budget_required"], labels["budget_required"], messages),
            budget_available=_amount(
                cells["budget_available"], labels["budget_available"], messages
            ),
            budget_spent=_amount(cells["budget_spent"], labels["budget_spent"], messages),
            geographic_scope=_text(cells["geographic_scope"])[:200],
            gcm_objectives=_many(cells["gcm"], lookup.gcm, _("GCM objective"), messages),
            guiding_principles=_many(
                cells["principles"], lookup.principles, _("guiding principle"), messages
            ),
            sdg_targets=_many(cells["sdg"], lookup.sdg, _("SDG target"), messages, fold=False),
            unsdcf_outcomes=_many(cells["unsdcf"], lookup.unsdcf, _("UNSDCF outcome"), messages),
            gender_marker=_marker(cells["gender_marker"], labels["gender_marker"], messages),
            human_rights_marker=_marker(
                cells["human_rights_marker"], labels["human_rights_marker"], messages
            ),
        )
        checked = services.check_activity(draft, data, members=members)
        if lead_name and lead is None:  # already said: not in the network
            checked.remove(_("Choose the lead organisation."))
        messages += checked
        if data.code and data.code in codes:
            messages.append(_("The plan already has an activity with this code."))
        codes.add(data.code)
        for message in dict.fromkeys(messages):
            problems.append(Problem(activities_sheet, number, message))
        parsed.append((outcome_code, output_code, data))

    indicators = []
    for number, row in enumerate(indicator_rows[1:], start=2):
        if _blank(row):
            continue
        cells = list(row) + [None] * 5
        code, name, unit = _text(cells[0]), _text(cells[1]), _text(cells[2])
        messages = []
        if code not in codes:
            messages.append(_("No activity has the code %(code)s.") % {"code": code[:20]})
        if not name:
            messages.append(_("Name the indicator."))
        values = []
        for cell, label in ((cells[3], _("Baseline")), (cells[4], _("Target"))):
            try:
                values.append(services._number(_text(cell) or "0", "value"))
            except ValidationError:
                messages.append(_("%(field)s: give a number, e.g. 12 or 12.5.") % {"field": label})
                values.append(Decimal("0"))
        if not _text(cells[4]):
            messages.append(_("Give the indicator a target."))
        for message in messages:
            problems.append(Problem(indicators_sheet, number, message))
        indicators.append((code, name[:300], unit[:40], *values))

    if not parsed and not problems:
        problems.append(Problem(activities_sheet, None, _("The file holds no activity.")))
    if problems:
        return result

    with transaction.atomic():
        workplan = services.workplan_create(network=network, by=by, **plan)
        outcome_rows, output_rows, activity_by_code = {}, {}, {}
        for outcome_code, output_code, data in parsed:
            if outcome_code not in outcome_rows:
                outcome_rows[outcome_code] = Outcome.objects.create(
                    network=network,
                    workplan=workplan,
                    code=outcome_code,
                    title=outcomes[outcome_code][:300],
                    position=len(outcome_rows),
                )
            if output_code not in output_rows:
                output_rows[output_code] = Output.objects.create(
                    network=network,
                    outcome=outcome_rows[outcome_code],
                    code=output_code,
                    title=outputs[output_code][1][:300],
                    position=len(output_rows),
                )
            activity = Activity(
                network=network,
                workplan=workplan,
                output=output_rows[output_code],
                position=len(activity_by_code),
            )
            activity_by_code[data.code] = services._write_activity(activity, data)
        for position, (code, name, unit, baseline, target) in enumerate(indicators):
            Indicator.objects.create(
                network=network,
                activity=activity_by_code[code],
                name=name,
                unit=unit,
                baseline=baseline,
                target=target,
                position=position,
            )
    result.workplan, result.activities = workplan, len(activity_by_code)
    return result
