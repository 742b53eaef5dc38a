"""A Google Sheets range as records, the way upstream Dango (dlt's verified source) read it.

Pure functions over what the Sheets API returns, so that a table upstream loaded keeps its
columns and their types after a move:
- values come unformatted (numbers as numbers, booleans as booleans) and dates as serial
  numbers (`dateTimeRenderOption=SERIAL_NUMBER`);
- empty rows above the data and empty cells left of it are trimmed (`trim`);
- the first row names the columns; an empty header cell, or none above a value, becomes
  `col_<n>`; a header that is not text, or two headers that name one column, make every
  column `col_<n>` and the first row data (`headers`);
- a column whose first data cell is formatted as a date or a date-time turns serial
  numbers into dates or UTC timestamps (`column_types`, `records`);
- empty rows are skipped, empty cells are NULL.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterator, NamedTuple

_A1 = re.compile(r"(?P<start_col>[A-Z]+)(?P<start_row>\d+)(?::(?P<end_col>[A-Z]+)(?P<end_row>\d+))?\Z")
_PLAIN_SHEET = re.compile(r"[A-Za-z0-9_]+\Z")  # a sheet name A1 notation need not quote
_SERIAL_EPOCH = datetime(1899, 12, 30, tzinfo=timezone.utc)  # day 0 of Sheets' serial numbers


class Range(NamedTuple):
    """A rectangle of one sheet, as the API reports it (`'Data (raw)'!A1:Z1000`)."""

    sheet_name: str  # the field names are the columns upstream's spreadsheet_info has
    start_col: str
    start_row: int
    end_col: str
    end_row: int

    @classmethod
    def parse(cls, text: str) -> "Range":
        """The range the API returns for a request ("sheet!A1:B2", the sheet maybe quoted)."""
        sheet, _, cells = text.rpartition("!")
        if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
            sheet = sheet[1:-1].replace("''", "'")
        match = _A1.match(cells)
        if not sheet or not match:
            raise ValueError(f"not a sheet range: {text!r}")
        end_col = match["end_col"] or match["start_col"]
        end_row = int(match["end_row"] or match["start_row"])
        return cls(sheet, match["start_col"], int(match["start_row"]), end_col, end_row)

    def __str__(self) -> str:
        """As upstream wrote it in its `spreadsheet_info` table (the sheet name unquoted)."""
        return f"{self.sheet_name}!{self.start_col}{self.start_row}:{self.end_col}{self.end_row}"

    def a1(self) -> str:
        """For a request: the sheet name quoted where A1 notation needs it."""
        name = self.sheet_name
        sheet = name if _PLAIN_SHEET.match(name) else "'" + name.replace("'", "''") + "'"
        return f"{sheet}!{self.start_col}{self.start_row}:{self.end_col}{self.end_row}"

    def first_rows(self, count: int = 2) -> "Range":
        return self._replace(end_row=self.start_row + count - 1)


def shift_column(column: str, by: int) -> str:
    """`A` shifted by 2 is `C`; `Z` by 1 is `AA`."""
    number = 0
    for char in column:
        number = number * 26 + ord(char) - ord("A") + 1
    number += by
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def trim(where: Range, values: list[list[Any]]) -> tuple[Range, list[list[Any]]]:
    """Drop the empty rows above the data, then the empty cells left of the first row's first
    value (from every row), and move the range's corner to match."""
    rows_above = 0
    for row in values:
        if row:
            break
        rows_above += 1
    values = values[rows_above:]
    cells_left = 0
    for cell in values[0] if values else []:
        if cell != "":
            break
        cells_left += 1
    if cells_left:
        values = [row[cells_left:] for row in values]
    return where._replace(start_row=where.start_row + rows_above,
                          start_col=shift_column(where.start_col, cells_left)), values


def headers(header_cells: list[dict[str, Any]], normalize: Callable[[str], str],
            width: int = 0) -> list[str] | None:
    """The column names from the header row's cell data; None when the row cannot be a header
    (a cell that is not text, or two names that `normalize` makes one column). An empty cell
    is `col_<n>` (upstream gave up on the whole row when the API sent it as `{}`), and so is
    each column right of the header up to `width`, the widest row (upstream dropped them)."""
    names = []
    cells = list(header_cells) + [{}] * (width - len(header_cells))
    for index, cell in enumerate(cells):
        text = (cell or {}).get("formattedValue")
        if text is None:
            names.append(f"col_{index + 1}")
        elif "stringValue" in (cell.get("effectiveValue") or {}):
            names.append(text)
        else:
            return None
    if len({normalize(name) for name in names}) != len(names):
        return None
    return names


def column_types(first_data_cells: list[dict[str, Any]]) -> list[str | None]:
    """"date", "timestamp" or None per column, from the number format of its first data cell."""
    types: list[str | None] = []
    for cell in first_data_cells:
        kind = (((cell or {}).get("effectiveFormat") or {}).get("numberFormat") or {}).get("type")
        types.append("timestamp" if kind in ("DATE_TIME", "TIME") else "date" if kind == "DATE" else None)
    return types


def from_serial(serial: int | float, kind: str) -> date | datetime:
    """A serial number (days since 1899-12-30, the fraction the time of day) as a date or a
    UTC timestamp, rounded to the second."""
    moment = _SERIAL_EPOCH + timedelta(seconds=round(86400 * serial))
    return moment.date() if kind == "date" else moment


def records(rows: list[list[Any]], names: list[str], types: list[str | None]) -> Iterator[dict[str, Any]]:
    """Each non-empty row as {column: value}: "" is None, a number in a date column a date."""
    types = types + [None] * (len(names) - len(types))
    for row in rows:
        if not row:
            continue
        record = {}
        for index, name in enumerate(names):
            value = row[index] if index < len(row) else ""
            if value == "":
                value = None
            elif types[index] and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = from_serial(value, types[index])
            record[name] = value
        yield record
