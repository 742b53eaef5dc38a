"""`.dlt/secrets.toml`: read fast, edited with tomlkit so comments and layout survive.

Reading uses the standard library's tomllib (fast, for the many read-only commands);
edits parse the same text with tomlkit. Every write goes through `atomic_write` with mode
0600 and refreshes the committed `secrets.toml.example`. Callers hold the project lock
around a read-modify-write (`with project.lock(): SecretsFile.load(project) ...`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .atomic import SECRET_MODE, atomic_write, current_text, in_change, keep_line_endings
from .references import is_reference, is_vault_reference, placeholder_of, references
from .toml_parse import parse_toml
from .toml_text import headers, key_lines, with_key_added, with_table_added, without_tables


def read_text(path: Path) -> str:
    """The file's text ("" when it does not exist), as the open change will leave it."""
    try:
        return current_text(path)
    except FileNotFoundError:
        return ""


class SecretsFile:
    def __init__(self, path: Path, root: Path, example_path: Path | None, text: str):
        self.path, self.root, self.example_path = path, root, example_path
        self.text = self.original = text
        self.data = parse_toml(path, text)
        self._doc = None
        self._lines: tuple[str, dict] | None = None  # (text it indexes, (table, key) -> line)
        self.codec = None  # crypto.codec.Codec: key check and encryption of writes, decryption

    @classmethod
    def load(cls, project) -> "SecretsFile":
        """The file as it is now. On an encrypted project the codec comes with it: before the
        first edit it checks that the key writes would use is the project's key (a wrong
        DANGO_MASTER_KEY or keyring key changes nothing, even for a write that encrypts
        nothing, such as unset), and it encrypts the secrets written. Reading checks nothing."""
        from ..crypto import looks_encrypted  # the rule alone (no cipher, no keyring)

        loaded = cls(project.secrets_path, project.root, project.example_path,
                     read_text(project.secrets_path))
        # Only encrypted projects import the cipher. The settings are read again: another
        # process may have encrypted or decrypted the project since this one started.
        if project.settings.get("encryption") or looks_encrypted(loaded.text):
            from ..crypto.codec import codec_for
            from ..project import load_project

            loaded.codec = codec_for(load_project(project.root), loaded.text)
            if in_change():  # loaded to be changed: a wrong key stops the change before it starts
                loaded.check_writable()
        return loaded

    def check_writable(self) -> None:
        """Called before every edit: refuses (exit 2) a write on an encrypted project whose
        key is not the project's key, before anything is changed or written."""
        if self.codec is not None:
            self.codec.check_writable()

    # -- reading -------------------------------------------------------------------------
    def sources(self) -> dict[str, Any]:
        sources = self.data.get("sources", {})
        return sources if isinstance(sources, dict) else {}

    def section(self, name: str) -> dict[str, Any] | None:
        section = self.sources().get(name)
        return section if isinstance(section, dict) else None

    def line_of(self, table: tuple[str, ...], key: str) -> int | None:
        if self._lines is None or self._lines[0] is not self.text:
            self._lines = (self.text, key_lines(self.text))
        return self._lines[1].get((table, key))

    # -- editing -------------------------------------------------------------------------
    @property
    def doc(self):
        if self._doc is None:
            import tomlkit

            self._doc = tomlkit.parse(self.text)
        return self._doc

    def set_value(self, source: str, key_path: tuple[str, ...], value: Any, *, secret: bool = True) -> None:
        """Set `[sources.<source>(.<table>)*] <key> = value`, creating the tables.

        `secret` is False for values that are not secret although kept here (a database
        host): encryption at rest leaves those readable.
        """
        self.set_path(("sources", source, *key_path), value, secret=secret)

    def get_path(self, path: tuple[str, ...]) -> Any:
        """The stored value at a full key path, or None."""
        current: Any = self.data
        for part in path:
            if not isinstance(current, dict) or part not in current:
                return None
            current = current[part]
        return current

    def set_path(self, full: tuple[str, ...], value: Any, *, secret: bool = True) -> None:
        """Set the value at a full key path such as ("dango", "fingerprint_key").

        A new key goes after the last key of its table and a new table after the source's
        (or the last source's) tables, so the comments that lead to the next table stay
        with it.
        """
        self.check_writable()
        if secret:
            from .. import redact

            redact.register(value)  # known to the redaction layer from the moment it exists
        if secret and self.codec is not None:
            value = self.codec.encode(value, full, self.get_path(full))
        expected = _with_value(self.data, full, value)
        text = _text_with_value(self.text, self.data, full, value)
        if text is not None and _loads_quiet(text) == expected:
            self.text, self.data, self._doc = text, expected, None
            return
        import tomlkit  # replacing an existing value, or a layout the line edit does not know

        table = self.doc
        for part in full[:-1]:
            if part not in table:
                table[part] = tomlkit.table(is_super_table=part == "sources")
            table = table[part]
        table[full[-1]] = value
        self._sync_from_doc()

    def replace_values(self, values: dict[tuple[str, ...], Any]) -> None:
        """Replace existing values at full key paths in one edit (comments and layout kept);
        used to encrypt or decrypt a whole file at once."""
        self.check_writable()
        if not values:
            return
        for full, value in values.items():
            table = self.doc
            for part in full[:-1]:
                table = table[part]
            table[full[-1]] = value
        self._sync_from_doc()

    def unset(self, source: str, key_path: tuple[str, ...]) -> bool:
        """Delete `[sources.<source>(.<table>)*] <key>`; see `unset_path`."""
        return self.unset_path(("sources", source, *key_path))

    def unset_path(self, path: tuple[str, ...]) -> bool:
        """Delete the key at a full key path; False when there is none. Empty tables it
        leaves behind stay (they may hold comments)."""
        self.check_writable()
        table: Any = self.doc
        for part in path[:-1]:
            if not isinstance(table, dict) or part not in table:
                return False
            table = table[part]
        if not isinstance(table, dict) or path[-1] not in table:
            return False
        del table[path[-1]]
        self._sync_from_doc()
        return True

    def remove_source(self, name: str) -> bool:
        """Delete every `[sources.<name>...]` table and nothing else."""
        self.check_writable()
        if name not in self.sources():
            return False
        expected = dict(self.data)
        expected["sources"] = {k: v for k, v in self.sources().items() if k != name}
        if not expected["sources"]:
            expected.pop("sources")
        surgery = without_tables(self.text, ("sources", name))
        if surgery is not None and _loads_quiet(surgery) == expected:
            self.text, self.data, self._doc = surgery, expected, None
            return True
        del self.doc["sources"][name]  # a layout the line surgery does not understand
        self._sync_from_doc()
        return True

    def _sync_from_doc(self) -> None:
        import tomlkit

        self.text = tomlkit.dumps(self._doc)
        self.data = parse_toml(self.path, self.text)

    def save(self) -> None:
        """Write atomically (0600) with the example, in the change's batch (callers hold the
        project lock); temporaries left by a killed writer are removed then: they hold
        secrets. A CRLF file stays CRLF."""
        text = keep_line_endings(self.original, self.text)
        atomic_write(self.path, text.encode("utf-8"), root=self.root, mode=SECRET_MODE)
        if self.example_path is not None:
            atomic_write(self.example_path, example_text(self.data).encode("utf-8"), root=self.root)


