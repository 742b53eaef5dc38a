"""What a data file's first bytes say about reading it, where DuckDB's own detection errs.

- Excel writes `sep=;` as the first line of a CSV to name its delimiter; DuckDB would take
  that line for the header. `excel_separator` finds it: the file is read with that
  delimiter, that line skipped.
- A JSON array after a UTF-8 byte order mark is read by DuckDB as one value in a column
  `json`; `json_array_after_bom` finds it, to be read with `format = 'array'`.
- DuckDB reads a JSON array cut off after a comma (`[{...},` : a file still being written)
  as the rows it holds, without a word; `json_array_cut` finds it.
- `lines_at_most` tells an empty file or a header alone (nothing to load) from a file
  DuckDB could not read, however long its lines are.
"""

from __future__ import annotations

import re
from pathlib import Path

COMPRESSED = ".gz"  # a gzip-compressed file (`a.csv.gz`), read by DuckDB as it is
BOM = b"\xef\xbb\xbf"
EXCEL_SEPARATOR = re.compile(rb"sep=(.)\r?\n")


def open_data(path: Path):
    """The file's bytes as DuckDB reads them: a gzip-compressed file decompressed."""
    if path.suffix.lower() == COMPRESSED:
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


def _start(path: Path, size: int = 64) -> bytes:
    try:
        with open_data(path) as file:
            data = file.read(size)
    except (OSError, EOFError):
        return b""
    return data[len(BOM):] if data.startswith(BOM) else data


def excel_separator(path: Path) -> str | None:
    """The delimiter a first line `sep=;` names, else None."""
    match = EXCEL_SEPARATOR.match(_start(path, 16))
    return match.group(1).decode("latin-1") if match else None


def json_array_after_bom(path: Path) -> bool:
    try:
        with open_data(path) as file:
            return file.read(len(BOM)) == BOM and file.read(4096).lstrip().startswith(b"[")
    except (OSError, EOFError):
        return False


def json_array_cut(path: Path) -> bool:
    """Whether the file starts a JSON array and does not end it with `]`."""
    if not _start(path).lstrip().startswith(b"["):
        return False
    tail = b""
    try:
        with open_data(path) as file:
            if path.suffix.lower() != COMPRESSED:  # else read through to its end
                file.seek(max(0, file.seek(0, 2) - 64))
            for chunk in iter(lambda: file.read(1 << 20), b""):
                tail = (tail + chunk)[-64:]
    except (OSError, EOFError):
        return False
    return not tail.rstrip().endswith(b"]")


def lines_at_most(path: Path, most: int) -> bool:
    """Whether the file holds at most `most` lines that are not blank (read to the one after,
    whatever the length of those before: a header may be longer than any buffer)."""
    lines = 0
    try:
        with open_data(path) as file:
            for line in file:
                if line.strip() and line.strip() != BOM:
                    lines += 1
                    if lines > most:
                        return False
    except (OSError, EOFError):
        return False
    return True
