"""The project's `.env` file, read with python-dotenv.

python-dotenv skips a line it cannot parse with a warning; we refuse it instead, naming
the line, because a silently dropped line is a variable that later looks "unset".
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import MalformedFile

# characters a value may reach through its ${VAR} references (a service-account JSON is a few
# thousand): ten lines of `A1=${A0}${A0}` would otherwise fill the memory of every command
LONGEST = 1 << 20


def load_dotenv_file(path: Path) -> dict[str, str]:
    """Variables defined in `path` ({} when it does not exist); MalformedFile on a bad line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:  # Notepad's "Unicode" (UTF-16) or a legacy code page
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        line = 1 if utf16 else data[: err.start].count(b"\n") + 1
        raise MalformedFile(path, "is UTF-16 text" if utf16 else "is not UTF-8 text", line,
                            fix="save it as UTF-8 (in Notepad: Save As, Encoding \"UTF-8\")") from None
    import io

    from dotenv.main import DotEnv
    from dotenv.parser import parse_stream

    bindings = list(parse_stream(io.StringIO(text)))
    for binding in bindings:
        if binding.error:
            raise MalformedFile(path, "this line is not a valid KEY=VALUE assignment",
                                binding.original.line,
                                fix="quote values with spaces or # in them, or remove the line")
    _check_growth(path, bindings)
    values = DotEnv(path, stream=io.StringIO(text), interpolate=True).dict()
    return {key: value for key, value in values.items() if value is not None}


def _check_growth(path: Path, bindings) -> None:
    """MalformedFile on the first line whose value, its ${VAR} references filled in as
    python-dotenv fills them (earlier lines, the environment, defaults), could exceed
    LONGEST characters; lengths only, nothing is expanded."""
    from dotenv.variables import Variable, parse_variables

    lengths: dict[str, int] = {}
    for binding in bindings:
        if binding.key is None or binding.value is None:
            continue
        total = 0
        for atom in parse_variables(binding.value):
            if isinstance(atom, Variable):
                total += max(lengths.get(atom.name, 0), len(os.environ.get(atom.name, "")), len(atom.default or ""))
            else:
                total += len(atom.value)
        if total > LONGEST:
            raise MalformedFile(path, f"the ${{...}} references of {binding.key} would make it "
                                      f"{total:,} characters long", binding.original.line,
                                fix="refer to each variable once; a value may be at most "
                                    f"{LONGEST:,} characters")
        lengths[binding.key] = total
