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
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise MalformedFile(path, "is not UTF-8 text") from None
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
