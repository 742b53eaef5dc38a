"""dlt's own files, `.dlt/config.toml` and `.dlt/secrets.toml`, as dlt itself reads them.

`dango sync` lets dlt read both files from the project. Dango reads secrets.toml leniently
(a UTF-8 byte order mark is skipped, and every write leaves it out), but dlt does not: a
file saved by Notepad or Excel as "UTF-8 with BOM" or as UTF-16, or a config.toml with a
typo, fails every source with a parser's words and no file name. These checks say it once,
naming the file and the fix, and never quote the file's text.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MalformedFile
from .toml_parse import parse_toml

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAVE_AS_UTF8 = ('save it as UTF-8 without a byte order mark (in Notepad: Save As, Encoding '
                 '"UTF-8", not "UTF-8 with BOM"; in an editor such as VS Code: "UTF-8")')


def unreadable_by_dlt(path: Path) -> MalformedFile | None:
    """Why dlt cannot read `path` (a BOM, UTF-16, bytes that are not UTF-8, TOML it cannot
    parse), as the error to raise or report; None when the file is fine or absent."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None  # absent: dlt reads nothing; a folder is refused where the file is read
    if data.startswith(_UTF16_BOMS):
        return MalformedFile(path, "is UTF-16 text, which dlt cannot read", 1, fix=_SAVE_AS_UTF8)
    if data.startswith(UTF8_BOM):
        return MalformedFile(path, "starts with a byte order mark, which dlt cannot read", 1,
                             fix=_SAVE_AS_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return MalformedFile(path, "is not UTF-8 text", line, fix=_SAVE_AS_UTF8)
    try:
        parse_toml(path, text)
    except MalformedFile as err:
        return err
    return None


def check_dlt_files(paths: tuple[Path, ...]) -> None:
    """Raise (exit 2) the first reason dlt cannot read one of `paths`."""
    for path in paths:
        problem = unreadable_by_dlt(path)
        if problem is not None:
            raise problem
