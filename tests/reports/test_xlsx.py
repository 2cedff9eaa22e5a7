"""The quarterly report's spreadsheet says what it is — which network, quarter and version,
its status, when it was submitted and generated, in which time and currency — and holds
real numbers, dates and date-times, one sheet per section of the report."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from reports import presentation
from tests.reports.conftest import submit

BASE = "/n/kyrgyzstan/reports"


def header(sheet) -> dict:
    return {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, max_row=9, values_only=True)}


def table(sheet, item_header):
    """The section's table: its header row and the rows below it, as cells."""
    rows = list(sheet.iter_rows(min_row=10))
    start = next(n for n, row in enumerate(rows) if row[0].value == item_header)
    return [cell.value for cell in rows[start]], rows[start + 1 :]


def test_the_workbook_says_which_report_it_is_and_holds_real_values(q3, kyrgyzstan, client):
    _expected, report = q3
    version = submit(kyrgyzstan, report, narrative="Two meetings.")
    client.force_login(kyrgyzstan.rco)
    response = client.get(f"{BASE}/{report.pk}/v1/report.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    tables = presentation.tables(version.figures)

    # One sheet per section, and the narrative's.
    assert len(book.sheetnames) == len(tables) + 1
    assert book.sheetnames[0] == "At a glance" and book.sheetnames[-1] == "Narrative"
    for table_, name in zip(tables, book.sheetnames, strict=False):
        sheet = book[name]
        assert sheet["A1"].value == table_.title
        about = header(sheet)
        assert about["Network"][0] == kyrgyzstan.network.name
        assert about["Quarter"][0] == "2026-Q3"
        assert about["Version"][0] == 1
        assert about["Status"][0] == "Submitted"
        assert isinstance(about["Generated at"][0], dt.datetime)
        assert about["Generated at"][1] == "Bishkek time (UTC+6)"
        assert isinstance(about["Submitted at"][0], dt.datetime)
        assert about["Times are"][0] == "Bishkek time (UTC+6)"
        assert about["Amounts are in"][0] == "USD"
    assert book["Narrative"]["A11"].value == "Two meetings."

    # Numbers are numbers; amounts carry their unit in their format.
    columns, rows = table(book["At a glance"], "Figure")
    values = {row[0].value: row[1] for row in rows}
    assert values["Meetings held"].value == 2 and values["Meetings held"].data_type == "n"
    required = values["Budget required (USD)"]
    assert isinstance(required.value, (int, float)) and "USD" in required.number_format
    figures = version.figures["workplan"]["budget"]
    assert Decimal(str(required.value)) == Decimal(figures["required"])

    # A meeting's time is a date-time on Bishkek's clock, its offset beside it.
    columns, rows = table(book["Meetings held"], "Meeting")
    assert columns[:3] == ["Meeting", "When", "UTC offset"]
    first = {row[0].value: row for row in rows}["Q3 regular meeting"]
    assert first[1].value == dt.datetime(2026, 7, 1, 2, 0)  # 30 June 20:00 UTC
    assert first[1].is_date and "yyyy" in first[1].number_format
    assert first[2].value == "UTC+6"

    # A day is a date.
    columns, rows = table(book["Decisions adopted"], "Decision")
    adopted = rows[0][2]
    assert isinstance(adopted.value, dt.datetime) and adopted.is_date
    assert adopted.number_format == "yyyy-mm-dd"


def test_a_later_version_says_the_earlier_one_is_superseded(q3, kyrgyzstan, client):
    _expected, report = q3
    submit(kyrgyzstan, report)
    submit(kyrgyzstan, report, reason="Corrected attendance")
    client.force_login(kyrgyzstan.rco)
    first = load_workbook(io.BytesIO(client.get(f"{BASE}/{report.pk}/v1/report.xlsx").content))
    second = load_workbook(io.BytesIO(client.get(f"{BASE}/{report.pk}/v2/report.xlsx").content))
    assert header(first["At a glance"])["Status"][0] == "Submitted; superseded by version 2"
    assert header(second["At a glance"])["Status"][0] == (
        "Submitted (correction: Corrected attendance)"
    )
    assert header(second["At a glance"])["Version"][0] == 2
