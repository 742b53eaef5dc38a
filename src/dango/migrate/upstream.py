"""Reading the files upstream Dango 1.0.x wrote, as they are (STYLE rule 11: old formats are
read here only). Nothing here writes; every value read from `.env` or `.dlt/secrets.toml`
is registered with `redact` the moment it arrives."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import redact
from ..errors import MalformedFile
from ..registry import MIN_LENGTH

PLAINTEXT_COPIES = (".env.env.backup", ".env.backup")  # upstream's .env helper writes these


@dataclass(eq=False, repr=False)
class Upstream:
    root: Path
    settings: dict[str, Any]  # .dango/project.yml
    sources_doc: dict[str, Any]  # .dango/sources.yml
    env: dict[str, str]  # .env, parsed (values registered with redact)
    env_text: str | None
    secrets: dict[str, Any]  # .dlt/secrets.toml, parsed (values registered with redact)
    texts: dict[str, bytes | None] = field(default_factory=dict)  # relative path -> bytes
    env_parts: list[tuple[str | None, str]] = field(default_factory=list)  # (variable, its text)

    @property
    def sources(self) -> list[dict[str, Any]]:
        entries = self.sources_doc.get("sources") or []
        return [entry for entry in entries if isinstance(entry, dict)]

    def plaintext_copies(self) -> list[str]:
        return [name for name in PLAINTEXT_COPIES if (self.root / name).is_file()]


# how upstream's pydantic read a bool it was given as text or a number (`enabled: "false"`);
# an unquoted `no` / `off` was already False for upstream's YAML 1.1 reader
TRUE_WORDS = frozenset({"1", "on", "t", "true", "y", "yes"})
FALSE_WORDS = frozenset({"0", "off", "f", "false", "n", "no"})
_REFUSED = "run `dango migrate` again (nothing was written)."


def upstream_bool(value: Any) -> bool | None:
    """`value` as upstream's settings model read a bool; None when upstream refused it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    return None


def check_sources(root: Path, doc: dict[str, Any]) -> None:
    """Refuse, naming the line, what upstream's own loader refused in `.dango/sources.yml`
    (a source without a name, tags that are not a list, ...) and two sources that end up with
    one name (upstream lowercased every name): a project upstream could not load is not
    converted into one this Dango cannot load."""
    from ..yaml_io import line_of

    path = root / ".dango" / "sources.yml"
    entries = doc.get("sources")
    if entries is None:
        return
    if not isinstance(entries, list):
        raise MalformedFile(path, "expected a top-level `sources:` list", line_of(doc, "sources"),
                            fix=f"fix it and {_REFUSED}")
    seen: set[str] = set()
    for index, entry in enumerate(entries, 1):
        line = line_of(entries, index - 1)

        def fail(problem: str, key: str | None = None) -> MalformedFile:
            at = (line_of(entry, key) if key else None) or line
            return MalformedFile(path, problem, at, fix=f"fix that line and {_REFUSED}")

        if not isinstance(entry, dict):
            raise fail("each source must be a mapping with name and type")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(f"source {index} has no name", "name")
        name = name.lower()
        if name in seen:
            raise fail(f"source name {name!r} is used twice", "name")
        seen.add(name)
        if upstream_bool(entry.get("enabled", True)) is None:
            raise fail(f"enabled of {name!r} must be true or false", "enabled")
        if entry.get("description") is not None and not isinstance(entry["description"], str):
            raise fail(f"description of {name!r} must be text", "description")
        tags = entry.get("tags")
        if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
            raise fail(f"tags of {name!r} must be a list of words", "tags")


def read_bytes(root: Path, rel: str) -> bytes | None:
    try:
        return (root / rel).read_bytes()
    except FileNotFoundError:
        return None


