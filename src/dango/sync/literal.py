"""Handing DuckDB's readers the one file dango listed and checked, never a pattern.

DuckDB's `read_csv`, `read_json` and `read_parquet` take every path as a glob: a file named
`*.csv` would make DuckDB read every file of its folder, the hidden ones too (a link
`.x.csv` to the project's `.env` among them), and `report[1].csv` would read `report1.csv`.
`exact` escapes each pattern character as a class of one (`[*]`), which DuckDB matches
literally, and asks DuckDB which files the escaped path matches before using it: it must be
the checked file alone, or the file is refused in one sentence.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SyncProblem

# what DuckDB's globbing reads as a pattern (`{` is not, today; escaping it is harmless)
PATTERN_CHARACTERS = "*?[{"


def escape(text: str) -> str:
    """`text` with every pattern character made a class of one, which matches it alone."""
    return "".join(f"[{char}]" if char in PATTERN_CHARACTERS else char for char in text)


def exact(con, path: Path, where: str) -> str:
    """`path` as DuckDB's readers must be given it to open that file and nothing else;
    SyncProblem (naming the file as `where`) if DuckDB would open anything else."""
    text = str(path)
    if not any(char in text for char in PATTERN_CHARACTERS):
        return text
    pattern = escape(text)
    matched = [str(row[0]) for row in con.execute("SELECT file FROM glob(?)", [pattern]).fetchall()]
    if matched != [text]:
        raise SyncProblem(f"{where} has a name DuckDB reads as a pattern of file names (it holds "
                          f"one of {' '.join(PATTERN_CHARACTERS)}); rename it without them and "
                          "sync again.")
    return pattern


def exact_all(con, paths: list[Path], where) -> list[str]:
    """`exact` for each path; `where(path)` names it in a message."""
    return [exact(con, path, where(path)) for path in paths]
