"""A submitted version of a quarterly report as files: PDF (WeasyPrint, charts as inline SVG,
the network's designation footnote), XLSX and CSV — every figure from the same tables as the
page (reports.presentation). Private downloads; cells a spreadsheet would run are defused."""

from __future__ import annotations

from datetime import UTC

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.exports import (
    csv_response,
    download_filename,
    private_download,
    spreadsheet_safe,
    xlsx_response,
)
from networks.pdf import render_pdf
from reports import presentation
from reports.models import QuarterlyReport, ReportVersion


def filename(version: ReportVersion, extension: str) -> str:
    report = version.report
    return download_filename(
        "report", report.network.slug, report.label, f"v{version.number}", extension=extension
    )


def headers() -> list[str]:
    return [_("Section"), _("Item"), _("Measure"), _("Value")]


def report_csv(version: ReportVersion, tables) -> HttpResponse:
    rows = [
        [section, item, measure, cell.text]
        for section, item, measure, cell in presentation.flat_rows(tables)
    ]
    rows.append([_("Narrative"), "", "", version.narrative])
    return csv_response(headers(), rows, filename(version, "csv"))


# The header block each sheet of the workbook opens with (rows 2 to 9, after the title).
HEADER_ROWS = 9
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = '#,##0.00 "USD"'
_SHEET_NAME_UNSAFE = str.maketrans({ch: " " for ch in "[]:*?/\\"})


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet's name from a section's title: at most 31 characters (the format's limit),
    cut at a word, without the characters a sheet name may not hold, and unique."""
    name = " ".join(str(title).translate(_SHEET_NAME_UNSAFE).split())
    if len(name) > 31:
        name = name[:31].rsplit(" ", 1)[0]
    candidate, n = name, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _moment(value, network):
    """A moment of the figures (ISO 8601 with an offset) on the network's wall clock, and
    its offset as the header and the offset column spell it."""
    from datetime import datetime

    from portal import clock

    local = clock.network_local(datetime.fromisoformat(str(value)), network)
    return local.replace(tzinfo=None), local


def _header_block(version: ReportVersion, latest: int, offsets: list[str]) -> list[tuple]:
    """(label, value, number format, note) of the header every sheet starts with: which
    network, quarter and version, its status, when it was submitted and generated, in
    which time, and in which currency."""
    from portal import clock

    report = version.report
    network = report.network
    if version.number < latest:
        status = _("Submitted; superseded by version %(number)s") % {"number": latest}
    elif version.number > 1:
        status = _("Submitted (correction: %(reason)s)") % {"reason": version.reason}
    else:
        status = str(QuarterlyReport.Status.SUBMITTED.label)
    submitted, submitted_at = _moment(version.submitted_at.isoformat(), network)
    generated, generated_at = _moment(timezone.now().isoformat(), network)
    zone = clock.zone_name(network)
    times = zone + " (" + ", ".join(offsets) + ")" if offsets else clock.zone_label(network)
    return [
        (_("Network"), network.name, None, ""),
        (_("Quarter"), report.label, None, ""),
        (_("Version"), version.number, "0", ""),
        (_("Status"), status, None, ""),
        (_("Submitted at"), submitted, MOMENT_FORMAT, clock.zone_label(network, submitted_at)),
        (_("Generated at"), generated, MOMENT_FORMAT, clock.zone_label(network, generated_at)),
        (_("Times are"), times, None, ""),
        (_("Amounts are in"), "USD", None, ""),
    ]


def _write_header(sheet, title: str, block: list[tuple]) -> None:
    sheet.append([spreadsheet_safe(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value, number_format, note in block:
        sheet.append([label, spreadsheet_safe(value), spreadsheet_safe(note) or None])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if number_format:
            sheet.cell(row=sheet.max_row, column=2).number_format = number_format
    sheet.append([])


def report_xlsx(version: ReportVersion, tables) -> HttpResponse:
    """The report as a workbook: one sheet per section of the report (the narrative's too),
    each opening with the same header block (network, quarter, version, status, when
    submitted and generated, the time zone and its offsets, the currency), then the
    section's table with real numbers, amounts formatted as USD, days as dates and moments
    as date-times on the network's clock, each with its UTC offset beside it."""
    from portal import clock

    network = version.report.network
    latest = max(version.report.versions.values_list("number", flat=True), default=0)
    offsets = sorted(
        {
            clock.utc_offset(_moment(cell.value, network)[1])
            for table in tables
            for row in table.rows
            for cell in row.cells
            if cell.kind == presentation.MOMENT and cell.value
        }
    )
    block = _header_block(version, latest, offsets)
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.title, taken))
        _write_header(sheet, table.title, block)
        header = [table.item_header]
        moments = {
            n
            for row in table.rows
            for n, cell in enumerate(row.cells)
            if cell.kind == presentation.MOMENT
        }
        for n, column in enumerate(table.columns):
            header.append(column)
            if n in moments:
                header.append(_("UTC offset"))
        sheet.append([spreadsheet_safe(text) for text in header])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        if not table.rows and table.empty:
            sheet.append([spreadsheet_safe(table.empty)])
        for row in table.rows:
            values: list = [spreadsheet_safe(row.item)]
            formats: dict[int, str] = {}
            for n, cell in enumerate(row.cells):
                value, column = _cell_value(cell, network), len(values) + 1
                if cell.kind == presentation.MONEY:
                    formats[column] = MONEY_FORMAT
                elif cell.kind == presentation.DATE and value is not None:
                    formats[column] = DATE_FORMAT
                elif cell.kind == presentation.MOMENT and value is not None:
                    formats[column] = MOMENT_FORMAT
                values.append(value)
                if n in moments:
                    values.append(
                        clock.utc_offset(_moment(cell.value, network)[1])
                        if cell.kind == presentation.MOMENT and cell.value
                        else None
                    )
            sheet.append(values)
            for column, number_format in formats.items():
                sheet.cell(row=sheet.max_row, column=column).number_format = number_format
        sheet.column_dimensions["A"].width = 44
        for letter in "BCDEFGH":
            sheet.column_dimensions[letter].width = 20
        sheet.freeze_panes = sheet.cell(row=HEADER_ROWS + 3, column=2)
    narrative = book.create_sheet(sheet_name(_("Narrative"), taken))
    _write_header(narrative, _("Narrative"), block)
    narrative.append([spreadsheet_safe(version.narrative)])
    narrative.column_dimensions["A"].width = 120
    return xlsx_response(book, filename(version, "xlsx"))


