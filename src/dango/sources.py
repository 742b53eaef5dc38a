"""`.dango/sources.yml`: the project's source definitions (committed, no secrets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import (DangoError, DuplicateSource, MalformedFile, SourceNotFound, UnknownField,
                     UnknownSourceType)
from .project import Project
from .registry import (KEPT_KEY, METADATA_KEYS, NAME_RE, RESERVED_NAMES, TYPES, SourceType, get_type,
                       kept_type)
from .store.atomic import atomic_write, keep_line_endings
from .store.references import is_reference
from .yaml_io import dump_round_trip, line_of, parse_yaml, read_yaml_text


def env_override_name(source: str, key: str) -> str:
    """dlt's environment variable for one field of a source, which wins over every file."""
    return f"SOURCES__{source.upper()}__{key.upper()}"


def holds_reference(value: Any) -> bool:
    """A `${VAR}` or `ref+` reference anywhere in a value (lists and tables included)."""
    if isinstance(value, dict):
        return any(holds_reference(item) for item in value.values())
    if isinstance(value, list):
        return any(holds_reference(item) for item in value)
    return is_reference(value)


def reference_refused(source: str, field_name: str, key: str | None = None) -> tuple[str, str]:
    """(problem, fix) for a reference in sources.yml. This file is committed: a cloned
    repository's `base_url: https://elsewhere/${AWS_SECRET_ACCESS_KEY}` or `ref+` would send
    the user's environment or secret store to any server. Its values are used as written;
    a value that must differ per machine comes from dlt's environment override instead."""
    override = env_override_name(source, field_name)
    return (f"{key or field_name} of source {source!r} holds a ${{VAR}} or ref+ reference, but "
            ".dango/sources.yml is committed: its values are used as written, never filled in from "
            "your environment or a secret store",
            f"give the value itself, or set {override} in the environment, which is used instead "
            "of sources.yml")


@dataclass(eq=False, repr=False)
class Source:
    """One entry of sources.yml."""

    name: str
    type: str
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)  # non-secret fields from sources.yml
    line: int | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    kept: dict[str, Any] | None = None  # settings of a type dango cannot load yet (disabled)

    @property
    def spec(self) -> SourceType:
        return kept_type(self.type) if self.kept is not None else get_type(self.type)

    @property
    def why_disabled(self) -> str | None:
        if self.kept is not None:
            return f"dango cannot load {self.type} sources yet; its Dango 1.0 settings are kept"
        return None if self.enabled else "enabled: false in .dango/sources.yml"

    def to_json(self) -> dict[str, Any]:
        data = {"name": self.name, "type": self.type, "enabled": self.enabled,
                "options": dict(self.options)}
        if self.description is not None:
            data["description"] = self.description
        if self.tags:
            data["tags"] = list(self.tags)
        if not self.enabled:
            data["disabled_because"] = self.why_disabled
        return data


