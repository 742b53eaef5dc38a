"""The one resolution algorithm: where each field of a source gets its value.

Providers, in order of precedence (as in dlt), each a small object in `PROVIDERS`:
1. dlt's environment override `SOURCES__<NAME>__<FIELD>`;
2. `.dlt/secrets.toml` `[sources.<name>]` (secret and connection fields);
3. `.dango/sources.yml` (non-secret fields);
4. the field's default from the registry.
Every provider asked is recorded in `FieldValue.tried`, so a caller can say where it looked.
A stored value may hold `${VAR}` references, resolved from the process environment first,
then the project's `.env`, or be a `ref+SCHEME://…` reference to a secret store, fetched
through `dango.vaults` (once per process). Resolution happens in memory, at the moment of use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

from . import redact
from .errors import DangoError, MalformedFile, UnsetVariable
from .project import Project
from .registry import Field
from .secrecy import is_secret
from .sources import Source, env_override_name
from .store.dotenv_file import load_dotenv_file
from .store.references import (BadReference, BadVaultReference, VaultReference, interpolate,
                                is_placeholder, is_vault_reference, parse_vault_reference, references)
from .store.secrets_file import SecretsFile
from .vaults.errors import MalformedReference


@dataclass(eq=False, repr=False)
class FieldValue:
    """Where one field of a source got its value, and the value as stored."""

    source: str
    field: Field
    key: str  # the key as written (an alias such as api_key counts)
    raw: Any  # the stored value: literal, reference, nested table; None when missing
    origin: str  # "env" | "secrets" | "sources" | "default" | "missing" | "placeholder"
    line: int | None = None
    tried: tuple[str, ...] = ()  # the providers asked before (and including) the one that answered

    @property
    def key_path(self) -> str:
        return f"sources.{self.source}.{self.key}"

    @property
    def present(self) -> bool:
        return self.origin in ("env", "secrets", "sources")


def _register(key_path: str, value: Any) -> Any:
    """`value`, made known to the redaction layer when secrecy.py calls its key secret."""
    if is_secret(tuple(key_path.split("."))):
        redact.register(value)
    return value


def _names(spec_field: Field) -> tuple[str, ...]:
    return (spec_field.name, *spec_field.aliases)


class EnvOverride:
    """dlt's `SOURCES__<NAME>__<FIELD>` variable: the value itself, as dlt takes it."""

    name = "env"

    def __init__(self, resolver: "Resolver"):
        self.resolver = resolver

    def lookup(self, source: Source, spec_field: Field) -> FieldValue | None:
        for key in _names(spec_field):
            override = self.resolver.environ.get(env_override_name(source.name, key))
            if override is not None:
                return FieldValue(source.name, spec_field, key, override, self.name)
        return None


class SecretsToml:
    """`.dlt/secrets.toml` `[sources.<name>]`, under the field's name or an alias."""

    name = "secrets"

    def __init__(self, resolver: "Resolver"):
        self.secrets = resolver.secrets

    def lookup(self, source: Source, spec_field: Field) -> FieldValue | None:
        section = self.secrets.section(source.name) or {}
        for key in _names(spec_field):
            if key in section:
                line = self.secrets.line_of(("sources", source.name), key)
                # the example's `<password>`: the key is there, its value is not
                origin = "placeholder" if is_placeholder(key, section[key]) else self.name
                return FieldValue(source.name, spec_field, key, section[key], origin, line)
        return None


class SourcesYml:
    """The source's entry in `.dango/sources.yml` (non-secret fields)."""

    name = "sources"

    def __init__(self, resolver: "Resolver"):
        pass

    def lookup(self, source: Source, spec_field: Field) -> FieldValue | None:
        if spec_field.name in source.options:
            return FieldValue(source.name, spec_field, spec_field.name,
                              source.options[spec_field.name], self.name, source.line)
        return None


class RegistryDefault:
    """The field's default in the registry."""

    name = "default"

    def __init__(self, resolver: "Resolver"):
        pass

    def lookup(self, source: Source, spec_field: Field) -> FieldValue | None:
        if spec_field.default is not None:
            return FieldValue(source.name, spec_field, spec_field.name, spec_field.default, self.name)
        return None


# The providers, in order of precedence: the first that has a value wins.
PROVIDERS = (EnvOverride, SecretsToml, SourcesYml, RegistryDefault)