def _cell_value(cell, network):
    """A figure as a spreadsheet holds it: numbers as numbers, a day as a date, a moment as
    a date-time on the network's clock, yes/no and text as text."""
    from datetime import date

    if cell.value is None or cell.value == "":
        return None
    if cell.kind in (presentation.INT, presentation.MONEY):
        return cell.value
    if cell.kind == presentation.DATE:
        return date.fromisoformat(str(cell.value)[:10])
    if cell.kind == presentation.MOMENT:
        return _moment(cell.value, network)[0]
    return spreadsheet_safe(cell.text)


def report_pdf(version: ReportVersion, context: dict, *, request=None) -> HttpResponse:
    network = version.report.network
    pdf = render_pdf(
        "reports/report_pdf.html",
        {**context, "generated": timezone.now()},
        network=network,
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    return private_download(response, filename(version, "pdf"))


# The regional page's files ------------------------------------------------------------------


def _noted_name(network, notes: list[dict]) -> str:
    noted = {note["network"].pk for note in notes}
    return network.country + ("*" if network.pk in noted else "")


def regional_filename(regional: dict, extension: str) -> str:
    return download_filename(
        "region", regional["region"].slug, regional["quarter"], extension=extension
    )


def _regional_header(sheet, title: str, regional: dict) -> None:
    sheet.append([spreadsheet_safe(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    generated = timezone.now().astimezone(UTC).replace(tzinfo=None)
    for label, value, number_format in (
        (_("Region"), regional["region"].name, None),
        (_("Quarter"), regional["quarter"], None),
        (_("Generated at (UTC)"), generated, MOMENT_FORMAT),
        (_("Amounts are in"), "USD", None),
    ):
        sheet.append([label, spreadsheet_safe(value)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if number_format:
            sheet.cell(row=sheet.max_row, column=2).number_format = number_format
    sheet.append([])


def _regional_footnotes(sheet, regional: dict) -> None:
    if regional["footnotes"]:
        sheet.append([])
    for note in regional["footnotes"]:
        sheet.append(["*", spreadsheet_safe(note["text"])])


def regional_xlsx(regional: dict) -> HttpResponse:
    """The regional page as a workbook: the reports of the quarter side by side (each
    network's latest submitted version; "Not submitted" otherwise) and the GCM coverage of
    the networks' workplans, numbers as numbers, amounts formatted USD, the designation
    footnotes of the networks listed below each table."""
    from decimal import Decimal

    notes = regional["footnotes"]
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(_("Reports"), set())
    _regional_header(
        sheet, _("Quarterly reports in %(region)s") % {"region": regional["region"].name}, regional
    )
    columns = [
        _("Network"),
        _("Version"),
        _("Status"),
        _("Submitted at (UTC)"),
        _("Meetings held"),
        _("Network meetings with attendance recorded"),
        _("Network meetings with every member organisation represented"),
        _("Decisions adopted"),
        _("Workplan activities"),
        _("Completed"),
        _("Average progress (%)"),
        _("Required (USD)"),
        _("Available (USD)"),
        _("Spent (USD)"),
    ]
    sheet.append(columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in regional["rows"]:
        name = spreadsheet_safe(_noted_name(row["network"], notes))
        version = row["version"]
        if version is None:
            sheet.append([name, None, _("Not submitted")])
            continue
        f = version.figures
        plan = f["workplan"]
        completed = sum(s["activities"] for s in plan["by_status"] if s["status"] == "completed")
        sheet.append(
            [
                name,
                version.number,
                str(QuarterlyReport.Status.SUBMITTED.label),
                version.submitted_at.astimezone(UTC).replace(tzinfo=None),
                f["meetings"]["held"],
                f["meetings"]["with_attendance"],
                f["meetings"]["all_represented"],
                f["decisions"]["adopted"],
                plan["activities"],
                completed,
                plan["progress"],
                Decimal(plan["budget"]["required"]),
                Decimal(plan["budget"]["available"]),
                Decimal(plan["budget"]["spent"]),
            ]
        )
        sheet.cell(row=sheet.max_row, column=4).number_format = MOMENT_FORMAT
        for column in (12, 13, 14):
            sheet.cell(row=sheet.max_row, column=column).number_format = MONEY_FORMAT
    _regional_footnotes(sheet, regional)
    sheet.column_dimensions["A"].width = 30
    for n in range(2, len(columns) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=n).column_letter].width = 18

    coverage = regional["coverage"]
    grid = book.create_sheet(sheet_name(_("GCM coverage"), {sheet.title.lower()}))
    _regional_header(
        grid, _("GCM coverage in %(region)s") % {"region": regional["region"].name}, regional
    )
    header = [_("GCM objective")]
    for network in coverage.networks:
        country = _noted_name(network, notes)
        header += [
            _("%(network)s: activities") % {"network": country},
            _("%(network)s: required (USD)") % {"network": country},
        ]
    grid.append([spreadsheet_safe(text) for text in header])
    for cell in grid[grid.max_row]:
        cell.font = Font(bold=True)
    for objective, cells in coverage.rows:
        values: list = [spreadsheet_safe(str(objective))]
        for cell in cells:
            values += [cell.activities, cell.required]
        grid.append(values)
        for n in range(len(cells)):
            grid.cell(row=grid.max_row, column=3 + 2 * n).number_format = MONEY_FORMAT
    _regional_footnotes(grid, regional)
    grid.column_dimensions["A"].width = 44
    return xlsx_response(book, regional_filename(regional, "xlsx"))


def regional_csv(regional: dict) -> HttpResponse:
    """The GCM coverage of the region's networks, a row per network and objective (what the
    heatmap draws), amounts in USD; the designation footnotes of the networks listed last."""
    coverage = regional["coverage"]
    notes = regional["footnotes"]
    headers = [
        _("Network"),
        _("GCM objective"),
        _("Objective"),
        _("Activities"),
        _("Required (USD)"),
        _("Available (USD)"),
        _("Spent (USD)"),
    ]
    rows: list[list] = [
        [
            _noted_name(network, notes),
            str(objective.number),
            objective.label,
            cell.activities,
            cell.required,
            cell.available,
            cell.spent,
        ]
        for objective, cells in coverage.rows
        for network, cell in zip(coverage.networks, cells, strict=True)
    ]
    rows += [["*", note["text"]] for note in notes]
    return csv_response(headers, rows, regional_filename(regional, "csv"))
