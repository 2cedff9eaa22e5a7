"""Every file the portal hands out: formulas stay text, CSV opens as UTF-8 in Excel, the
download is private and named after the network's own day."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from common import exports


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_would_run_as_a_formula_stays_text(text):
    assert exports.spreadsheet_safe(text) == f"'{text}"


@pytest.mark.parametrize("value", ["IOM", "", "a=b", Decimal("-1.50"), -3, None])
def test_anything_else_is_left_as_it_is(value):
    assert exports.spreadsheet_safe(value) == value


def test_a_csv_has_a_byte_order_mark_defused_text_and_plain_numbers():
    response = exports.csv_response(
        ["Name", "Budget"],
        [["=cmd|' /C calc'!A0", Decimal("-12.5")]],
        "members.csv",
        plain=lambda value: f"{value:.2f}",
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffName,Budget\r\n")
    assert body.endswith("\r\n'=cmd|' /C calc'!A0,-12.50\r\n")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_a_download_is_private_and_named():
    book = Workbook()
    book.active.append(["x"])
    response = exports.xlsx_response(book, "plan.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="plan.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "x"


def test_a_file_is_named_after_the_day_in_the_network(monkeypatch):
    bishkek = SimpleNamespace(
        slug="kyrgyzstan", time_zone="Asia/Bishkek", time_zone_name="Bishkek time"
    )
    # 31 December, 20:00 UTC is already New Year's Day in Bishkek.
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 12, 31, 20, tzinfo=UTC))
    assert exports.dated_filename("workplan", bishkek, 7, extension="csv") == (
        "workplan-kyrgyzstan-7-2027-01-01.csv"
    )


def test_nothing_in_a_name_needs_quoting():
    assert exports.download_filename("report", 'a"b c', date(2026, 9, 1), extension="pdf") == (
        "report-a-b-c-2026-09-01.pdf"
    )
