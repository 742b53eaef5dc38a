"""Changing the project's sources and secrets: add, remove, set, unset.

Each change runs under the project lock and re-reads the files inside it, so parallel
`dango` processes never lose each other's edits. secrets.toml is written before
sources.yml: a crash in between leaves a secrets section without its source (which
`validate` reports and a new `source add` reuses), never a source pointing at nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import DuplicateSource, InvalidValue, UsageError
from .redact import PUBLIC_PREFIXES, RUN
from .lifecycle.records import Changes
from .project import Project
from .registry import MIN_LENGTH, Field, SourceType, check_key, check_source_name, check_text, get_type
from .sources import Source, SourcesFile, holds_reference, reference_refused
from .store.references import escape, is_reference
from .store.secrets_file import SecretsFile

ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Characters a copy from a web page, a chat or a PDF brings along unseen: zero-width ones,
# the word joiner, a byte order mark, a no-break space.
_INVISIBLE = re.compile("[\u00a0\u200b-\u200f\u2060\u202f\ufeff]")


@dataclass
class Values:
    """Field values given for a source: literals (already typed) and `${VAR}` references."""

    literals: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        return set(self.literals) | set(self.refs)


def split_assignment(text: str, flag: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"{flag} expects FIELD=VALUE (the value given has no field name and =).")
    return name.strip(), value


def reference_text(ref: str) -> str:
    """What `--ref X` stores: `ref+…` as given (its syntax and scheme checked, nothing
    fetched), or `${X}` for an environment variable name."""
    if not ref.startswith("ref+"):
        return "${" + check_env_name(ref) + "}"
    from .store.references import BadVaultReference, parse_vault_reference
    from .vaults import FETCHERS, supported

    try:
        scheme = parse_vault_reference(ref).scheme
    except BadVaultReference as err:
        raise InvalidValue(f"The reference given {err.reason}; nothing was changed.") from None
    if scheme not in FETCHERS:
        raise InvalidValue(f"The reference given refers to the store {scheme!r}, which Dango does not "
                           f"support yet (it supports {supported()}); nothing was changed.")
    return ref


def refuse_reference_literal(value: Any, target: str) -> None:
    """A literal starting with `ref+` would read back as a store reference: refused."""
    if isinstance(value, str) and value.startswith("ref+"):
        raise UsageError(f"The value for {target} starts with ref+, which Dango would read as a "
                         "reference to a secret store; give a reference with --ref. Nothing was changed.")


def refuse_replacing_table(section: dict, key: str, spec_field, target: str) -> None:
    """A single value written over a table (rest_api's `headers`, an OAuth grant in
    `credentials`) would delete every value the table holds: refused."""
    if spec_field.kind == "table" or isinstance(section.get(key), dict):
        name, _, field = target.partition(".")
        field = field.split(".")[0]
        raise UsageError(f"{target} is a table of values ([sources.{name}.{field}] in .dlt/secrets.toml) "
                         "that one value would replace whole; edit the table there. Nothing was changed.")


def check_env_name(name: str) -> str:
    """`name` when it can name an environment variable and is not a key itself: `--ref
    stripe_secret_key=sk_live_...` (the key where its variable's name belongs) would store
    `${sk_live_...}`, which no output masks and the committed example shows."""
    if not ENV_NAME_RE.match(name):
        raise InvalidValue("The environment variable name given is not valid: use letters, digits "
                           "and _, not starting with a digit (such as STRIPE_API_KEY).")
    prefix = next((p for p in PUBLIC_PREFIXES if name.startswith(p) and len(name) > len(p)), None)
    if prefix is not None:
        raise InvalidValue(f"The variable name given with --ref starts with {prefix}, so it looks like a key "
                           "itself, not the name of a variable that holds one; nothing was changed. Give "
                           "--ref a name (such as STRIPE_API_KEY), or store the key from standard input or "
                           "the hidden prompt of `dango secrets set NAME.FIELD` (the command line, and so "
                           "your shell history, now holds that key).")
    return name


def parse_values(spec: SourceType, sets: list[str], refs: list[str]) -> Values:
    """Turn `--set F=V` and `--ref F=ENV` into typed values, checking every field."""
    values = Values()
    for text in sets:
        name, raw = split_assignment(text, "--set")
        spec_field = _settable(spec, name)
        if raw == "":
            raise UsageError(f"--set {spec_field.name}= gives no value; give one, or leave {spec_field.name} "
                             "out (a secret left out can be piped to `dango secrets set` later). "
                             "Nothing was changed.")
        values.literals[spec_field.name] = spec_field.parse(raw)
        if spec_field.secret:
            values.warnings.append(
                f"{spec_field.name} was given on the command line, where shell history and "
                "process lists can keep it; next time leave it out and type it at the hidden prompt."
            )
    for text in refs:
        name, variable = split_assignment(text, "--ref")
        spec_field = _settable(spec, name)
        if not spec_field.stored_in_secrets:
            raise UsageError(f"--ref works for fields kept in .dlt/secrets.toml; "
                             f"{spec_field.name} lives in .dango/sources.yml, give it with --set.")
        values.refs[spec_field.name] = reference_text(variable.strip())
    both = set(values.literals) & set(values.refs)
    if both:
        raise UsageError(f"{', '.join(sorted(both))} given with both --set and --ref; choose one.")
    values.warnings.extend(format_warnings(spec, values.literals))
    return values


def _settable(spec: SourceType, name: str) -> Field:
    spec_field = spec.field(name)
    if spec_field.via_auth:
        raise UsageError(f"{spec_field.name} of a {spec.name} source is written by "
                         "`dango auth`, not given here.")
    return spec_field


def format_warnings(spec: SourceType, literals: dict[str, Any]) -> list[str]:
    warnings = []
    for name, value in literals.items():
        edge = _edge_space(value)
        if edge:  # `echo %KEY% | ...` on Windows, a copy that took the space after the key
            warnings.append(f"{name}: the value given {edge}; it is stored as given, so if that is "
                            "not part of it, store it again without.")
        hidden = _INVISIBLE.search(value) if isinstance(value, str) else None
        if hidden:  # a key copied from a web page, a chat or a PDF
            warnings.append(f"{name}: the value given holds an invisible character "
                            f"(U+{ord(hidden.group()):04X}) at position {hidden.start() + 1}; it is stored "
                            "as given, so if it came with a copy, store the value again without it.")
        short = _short_secret(spec.field(name), value)
        if short:
            warnings.append(f"{name}: {short}")
        check = spec.field(name).check
        if check and isinstance(value, str) and not is_reference(value):
            problem = check(value)
            if problem:
                warnings.append(f"{name}: {problem}.")
    return warnings


def _short_secret(spec_field: Field, value: Any) -> str | None:
    """Why a secret this short is poorly masked in output (redact.py), else None."""
    if not spec_field.secret or not isinstance(value, str) or not value or len(value) >= RUN:
        return None
    if len(value) < MIN_LENGTH:
        return (f"the value given is shorter than {MIN_LENGTH} characters, too short for Dango to mask "
                "in what it prints; use a credential of 8 characters or more.")
    return (f"the value given is shorter than {RUN} characters, so Dango masks it only where it stands "
            "as a whole word, and then also where that word is part of its own output; use a "
            "credential of 8 characters or more.")


def _edge_space(value: Any) -> str | None:
    """How a text value has white space at an end ("ends with a space", ...), else None; a
    value of white space only (a tab as delimiter) is meant."""
    if not isinstance(value, str) or not value.strip():
        return None
    ends = [end for end, char in (("starts", value[0]), ("ends", value[-1])) if char.isspace()]
    if not ends:
        return None
    kinds = {"a tab" if char == "\t" else "a space" for char in (value[0], value[-1]) if char.isspace()}
    return f"{' and '.join(ends)} with {' or '.join(sorted(kinds))}"


def uses_alternative(spec: SourceType, present: set[str]) -> bool:
    """True when a second-choice group (a connection URL instead of host/...) is complete."""
    return any(set(group) <= present for group in spec.required[1:])


def unfilled(spec: SourceType, present: set[str], given: dict[str, Any]) -> list[Field]:
    """Fields a new source still lacks: its first required group, and the optional ones
    worth asking for (a database password), unless a complete alternative makes them moot."""
    if uses_alternative(spec, present):
        return []
    required = set(spec.required[0])
    return [f for f in spec.fields
            if f.name not in present and not f.via_auth and (f.name in required or f.asked(given))]


def to_ask(project: Project, spec: SourceType, name: str, values: Values) -> list[Field]:
    """The fields `source add` asks for on a terminal: those `unfilled` names that neither
    the command line nor an existing [sources.<name>] section of secrets.toml gives.
    A broken sources.yml or secrets.toml fails here, before anything is asked."""
    SourcesFile(project).names()
    existing = SecretsFile.load(project).section(name) or {}
    present = values.names() | {spec.field(k).name for k in existing if spec.has_field(k)}
    return unfilled(spec, present, values.literals)


def check_answerable(project: Project, spec: SourceType, name: str, values: Values) -> None:
    """NoTerminal when `source add` would have to ask for a field that has no default (a
    secret, a database password) while no terminal can answer. A missing required setting
    is left to `add_source`, whose sentence names the --set it needs."""
    from .errors import NoTerminal

    required = set(spec.required[0])
    fields = [f.name for f in to_ask(project, spec, name, values)
              if f.default is None and (f.secret or f.name not in required)]
    if fields:
        raise NoTerminal(name, fields)


@dataclass
class AddResult:
    source: Source
    unset_secrets: list[str]
    kept_from_secrets: list[str]


def add_source(project: Project, type_name: str, name: str, values: Values) -> AddResult:
    """Add a source to sources.yml and its credentials to secrets.toml."""
    spec = get_type(type_name)
    check_source_name(name)
    with project.lock():
        sources = SourcesFile(project)
        if name in sources.names():
            raise DuplicateSource(name, project.relative(sources.path))
        secrets = SecretsFile.load(project)
        existing = set(secrets.section(name) or {})
        present = values.names() | {spec.field(k).name for k in existing if spec.has_field(k)}
        lacking = [f for f in unfilled(spec, present, values.literals)
                   if f.name in spec.required[0]]
        lacking_plain = [f.name for f in lacking if not f.secret]
        if lacking_plain:
            alternatives = " or ".join(", ".join(group) for group in spec.required)
            raise UsageError(f"A {spec.name} source needs {alternatives}; missing: "
                             f"{', '.join(lacking_plain)}. Give them with --set FIELD=VALUE.")
        options = {}
        to_secrets = values.refs or any(spec.field(f).stored_in_secrets for f in values.literals)
        changes = Changes(project, secrets) if to_secrets else None
        for field_name, value in values.literals.items():
            spec_field = spec.field(field_name)
            if spec_field.stored_in_secrets:
                refuse_reference_literal(value, field_name)
                secrets.set_value(name, (field_name,), escape(value) if isinstance(value, str) else value,
                                  secret=spec_field.secret)
                if spec_field.secret:
                    changes.written(name, field_name, value)
            elif holds_reference(value):
                problem, fix = reference_refused(name, field_name)
                raise UsageError(f"{problem}; {fix}. Nothing was changed.")
            else:
                options[field_name] = value
        for field_name, stored in values.refs.items():
            secrets.set_value(name, (field_name,), stored, secret=False)
            changes.written(name, field_name, stored)
        if changes is not None:
            secrets.save()
        source = Source(name, spec.name, True, options)
        sources.add(source)
        sources.save()
        if changes is not None:
            changes.commit()
    unset = [f.name for f in unfilled(spec, present, values.literals) if f.secret]
    return AddResult(source, unset, sorted(existing))


def remove_source(project: Project, name: str) -> bool:
    """Remove the source, its secrets section and its OAuth tokens; True if it had secrets."""
    with project.lock():
        sources = SourcesFile(project)
        sources.get(name)
        secrets = SecretsFile.load(project)
        had_secrets = secrets.remove_source(name)
        if had_secrets:
            changes = Changes(project, secrets)
            changes.removed(name)
            secrets.save()
        sources.remove(name)
        sources.save()
        if had_secrets:
            changes.commit()
    return had_secrets


def secret_target(project: Project, target: str) -> tuple[Source, Field, tuple[str, ...]]:
    """`NAME.FIELD[.SUBKEY]` -> the source, its field, and the key path under its section."""
    name, dot, rest = target.partition(".")
    if not dot or not rest:
        raise UsageError("Expected NAME.FIELD, such as stripe_payments.stripe_secret_key.")
    source = SourcesFile(project).get(name)
    parts = tuple(rest.split("."))
    spec_field = source.spec.field(parts[0])
    if len(parts) > 2:
        raise UsageError(f"{name}.{spec_field.name} takes at most one key below it, as in "
                         f"{name}.credentials.refresh_token; nothing was changed.")
    if not spec_field.stored_in_secrets:
        raise UsageError(f"{spec_field.name} of {name} is not a secret; it lives in "
                         ".dango/sources.yml, edit it there.")
    if len(parts) > 1 and spec_field.name != "credentials":
        raise UsageError(f"{spec_field.name} holds a single value; use {name}.{spec_field.name}.")
    if len(parts) > 1:
        check_key(parts[1], f"The key given after {name}.{spec_field.name}.")
    return source, spec_field, parts


def set_secret(project: Project, target: str, value: str | None = None,
               ref: str | None = None) -> list[str]:
    """Store a literal (escaped), a `${ref}` or a `ref+…` store reference at NAME.FIELD;
    returns format warnings."""
    if (value is None) == (ref is None):
        raise UsageError("Give either a value or --ref ENV_VAR.")
    with project.lock():
        source, spec_field, parts = secret_target(project, target)
        secrets = SecretsFile.load(project)
        section = secrets.section(source.name) or {}
        key = parts[0]
        if len(parts) == 1:  # write to the key already in use (an alias such as api_key)
            key = next((k for k in (spec_field.name, *spec_field.aliases) if k in section), spec_field.name)
            refuse_replacing_table(section, key, spec_field, target)
        if ref is not None:
            stored: Any = reference_text(ref)
            warnings = []
        else:
            refuse_reference_literal(value, target)
            typed = spec_field.parse(value) if len(parts) == 1 else check_text(value, target)
            stored = escape(typed) if isinstance(typed, str) else typed
            warnings = format_warnings(source.spec, {spec_field.name: typed}) if len(parts) == 1 else []
        secrets.set_value(source.name, (key, *parts[1:]), stored,
                          secret=spec_field.secret and ref is None)
        changes = Changes(project, secrets)
        changes.written(source.name, ".".join((spec_field.name, *parts[1:])),
                        stored if ref is not None else typed if len(parts) == 1 else value)
        secrets.save()
        changes.commit()
    return warnings


def unset_secret(project: Project, target: str) -> bool:
    """Delete NAME.FIELD from secrets.toml; False when it was not set (nothing written)."""
    with project.lock():
        source, spec_field, parts = secret_target(project, target)
        secrets = SecretsFile.load(project)
        section = secrets.section(source.name) or {}
        keys = [parts] if len(parts) > 1 else [(k,) for k in (spec_field.name, *spec_field.aliases)]
        removed = False
        for key_path in keys:
            if key_path[0] in section:
                removed = secrets.unset(source.name, key_path) or removed
        if removed:
            changes = Changes(project, secrets)
            changes.removed(source.name, ".".join((spec_field.name, *parts[1:])))
            secrets.save()
            changes.commit()
    return removed
