"""The project's own secrets, resolved in memory, and every form in which they can leak.

Each secret value is searched for exactly and in its base64 (standard and URL-safe, at
the three alignments it can have inside longer base64 text), URL-encoded and
JSON-escaped forms. Values live only in memory for the duration of the scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..redact import MIN_LENGTH, NOT_SECRET_KEYS, encodings


@dataclass(frozen=True)
class OwnSecret:
    credential: str  # NAME.FIELD as `dango secrets rotate` takes it, or a key path
    value: str

    @property
    def fix(self) -> str:
        if self.credential.startswith("dango."):
            return "replace it: delete it from .dlt/secrets.toml and run `dango init` to create a new one"
        return f"rotate it: dango secrets rotate {self.credential}"


@dataclass(frozen=True)
class Form:
    needle: bytes
    secret: OwnSecret
    encoding: str  # "exact", "base64", "url", "json"


def _leaves(value: Any, path: str, key: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _leaves(item, f"{path}.{name}", str(name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item, path, key)
    elif (isinstance(value, str) and len(value) >= MIN_LENGTH and "${" not in value
          and key not in NOT_SECRET_KEYS):
        yield path, value


def project_secrets(project) -> tuple[list[OwnSecret], list[str], bool]:
    """Every secret value the project holds (sources, destinations, dango's own key),
    resolved; a warning for each one that could not be resolved; and whether one could
    not be read at all (a value that cannot be decrypted: the scan is incomplete). An
    unset ${VAR} is only a warning: its value is not held by this project here."""
    from ..credentials import Resolver
    from ..errors import DangoError, UnsetVariable
    from ..sources import load_sources

    resolver = Resolver(project)
    found: dict[str, OwnSecret] = {}
    problems: list[str] = []
    incomplete = False

    def add(credential: str, raw: Any, key_path: str, key: str) -> None:
        nonlocal incomplete
        try:
            value = resolver.resolve_stored(raw, key_path)
        except DangoError as err:
            incomplete = incomplete or not isinstance(err, UnsetVariable)
            problems.append(f"{key_path} could not be resolved, so its value is not searched for: {err}")
            return
        for _, leaf in _leaves(value, key_path, key):
            found.setdefault(leaf, OwnSecret(credential, leaf))

    try:
        specs = {source.name: source.spec for source in load_sources(project)}
    except DangoError as err:
        specs = {}
        problems.append(f"sources.yml could not be read ({err}); every value in secrets.toml counts as secret")
    for name, section in resolver.secrets.sources().items():
        if not isinstance(section, dict):
            continue
        spec = specs.get(name)
        for key, raw in section.items():
            field_name = key.removesuffix("__previous")
            if spec is not None and spec.has_field(field_name) and not spec.field(field_name).secret:
                continue
            add(f"{name}.{field_name}", raw, f"sources.{name}.{key}", key)
        if spec is not None:  # dlt's environment overrides hold secrets of the project too
            from ..credentials import env_override_name

            for spec_field in spec.fields:
                override = resolver.environ.get(env_override_name(name, spec_field.name))
                if spec_field.secret and override and len(override) >= MIN_LENGTH:
                    found.setdefault(override, OwnSecret(f"{name}.{spec_field.name}", override))
    destination = resolver.secrets.data.get("destination")
    for name, section in (destination.items() if isinstance(destination, dict) else ()):
        if isinstance(section, dict):
            for key, raw in section.items():
                add(f"destination.{name}.{key}", raw, f"destination.{name}.{key}", key)
    dango = resolver.secrets.data.get("dango")
    if isinstance(dango, dict):
        for key, raw in dango.items():
            add(f"dango.{key}", raw, f"dango.{key}", key)
    return list(found.values()), problems, incomplete


def forms_of(secrets: list[OwnSecret]) -> list[Form]:
    """Every needle to search for, longest first (so an encoding wins over a substring)."""
    forms: dict[bytes, Form] = {}
    for secret in secrets:
        for text, encoding in sorted(encodings(secret.value).items()):
            needle = text.encode("utf-8")
            if needle not in forms or encoding == "exact":
                forms[needle] = Form(needle, secret, encoding)
    return sorted(forms.values(), key=lambda form: len(form.needle), reverse=True)

