"""A submitted version of a quarterly report as files: PDF (WeasyPrint, charts as inline SVG,
the network's designation footnote), XLSX and CSV — every figure from the same tables as the
page (reports.presentation). Private downloads; cells a spreadsheet would run are defused."""

from __future__ import annotations

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
from reports.models import ReportVersion


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


def report_xlsx(version: ReportVersion, tables) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for section, item, measure, cell in presentation.flat_rows(tables):
        value = cell.value if cell.kind in (presentation.INT, presentation.MONEY) else cell.text
        sheet.append(
            [
                spreadsheet_safe(section),
                spreadsheet_safe(item),
                spreadsheet_safe(measure),
                spreadsheet_safe(value),
            ]
        )
        if cell.kind == presentation.MONEY:
            sheet.cell(row=sheet.max_row, column=4).number_format = "#,##0.00"
    for column, width in zip("ABCD", (34, 44, 26, 18), strict=True):
        sheet.column_dimensions[column].width = width
    narrative = book.create_sheet(_("Narrative")[:31])
    narrative.append([spreadsheet_safe(version.narrative)])
    narrative.column_dimensions["A"].width = 120
    return xlsx_response(book, filename(version, "xlsx"))


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