class SourcesFile:
    """sources.yml parsed once, checked against the registry, editable in place."""

    def __init__(self, project: Project):
        self.project = project
        self.path = project.sources_path
        try:
            self._text = read_yaml_text(self.path)
        except FileNotFoundError:
            raise DangoError(f"{self.path} is missing; run `dango init` to recreate it.") from None
        self.data = parse_yaml(self.path, self._text)
        self.sources = self._check()
        self._doc = None

    @classmethod
    def check_text(cls, path: Path, text: str) -> list[Source]:
        """The sources `text` would hold as the file at `path`, checked by the rules every
        load applies (MalformedFile when one fails): for a file about to be written whole,
        such as the one `dango migrate` converts. Nothing is read or written."""
        checker = cls.__new__(cls)
        checker.path, checker.data = path, parse_yaml(path, text)
        return checker._check()

    @property
    def doc(self):
        """The ruamel round-trip document, loaded on the first edit."""
        if self._doc is None:
            from .yaml_io import round_trip_document

            self._doc = round_trip_document(self._text)
            if self._doc is None or self._doc.get("sources") is None:
                from ruamel.yaml.comments import CommentedMap, CommentedSeq

                if self._doc is None:
                    self._doc = CommentedMap()
                self._doc["sources"] = CommentedSeq()
        return self._doc

    def _fail(self, problem: str, line: int | None, fix: str | None = None) -> MalformedFile:
        return MalformedFile(self.path, problem, line, fix=fix)

    def _check(self) -> list[Source]:
        doc = self.data if self.data is not None else {}
        if not isinstance(doc, dict) or not isinstance(doc.get("sources") or [], list):
            raise self._fail("expected a top-level `sources:` list", line_of(doc, "sources") or 1)
        entries = doc.get("sources") or []
        result: list[Source] = []
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            line = line_of(entries, index)
            if not isinstance(entry, dict):
                raise self._fail("each source must be a mapping with name and type", line)
            name, type_name = entry.get("name"), entry.get("type")
            if not isinstance(name, str) or not NAME_RE.match(name) or name in RESERVED_NAMES:
                raise self._fail(f"source name {name!r} is not a valid name", line_of(entry, "name") or line,
                                 "use a lowercase identifier such as stripe_payments")
            if name in seen:
                raise self._fail(f"source name {name!r} is used twice", line_of(entry, "name") or line,
                                 "give each source its own name")
            seen.add(name)
            enabled = entry.get("enabled", True)
            if not isinstance(enabled, bool):
                raise self._fail(f"enabled of {name!r} must be true or false", line_of(entry, "enabled"))
            description, tags = self._metadata(entry, name)
            if KEPT_KEY in entry and str(type_name) not in TYPES:
                result.append(self._kept(entry, name, str(type_name), enabled, line, description, tags))
                continue
            try:
                spec = get_type(str(type_name))
            except UnknownSourceType as err:
                raise self._fail(str(err).rstrip("."), line_of(entry, "type") or line) from None
            options: dict[str, Any] = {}
            for key, value in entry.items():
                if key in ("name", "type", "enabled", *METADATA_KEYS):
                    continue
                try:
                    spec_field = spec.field(str(key))
                except UnknownField as err:
                    raise self._fail(str(err).rstrip("."), line_of(entry, key)) from None
                if spec_field.secret:
                    raise self._fail(
                        f"{key} of source {name!r} is a secret and must not be in this committed file",
                        line_of(entry, key),
                        f"delete it here and store it with `dango secrets set {name}.{spec_field.name}`",
                    )
                try:
                    options[spec_field.name] = spec_field.conform(value)
                except ValueError as err:
                    raise self._fail(f"{key} of source {name!r} {err}", line_of(entry, key)) from None
                if holds_reference(value):
                    problem, fix = reference_refused(name, spec_field.name, str(key))
                    raise self._fail(problem, line_of(entry, key), fix)
            result.append(Source(name, spec.name, enabled, options, line, description, tags))
        return result

    def _metadata(self, entry: dict, name: str) -> tuple[str | None, list[str]]:
        description, tags = entry.get("description"), entry.get("tags", [])
        if description is not None and not isinstance(description, str):
            raise self._fail(f"description of {name!r} must be text", line_of(entry, "description"))
        if tags is None:
            tags = []
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise self._fail(f"tags of {name!r} must be a list of words", line_of(entry, "tags"),
                             "write them as tags: [finance, revenue]")
        return description, list(tags)

    def _kept(self, entry: dict, name: str, type_name: str, enabled: bool, line: int | None,
              description: str | None, tags: list[str]) -> Source:
        """A source of a type dango cannot load yet, its settings kept under `kept:`."""
        if enabled:
            raise self._fail(f"dango cannot load {type_name} sources yet, so {name!r} must stay "
                             "disabled", line_of(entry, "enabled") or line, "set enabled: false")
        kept = entry.get(KEPT_KEY)
        if not isinstance(kept, dict):
            raise self._fail(f"kept of {name!r} must be a mapping of the settings kept",
                             line_of(entry, KEPT_KEY) or line)
        return Source(name, type_name, False, {}, line, description, tags, dict(kept))

    # -- queries -----------------------------------------------------------------------
    def names(self) -> list[str]:
        return [s.name for s in self.sources]

    def get(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise SourceNotFound(name, self.names())

    # -- edits (callers hold the project lock) ------------------------------------------
    def add(self, source: Source) -> None:
        if source.name in self.names():
            raise DuplicateSource(source.name, self.project.relative(self.path))
        from ruamel.yaml.comments import CommentedMap

        entry = CommentedMap(name=source.name, type=source.type)
        if not source.enabled:
            entry["enabled"] = False
        for key, value in source.options.items():
            entry[key] = value
        self.doc["sources"].append(entry)
        self.sources.append(source)

    def remove(self, name: str) -> Source:
        source = self.get(name)
        entries = self.doc["sources"]
        for index, entry in enumerate(entries):
            if entry.get("name") == name:
                del entries[index]
                break
        self.sources.remove(source)
        return source

    def save(self) -> None:
        text = keep_line_endings(self._text, dump_round_trip(self.doc))
        atomic_write(self.path, text.encode("utf-8"), root=self.project.root)


def load_sources(project: Project) -> list[Source]:
    return SourcesFile(project).sources