def _text(root: Path, rel: str, data: bytes) -> str:
    """`data` as UTF-8 text (a byte order mark dropped); a file that Notepad saved as
    "Unicode" (UTF-16) or "ANSI" (a legacy code page) is one sentence naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise MalformedFile(root / rel, "is UTF-16 text" if utf16 else "is not UTF-8 text",
                            1 if utf16 else data[: err.start].count(b"\n") + 1,
                            fix=f"save it as UTF-8 (in Notepad: Save As, Encoding \"UTF-8\") and "
                                f"{_REFUSED}") from None


def _yaml(root: Path, rel: str, data: bytes | None) -> dict[str, Any]:
    from ..yaml_io import parse_yaml

    if data is None:
        return {}
    parsed = parse_yaml(root / rel, _text(root, rel, data))
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise MalformedFile(root / rel, "expected a mapping (Dango 1.0 format)")
    return parsed


def _register(value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _register(item)
    elif isinstance(value, list):
        for item in value:
            _register(item)
    elif isinstance(value, str) and len(value) >= MIN_LENGTH:
        redact.register(value)


def read(root: Path) -> Upstream:
    """The upstream project in `root`, read whole, written nowhere. The values of
    .dlt/secrets.toml are registered with redact here; those of .env once the plan knows
    which fields they fill (`register_secrets`)."""
    texts = {rel: read_bytes(root, rel) for rel in (
        ".dango/project.yml", ".dango/sources.yml", ".dlt/secrets.toml", ".env", ".gitignore")}
    settings = _yaml(root, ".dango/project.yml", texts[".dango/project.yml"])
    sources_doc = _yaml(root, ".dango/sources.yml", texts[".dango/sources.yml"])
    env: dict[str, str] = {}
    env_text = None
    env_parts: list[tuple[str | None, str]] = []
    if texts[".env"] is not None:
        env_text, env_parts = _env_file(root, texts[".env"])
        env = {key: value for key, value in _env_values(env_text).items() if value is not None}
    secrets: dict[str, Any] = {}
    if texts[".dlt/secrets.toml"] is not None:
        from ..store.toml_parse import parse_toml

        # the sentences every reader of secrets.toml gives (a Windows path in "...", values
        # nested too deeply), with the line, never the text
        secrets = parse_toml(root / ".dlt/secrets.toml",
                             _text(root, ".dlt/secrets.toml", texts[".dlt/secrets.toml"]))
        _check_shapes(root, secrets)
        from ..secrecy import secret_leaves

        _register([value for _, value in secret_leaves(secrets.get("sources") or {}, ("sources",))])
    if not isinstance(settings.get("platform") or {}, dict):
        raise MalformedFile(root / ".dango/project.yml", "platform: must be a mapping",
                            fix=f"fix it and {_REFUSED}")
    return Upstream(root, settings, sources_doc, env, env_text, secrets, texts, env_parts)


def _check_shapes(root: Path, secrets: dict[str, Any]) -> None:
    """The tables upstream's secrets.toml holds are tables: [sources], [dango], [dango.oauth],
    each [dango.oauth.<type>] and its metadata (a hand edit may have made one a value)."""
    def table(value: Any, key: str) -> None:
        if value is not None and not isinstance(value, dict):
            raise MalformedFile(root / ".dlt/secrets.toml", f"[{key}] must be a table",
                                fix=f"fix it and {_REFUSED}")

    table(secrets.get("sources"), "sources")
    table(secrets.get("dango"), "dango")
    oauth = (secrets.get("dango") or {}).get("oauth")
    table(oauth, "dango.oauth")
    for kind, record in (oauth or {}).items():
        table(record, f"dango.oauth.{kind}")
        table(record.get("metadata"), f"dango.oauth.{kind}.metadata")


def register_secrets(up: Upstream, secret_names: set[str], literals: list[Any]) -> None:
    """Register with redact, before anything is printed, the .env values of `secret_names`
    and the secrets upstream wrote in sources.yml itself (`literals`). A value that is only
    a `${OTHER}` reference is no secret."""
    _register([up.env[name] for name in sorted(secret_names)
               if name in up.env and not _only_reference(up.env[name])])
    _register(literals)


def _only_reference(value: str) -> bool:
    """`${OTHER}`: a value that names another variable and holds no secret itself (masking it
    would hide the variable's name, and every `${...}` sharing 8 characters with it)."""
    from ..store.references import single_reference

    return single_reference(value.strip()) is not None


def referred(value: str) -> set[str]:
    """The variables a .env value refers to (`${NAME}`, as python-dotenv expands them)."""
    from ..store.references import BadReference, references

    try:
        return {ref.name for ref in references(value)}
    except BadReference:
        return set()


def _env_file(root: Path, data: bytes) -> tuple[str, list[tuple[str | None, str]]]:
    """.env as text and as python-dotenv parses it: each variable (None for a comment or a
    blank line) with its whole text, a multi-line quoted value included. A file that is not
    UTF-8, or a line python-dotenv cannot parse, is one sentence naming the line."""
    import io

    from dotenv.parser import parse_stream

    text = _text(root, ".env", data)
    parts = []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise MalformedFile(root / ".env", "is not a NAME=value line", binding.original.line,
                                fix="fix or remove that line and run `dango migrate` again "
                                    "(nothing was written)")
        parts.append((binding.key, binding.original.string))
    return text, parts


def _env_values(text: str) -> dict[str, str | None]:
    import io

    from dotenv import dotenv_values

    # as written: a `${VAR}` in a value stays a reference, resolved when the value is used
    # (as upstream did at run time), never frozen with the environment of the migrating shell
    return dict(dotenv_values(stream=io.StringIO(text), interpolate=False))


def env_names(value: Any) -> set[str]:
    """The .env variables that `*_env` fields name anywhere under `value`."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).endswith("_env") and isinstance(item, str):
                found.add(item)
            found |= env_names(item)
    elif isinstance(value, list):
        for item in value:
            found |= env_names(item)
    return found


def mode_of(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode & 0o777
    except FileNotFoundError:
        return None
