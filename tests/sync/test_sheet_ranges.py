"""How a Sheets range becomes records (sync/sheet_ranges.py): the pure parts, in-process."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from dango.sync.sheet_ranges import Range, from_serial, headers, records, shift_column, trim


def test_ranges_as_the_api_writes_them_and_as_requests_need_them():
    assert Range.parse("Orders!A1:Z1000") == Range("Orders", "A", 1, "Z", 1000)
    quoted = Range.parse("'Bob''s (raw) data'!B3:AA40")
    assert quoted == Range("Bob's (raw) data", "B", 3, "AA", 40)
    assert str(quoted) == "Bob's (raw) data!B3:AA40"  # upstream's spreadsheet_info text
    assert quoted.first_rows().a1() == "'Bob''s (raw) data'!B3:AA4"
    assert Range.parse("Sheet1!C7") == Range("Sheet1", "C", 7, "C", 7)
    for bad in ("", "Orders", "Orders!", "Orders!1:2", "!A1:B2"):
        with pytest.raises(ValueError):
            Range.parse(bad)


def test_columns_shift_across_letter_boundaries():
    assert [shift_column("A", 2), shift_column("Z", 1), shift_column("AZ", 1), shift_column("B", 0)] == \
        ["C", "AA", "BA", "B"]


def test_trim_moves_the_corner_past_empty_rows_and_cells():
    where, values = trim(Range("S", "A", 1, "Z", 9), [[], ["", "", "h"], ["", "", 1, 2]])
    assert where == Range("S", "C", 2, "Z", 9) and values == [["h"], [1, 2]]
    assert trim(Range("S", "A", 1, "Z", 9), []) == (Range("S", "A", 1, "Z", 9), [])


def text(value: str) -> dict:
    return {"formattedValue": value, "effectiveValue": {"stringValue": value}}


def test_headers_name_blank_and_missing_cells_and_refuse_what_is_no_header():
    same = str.lower
    assert headers([text("a"), {}, text("c")], same, width=5) == ["a", "col_2", "c", "col_4", "col_5"]
    number = {"formattedValue": "2024", "effectiveValue": {"numberValue": 2024}}
    assert headers([text("year"), number], same) is None
    assert headers([text("Name"), text("name")], same) is None  # one column after normalizing


def test_serial_numbers_become_dates_and_utc_timestamps():
    assert from_serial(45296, "date") == date(2024, 1, 5)
    assert from_serial(45297.4375, "timestamp") == datetime(2024, 1, 6, 10, 30, tzinfo=timezone.utc)
    rows = [[45296, "", True, 7], [], [45297]]
    assert list(records(rows, ["d", "e", "b", "n"], ["date", None, "date"])) == [
        {"d": date(2024, 1, 5), "e": None, "b": True, "n": 7},
        {"d": date(2024, 1, 6), "e": None, "b": None, "n": None}]
