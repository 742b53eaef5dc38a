"""The project's `.env` file, read with python-dotenv.

python-dotenv skips a line it cannot parse with a warning; we refuse it instead, naming
the line, because a silently dropped line is a variable that later looks "unset".
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MalformedFile


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

    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise MalformedFile(path, "this line is not a valid KEY=VALUE assignment",
                                binding.original.line,
                                fix="quote values with spaces or # in them, or remove the line")
    values = DotEnv(path, stream=io.StringIO(text), interpolate=True).dict()
    return {key: value for key, value in values.items() if value is not None}