def _with_value(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of `data` with `value` at `path` (tables created as needed)."""
    copy = dict(data)
    table = copy
    for part in path[:-1]:
        inner = table.get(part)
        table[part] = dict(inner) if isinstance(inner, dict) else {}
        table = table[part]
    table[path[-1]] = value
    return copy


def _text_with_value(text: str, data: dict[str, Any], path: tuple[str, ...], value: Any) -> str | None:
    """The text with a new key added by a line edit; None when the key exists already."""
    import tomlkit

    table, key = path[:-1], path[-1]
    current: Any = data
    for part in table:
        current = current.get(part) if isinstance(current, dict) else None
    if isinstance(current, dict) and key in current:
        return None
    line = f"{tomlkit.key(key).as_string()} = {tomlkit.item(value).as_string()}\n"
    if isinstance(current, dict):
        return with_key_added(text, table, line)
    header = ".".join(tomlkit.key(part).as_string() for part in table)
    after = path[:2] if _has_prefix(text, path[:2]) else path[:1]
    return with_table_added(text, after, f"[{header}]\n{line}", before=("dango",))


def _has_prefix(text: str, prefix: tuple[str, ...]) -> bool:
    return any(p[: len(prefix)] == prefix for _, p in headers(text.splitlines()))


def _loads_quiet(text: str) -> dict | None:
    import tomllib

    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def example_text(data: dict[str, Any]) -> str:
    """The committed example: the same tables and keys, placeholders for every literal."""
    import tomlkit

    from ..project import EXAMPLE_HEADER

    def placeholders(table: dict[str, Any], into) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                sub = tomlkit.table()
                placeholders(value, sub)
                into[key] = sub
            else:
                into[key] = _example_value(key, value)

    doc = tomlkit.document()
    # a fixed order (dango's own table last), so the example changes only when a key does
    for key, value in sorted(data.items(), key=lambda item: item[0] == "dango"):
        if isinstance(value, dict):
            top = tomlkit.table(is_super_table=True)
            placeholders(value, top)
            doc[key] = top
        else:
            doc[key] = _example_value(key, value)
    return EXAMPLE_HEADER + tomlkit.dumps(doc)


def _example_value(key: str, value: Any) -> Any:
    """A reference names where the value comes from: it is kept, but only the variables of a
    `${VAR}` one (a default or the text around them may be the secret itself) and only the
    names of a `ref+` one's ?query (which may carry a token); anything else is a placeholder."""
    if not is_reference(value):
        return placeholder_of(key)
    if is_vault_reference(value):
        return _without_query_values(value)
    return "".join("${" + reference.name + "}" for reference in references(value))


def _without_query_values(reference: str) -> str:
    """`ref+SCHEME://PATH?a=1&b=2#/pointer` as `ref+SCHEME://PATH?a=<a>&b=<b>#/pointer`, split
    where `parse_vault_reference` splits it (the pointer at the first #, the query at the
    first ? before it)."""
    before, hash_mark, pointer = reference.partition("#")
    entry, question_mark, query = before.partition("?")
    if not question_mark:
        return reference
    names = [pair.partition("=")[0] for pair in query.split("&") if pair]
    return entry + "?" + "&".join(f"{name}=<{name}>" for name in names) + hash_mark + pointer
