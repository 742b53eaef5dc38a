"""A stand-in for the three Google Sheets API v4 calls `google_sheets` makes.

A book is {sheet title: rows}, a row a list of cells. A cell is text, a number, a boolean,
a date or a datetime (held as Sheets holds them: a serial number with a DATE or DATE_TIME
number format), or "" / None for an empty cell. Like the real API:
- `GET /v4/spreadsheets/{id}` gives the book's title and sheet titles; with
  `includeGridData=true` and `ranges`, each range's cell data (formatted value, effective
  value, number format) under its sheet, in the order asked;
- `GET /v4/spreadsheets/{id}/values:batchGet?ranges=...` gives each range's values,
  formatted unless `valueRenderOption=UNFORMATTED_VALUE`, dates as serial numbers only with
  `dateTimeRenderOption=SERIAL_NUMBER`; trailing empty cells and rows are left out;
- a range that names no sheet is HTTP 400, an unknown book HTTP 404.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

GRID_ROWS, GRID_COLUMNS = 1000, 26  # a new sheet's size
_CELLS = re.compile(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\Z")


def answer(book_id: str, book: dict[str, list[list[Any]]] | None, tail: str,
           params: dict[str, list[str]]) -> tuple[int, dict]:
    if book is None:
        return 404, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}
    try:
        rects = [_rect(book, text) for text in params.get("ranges", [])]
    except KeyError as err:
        return 400, {"error": {"code": 400, "message": f"Unable to parse range: {err.args[0]}",
                               "status": "INVALID_ARGUMENT"}}
    if tail == "":
        body: dict[str, Any] = {"spreadsheetId": book_id, "properties": {"title": f"Book {book_id}"},
                                "sheets": [{"properties": {"title": title}} for title in book]}
        if params.get("includeGridData") == ["true"]:
            blocks: dict[str, list] = {}
            for sheet, r0, c0, r1, c1 in rects:
                rows = [_trailing([_cell_data(cell) for cell in row], {}) for row in _cut(book[sheet], r0, c0, r1, c1)]
                blocks.setdefault(sheet, []).append(
                    {"startRow": r0, "startColumn": c0, "rowData": [{"values": row} for row in rows]})
            body["sheets"] = [{"properties": {"title": t}, "data": blocks[t]} for t in book if t in blocks]
        return 200, body
    if tail == "values:batchGet":
        raw = params.get("valueRenderOption") == ["UNFORMATTED_VALUE"]
        serial = params.get("dateTimeRenderOption") == ["SERIAL_NUMBER"]
        value_ranges = []
        for sheet, r0, c0, r1, c1 in rects:
            rows = [_trailing([_value(cell, raw, serial) for cell in row], "") for row in _cut(book[sheet], r0, c0, r1, c1)]
            while rows and not rows[-1]:
                rows.pop()
            entry = {"range": _a1(sheet, r0, c0, r1, c1), "majorDimension": "ROWS"}
            if rows:
                entry["values"] = rows
            value_ranges.append(entry)
        return 200, {"spreadsheetId": book_id, "valueRanges": value_ranges}
    return 404, {"error": {"code": 404, "status": "NOT_FOUND"}}


def _rect(book: dict, text: str) -> tuple[str, int, int, int, int]:
    """(sheet, first row, first column, last row, last column), zero-based and inclusive."""
    sheet, _, cells = text.rpartition("!") if "!" in text else (text, "", "")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    if sheet not in book:
        raise KeyError(text)
    if not cells:
        return sheet, 0, 0, max(GRID_ROWS, len(book[sheet])) - 1, GRID_COLUMNS - 1
    match = _CELLS.match(cells)
    if not match:
        raise KeyError(text)
    c0, r0 = _column(match[1]), int(match[2]) - 1
    c1, r1 = (_column(match[3]), int(match[4]) - 1) if match[3] else (c0, r0)
    return sheet, r0, c0, r1, c1


def _column(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - ord("A") + 1
    return number - 1


def _letters(index: int) -> str:
    index += 1
    text = ""
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def _a1(sheet: str, r0: int, c0: int, r1: int, c1: int) -> str:
    name = sheet if re.fullmatch(r"[A-Za-z0-9_]+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{_letters(c0)}{r0 + 1}:{_letters(c1)}{r1 + 1}"


def _cut(rows: list[list[Any]], r0: int, c0: int, r1: int, c1: int) -> list[list[Any]]:
    return [list(row[c0:c1 + 1]) for row in rows[r0:r1 + 1]]


def _trailing(cells: list, empty: Any) -> list:
    while cells and cells[-1] == empty:
        cells.pop()
    return cells


def _serial(value: date) -> float | int:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return (value - date(1899, 12, 30)).days


def _formatted(cell: Any) -> str:
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        return f"{cell:,.2f}"  # a number format with thousands separators, as sheets often have
    return str(cell)


def _value(cell: Any, raw: bool, serial: bool) -> Any:
    if cell is None or cell == "":
        return ""
    if raw and isinstance(cell, date):
        return _serial(cell) if serial else _formatted(cell)
    if raw and isinstance(cell, (int, float, bool)):
        return cell
    return _formatted(cell)


def _cell_data(cell: Any) -> dict:
    if cell is None or cell == "":
        return {}
    data: dict[str, Any] = {"formattedValue": _formatted(cell)}
    if isinstance(cell, date):
        kind = "DATE_TIME" if isinstance(cell, datetime) else "DATE"
        data["effectiveValue"] = {"numberValue": _serial(cell)}
        data["effectiveFormat"] = {"numberFormat": {"type": kind}}
    elif isinstance(cell, bool):
        data["effectiveValue"] = {"boolValue": cell}
    elif isinstance(cell, (int, float)):
        data["effectiveValue"] = {"numberValue": cell}
    else:
        data["effectiveValue"] = {"stringValue": cell}
    return data
