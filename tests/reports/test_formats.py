"""The page, the PDF, the spreadsheet, the CSV and the API carry identical figures: each is
read back and compared with the figures worked out by hand."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.clock import network_time
from reports import exports, presentation
from tests.api.helpers import bearer
from tests.reports.conftest import submit

BASE = "/n/kyrgyzstan/reports"


def _number(text: str):
    text = text.replace(",", "").replace("\xa0", "").strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d\d", text):
        return Decimal(text)
    return text


def from_html(html: str) -> dict:
    """key → value of each cell; a moment's value is its machine form, <time datetime>."""
    cells = re.findall(
        r'data-figure="([^"]+)">(?:<time datetime="([^"]+)">[^<]*</time>|([^<]*))<', html
    )
    return {key: _number(moment or value) for key, moment, value in cells}


def labelled(version, tables) -> dict:
    """key → (section, item, measure) as the files spell them."""
    return {
        cell.key: (section, item, measure)
        for section, item, measure, cell in presentation.flat_rows(tables)
    }


def from_rows(rows, names) -> dict:
    by_label = {tuple(row[:3]): row[3] for row in rows}
    return {key: _number(str(by_label[label])) for key, label in names.items() if label in by_label}


def _offset(text: str) -> dt.timezone:
    sign, rest = (-1 if "-" in text else 1), text[4:]
    hours, _colon, minutes = rest.partition(":")
    return dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes or 0)))


def xlsx_rows(book) -> list[list]:
    """(section, item, measure, value as the CSV spells it) of every section sheet: a
    date-time with the offset beside it as ISO 8601, a day as ISO, an amount with two
    decimals (the sheets hold them as real dates and numbers)."""
    rows = []
    for sheet in book.worksheets[:-1]:  # the last is the narrative
        section = sheet["A1"].value
        table = list(sheet.iter_rows(min_row=exports.HEADER_ROWS + 2))
        columns = [cell.value for cell in table[0]]
        for row in table[1:]:
            for n, cell in enumerate(row[1:], start=1):
                if columns[n] == "UTC offset" or columns[n] is None:
                    continue
                value = cell.value
                if isinstance(value, dt.datetime):
                    if n + 1 < len(columns) and columns[n + 1] == "UTC offset":
                        value = value.replace(tzinfo=_offset(row[n + 1].value)).isoformat()
                    else:
                        value = value.date().isoformat()
                elif isinstance(value, (int, float)) and "USD" in cell.number_format:
                    value = f"{value:.2f}"
                rows.append([section, row[0].value, columns[n], "" if value is None else value])
    return rows


def from_json(body: dict) -> dict:
    f = body["figures"]
    values = {
        "meetings.held": f["meetings"]["held"],
        "meetings.with_attendance": f["meetings"]["with_attendance"],
        "meetings.all_represented": f["meetings"]["all_represented"],
        "meetings.member_organisations": f["meetings"]["member_organisations"],
        "workplan.activities": f["workplan"]["activities"],
        "workplan.progress": f["workplan"]["progress"],
        "documents.circulated": f["documents"]["circulated"],
        "next_quarter.meetings_planned": f["next_quarter"]["meetings_planned"],
    }
    for key in ("adopted", "procedures", "consultations", "silence_procedures"):
        values[f"decisions.{key}"] = f["decisions"][key]
    for key in ("opened", "done", "overdue"):
        values[f"action_points.{key}"] = f["action_points"][key]
        for row in f["action_points"]["by_organisation"]:
            values[f"action_points.{row['organisation']}.{key}"] = row[key]
    for row in f["attendance"]:
        values[f"attendance.{row['organisation']}.attended"] = row["meetings_attended"]
    for row in f["workplan"]["by_status"]:
        values[f"workplan.status.{row['status']}"] = row["activities"]
    for key, value in f["workplan"]["budget"].items():
        values[f"workplan.budget.{key}"] = Decimal(value)
    for row in f["workplan"]["by_objective"]:
        for key in ("activities", "completed"):
            values[f"workplan.gcm.{row['number']}.{key}"] = row[key]
        for key in ("required", "available", "spent"):
            values[f"workplan.gcm.{row['number']}.{key}"] = Decimal(row[key])
    return values


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.mark.real_pdf  # reads what the PDF says
def test_page_pdf_xlsx_csv_and_json_carry_identical_figures(q3, kyrgyzstan, client):
    expected, report = q3
    version = submit(kyrgyzstan, report, narrative="Two meetings, one joint statement.")
    client.force_login(kyrgyzstan.rco)
    tables = presentation.tables(version.figures)
    names = labelled(version, tables)

    page = client.get(f"{BASE}/{report.pk}/")
    assert page.status_code == 200
    html = from_html(page.content.decode())

    sheet = client.get(f"{BASE}/{report.pk}/v1/report.csv")
    assert sheet["Content-Disposition"].endswith('report-kyrgyzstan-2026-Q3-v1.csv"')
    assert sheet["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Item", "Measure", "Value"]
    assert rows[-1] == ["Narrative", "", "", "Two meetings, one joint statement."]
    from_csv = from_rows(rows[1:], names)

    workbook = load_workbook(io.BytesIO(client.get(f"{BASE}/{report.pk}/v1/report.xlsx").content))
    from_xlsx = from_rows(xlsx_rows(workbook), names)
    narrative = workbook["Narrative"].cell(row=exports.HEADER_ROWS + 2, column=1)
    assert narrative.value == "Two meetings, one joint statement."

    api = client.get(f"/api/v1/networks/kyrgyzstan/reports/{report.pk}/", **bearer(kyrgyzstan.rco))
    assert api.status_code == 200
    from_api = from_json(api.json())

    for name, found in (("page", html), ("CSV", from_csv), ("XLSX", from_xlsx), ("API", from_api)):
        assert {key: found.get(key) for key in expected} == expected, name
    # Beyond the hand-worked figures, the files and the page agree on every cell.
    assert from_csv == from_xlsx == {key: html[key] for key in from_csv}

    pdf = client.get(f"{BASE}/{report.pk}/v1/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    # The PDF shows a moment as the network reads it, and the files carry its ISO 8601.
    with network_time(kyrgyzstan.network):
        for table in tables:
            for row in table.rows:
                shown = [
                    f"{cell.value:,.2f}" if cell.kind == presentation.MONEY else cell.shown
                    for cell in row.cells
                ]
                assert " ".join([row.item, *shown]) in text, (table.title, row.item, shown)
    assert "Two meetings, one joint statement." in text