class Resolver:
    """Reads the stores once and answers for any number of sources."""

    def __init__(self, project: Project, secrets: SecretsFile | None = None,
                 environ: Mapping[str, str] | None = None, *, fetch: bool = True):
        self.project = project
        self.fetch = fetch  # False: `ref+` references are checked (syntax, library), not fetched
        self.secrets = secrets if secrets is not None else SecretsFile.load(project)
        self.environ = os.environ if environ is None else environ
        self._dotenv: dict[str, str] | None = None
        self.providers = tuple(kind(self) for kind in PROVIDERS)

    # -- where values come from -------------------------------------------------------
    def dotenv(self) -> dict[str, str]:
        if self._dotenv is None:
            self._dotenv = load_dotenv_file(self.project.env_path)
        return self._dotenv

    def lookup(self, name: str) -> str | None:
        if name in self.environ:
            return self.environ[name]
        return self.dotenv().get(name)

    def fields(self, source: Source) -> list[FieldValue]:
        return [self._field_value(source, spec_field) for spec_field in source.spec.fields]

    def _field_value(self, source: Source, spec_field: Field) -> FieldValue:
        tried: list[str] = []
        for provider in self.providers:
            tried.append(provider.name)
            found = provider.lookup(source, spec_field)
            if found is not None:
                found.tried = tuple(tried)
                return found
        return FieldValue(source.name, spec_field, spec_field.name, None, "missing", tried=tuple(tried))

    def unknown_keys(self, source: Source) -> list[str]:
        """Keys in the source's secrets section that its type does not define."""
        section = self.secrets.section(source.name) or {}
        return [key for key in section if not source.spec.has_field(key.removesuffix("__previous"))]

    # -- resolution -------------------------------------------------------------------
    def resolve(self, value: FieldValue) -> Any:
        """The value to use: references of secrets.toml interpolated (UnsetVariable if one
        is unset). A value of the committed sources.yml, or a default, is used as written: a
        cloned repository must not fill its values from the user's environment or stores."""
        if value.origin == "env":
            return _register(value.key_path, value.raw)  # dlt's override is the value
        if value.origin in ("sources", "default"):
            return value.raw
        return self.resolve_stored(value.raw, value.key_path, value.line)

    def decode(self, raw: str, key_path: str) -> str:
        """A stored string as written before any encryption: a value that looks encrypted
        (`crypto.looks_encrypted`: ENC[ anywhere, stray spaces and cut-off ends included) is
        decrypted here, or refused (DecryptionFailed naming the key path and file:line),
        never passed on as a plaintext credential; every other string is returned as is."""
        from .crypto import looks_encrypted  # the rule alone: no cipher, no keyring

        if not looks_encrypted(raw):
            return raw
        from .crypto.codec import decrypt_stored, line_in

        return decrypt_stored(self.project, raw, key_path, self.project.relative(self.secrets.path),
                              lambda: line_in(self.secrets.text, key_path))

    def resolve_stored(self, raw: Any, key_path: str, line: int | None = None) -> Any:
        """A value as stored in secrets.toml (any nesting), decoded and interpolated."""
        if isinstance(raw, dict):
            return {k: self.resolve_stored(v, f"{key_path}.{k}", line) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.resolve_stored(v, key_path, line) for v in raw]
        if not isinstance(raw, str):
            return raw
        raw = self.decode(raw, key_path)
        if is_vault_reference(raw):
            from . import vaults  # fetchers and their libraries load only when one is used

            reference = self.vault_reference(raw, key_path, line)
            if not self.fetch:
                vaults.check_usable(reference, key_path, self.project.root)
                return raw
            return vaults.resolve(reference, self.project.root, key_path)
        if "$" not in raw:
            return _register(key_path, raw)

        def missing(name: str) -> str:
            raise UnsetVariable(name, key_path, self.project.relative(self.secrets.path), line)

        try:
            return _register(key_path, interpolate(raw, self.lookup, missing))
        except BadReference:
            raise MalformedFile(
                self.project.relative(self.secrets.path),
                f"{key_path} has a `${{` that starts no valid ${{VAR}} reference", line,
                fix="write $${ for a literal ${",
            ) from None

    def vault_reference(self, raw: str, key_path: str, line: int | None = None) -> VaultReference:
        """The parsed `ref+` reference, read only (no store is contacted); MalformedReference
        (exit 2, naming the file and line) when it is malformed or its scheme unsupported."""
        from .vaults import FETCHERS, supported

        where = self.project.relative(self.secrets.path)
        if line is None:
            line = self.secrets.line_of(tuple(key_path.split(".")[:-1]), key_path.split(".")[-1])
        try:
            reference = parse_vault_reference(raw)
        except BadVaultReference as err:
            raise MalformedReference(key_path, where, line, err.reason) from None
        if reference.scheme not in FETCHERS:
            raise MalformedReference(key_path, where, line,
                                     f"refers to the store {reference.scheme!r}, which Dango does not "
                                     f"support yet; it supports {supported()}")
        return reference

    def reference_status(self, raw: Any) -> list[tuple[str, bool, bool]]:
        """[(variable, is set, has a default)] for each reference in a stored string."""
        if not isinstance(raw, str) or "${" not in raw:
            return []
        try:
            refs = references(raw)
        except BadReference:
            return []
        return [(ref.name, self.lookup(ref.name) is not None, ref.default is not None) for ref in refs]

    def resolved_config(self, source: Source, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every field that has a value, resolved: what sync and health checks use.

        `overrides` replaces fields without resolving their stored value (a candidate
        value under test during rotation)."""
        config: dict[str, Any] = dict(overrides or {})
        for value in self.fields(source):
            if value.origin not in ("missing", "placeholder") and value.field.name not in config:
                config[value.field.name] = self.conform(value, self.resolve(value))
        return config

    def conform(self, value: FieldValue, resolved: Any) -> Any:
        """`resolved` (the value of `value`) as its field's kind holds it (`Field.conform`),
        else a DangoError naming where it is set (never the value)."""
        try:
            return value.field.conform(resolved)
        except ValueError as err:
            if value.origin == "secrets":
                raise MalformedFile(self.project.relative(self.secrets.path), f"{value.key_path} {err}",
                                    value.line) from None
            if value.origin == "env":
                raise DangoError(f"{env_override_name(value.source, value.key)} (the environment "
                                 f"variable setting {value.key_path}) {err}; set it again.") from None
            raise
