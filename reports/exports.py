"""A submitted version of a quarterly report as files: PDF (WeasyPrint, charts as inline SVG,
the network's designation footnote), XLSX and CSV — every figure from the same tables as the
page (reports.presentation). Private downloads; cells a spreadsheet would run are defused."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from networks.exports import _private_download, _spreadsheet_safe
from networks.pdf import render_pdf
from reports import presentation
from reports.models import ReportVersion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(version: ReportVersion, extension: str) -> str:
    report = version.report
    return f"report-{report.network.slug}-{report.label}-v{version.number}.{extension}"


def headers() -> list[str]:
    return [_("Section"), _("Item"), _("Measure"), _("Value")]


def _safe(value):
    return _spreadsheet_safe(value) if isinstance(value, str) else value


def report_csv(version: ReportVersion, tables) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells Excel the file is UTF-8
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for section, item, measure, cell in presentation.flat_rows(tables):
        writer.writerow([_safe(section), _safe(item), _safe(measure), _safe(cell.text)])
    writer.writerow([_("Narrative"), "", "", _safe(version.narrative)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _private_download(response, filename(version, "csv"))


def report_xlsx(version: ReportVersion, tables) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for section, item, measure, cell in presentation.flat_rows(tables):
        value = cell.value if cell.kind in (presentation.INT, presentation.MONEY) else cell.text
        sheet.append([_safe(section), _safe(item), _safe(measure), _safe(value)])
        if cell.kind == presentation.MONEY:
            sheet.cell(row=sheet.max_row, column=4).number_format = "#,##0.00"
    for column, width in zip("ABCD", (34, 44, 26, 18), strict=True):
        sheet.column_dimensions[column].width = width
    narrative = book.create_sheet(_("Narrative")[:31])
    narrative.append([_safe(version.narrative)])
    narrative.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    return _private_download(response, filename(version, "xlsx"))


def report_pdf(version: ReportVersion, context: dict, *, request=None) -> HttpResponse:
    network = version.report.network
    pdf = render_pdf(
        "reports/report_pdf.html",
        {**context, "generated": timezone.now()},
        network=network,
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    return _private_download(response, filename(version, "pdf"))
