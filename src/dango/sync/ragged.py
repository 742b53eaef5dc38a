"""CSV files whose rows do not all have as many fields as the header.

DuckDB's sniffer takes such a file for one text column (each line a value) or for rows
without a header (`column0`, `column1`, …); dango then reads it again with `null_padding`
(`csv_files.PADDED`): a short row gets NULL in the fields it lacks. A row with more fields
than the header has no column to go to, and DuckDB would invent `column3` for it; such a
file fails instead, with one sentence naming it and the line. Empty fields at the end
of a row (a trailing delimiter) are not extra: DuckDB drops them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

# the name DuckDB gives a column the header does not name (`column3`: the fourth)
GENERATED = re.compile(r"column(\d+)")


def garbled(columns: list[str]) -> bool:
    """Whether DuckDB's reading looks like a sniffer that gave up on the file's layout: no
    header found, or one column whose name holds a delimiter (`id,name,x`)."""
    return all(GENERATED.fullmatch(column) for column in columns) or \
        len(columns) == 1 and any(char in columns[0] for char in ",;|\t")


def maybe_ragged(columns: list[str]) -> bool:
    """Whether DuckDB named a column itself (an extra field, or an empty header field)."""
    return any(GENERATED.fullmatch(column) for column in columns)


def first_long_row(con, path: Path, exact: str, options: dict) -> tuple[int, int, int] | None:
    """(line, fields, header fields) of the first row of `path` with fields beyond its header
    that are not empty, read with the dialect DuckDB detects (`options` as given to it);
    None when there is none, or the file has no header or a dialect Python cannot read."""
    given = {name: value for name, value in options.items() if name in ("delimiter", "header")}
    named = "".join(f", {name} = ?" for name in given)
    sniffed = con.execute(
        f"SELECT Delimiter, Quote, SkipRows, HasHeader FROM sniff_csv(?, null_padding = true{named})",
        [exact, *given.values()]).fetchone()
    delimiter, quote, skip, header = sniffed
    if not header or len(delimiter) != 1 or len(quote) > 1 and quote != "(empty)":
        return None
    quoting = {"quoting": csv.QUOTE_NONE} if quote in ("", "(empty)") else {"quotechar": quote}
    import io

    from .sniff import open_data

    with io.TextIOWrapper(open_data(path), newline="", encoding="utf-8-sig", errors="replace") as file:
        for _ in range(skip):
            file.readline()
        reader = csv.reader(file, delimiter=delimiter, **quoting)
        try:
            width = len(next(reader, []))
            for record in reader:
                while len(record) > width and record[-1] == "":
                    record.pop()
                if width and len(record) > width:
                    return reader.line_num + skip, len(record), width
        except csv.Error:  # a field beyond Python's limit: DuckDB's reading stands
            return None
    return None


def sentence(where: str, line: int, fields: int, width: int) -> str:
    return (f"{where} has {fields} fields on line {line} where its header has {width}; fix that "
            "line (a stray delimiter, or a value with one that needs quotes) and sync again.")
