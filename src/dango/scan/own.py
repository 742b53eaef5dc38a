"""The project's own secrets, resolved in memory, and every form in which they can leak.

Each secret value is searched for exactly and in its base64 (standard and URL-safe, at
the three alignments it can have inside longer base64 text), URL-encoded, JSON- and
HTML-escaped forms (`redact.encodings`); so is the key of an encrypted project. Values live
only in memory for the duration of the scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..crypto import looks_encrypted  # the rule alone: no cipher, no keyring
from ..redact import encodings
from ..registry import SCAN_MIN_LENGTH, SourceType
from ..secrecy import is_literal, secret_leaves, written_secrets


ENCRYPTION_KEY = "the project's encryption key"  # the credential a finding of the key names


@dataclass(frozen=True)
class OwnSecret:
    credential: str  # NAME.FIELD as `dango secrets rotate` takes it, a key path, or ENCRYPTION_KEY
    value: str

    @property
    def fix(self) -> str:
        if self.credential == ENCRYPTION_KEY:
            return ("replace it: dango secrets rotate-key (and put the new key wherever "
                    "DANGO_MASTER_KEY is set)")
        if self.credential.startswith("dango."):
            return "replace it: delete it from .dlt/secrets.toml and run `dango init` to create a new one"
        return f"rotate it: dango secrets rotate {self.credential}"


@dataclass(frozen=True)
class Form:
    needle: bytes
    secret: OwnSecret
    encoding: str  # "exact", "base64", "url", "json", "html"


def project_secrets(project, *, fetch: bool = True) -> tuple[list[OwnSecret], list[str], bool]:
    """Every secret value the project holds (sources, destinations, dango's own key, any
    other table of secrets.toml; secrecy.is_secret decides which values are secret),
    resolved; a warning for each one that could not be resolved; and whether one could
    not be read at all (a value that cannot be decrypted: the scan is incomplete). An
    unset ${VAR} is only a warning: its value is not held by this project here; so is a
    `ref+` reference whose store could not be reached (the warning names the store)."""
    from ..credentials import Resolver
    from ..errors import DangoError, UnsetVariable
    from ..sources import load_sources
    from ..vaults.errors import MalformedReference, VaultError

    resolver = Resolver(project, fetch=fetch)  # fetch=False: ref+ references are not fetched
    found: dict[str, OwnSecret] = {}
    problems: list[str] = []
    incomplete = False

    def add(credential: str, raw: Any, path: tuple[str, ...], spec: SourceType | None = None) -> None:
        nonlocal incomplete
        if next(secret_leaves(raw, path, spec), None) is None:
            return  # nothing secret is stored there (a host, upstream's [dango.oauth] notes)
        key_path = ".".join(path)
        for leaf_path, leaf in secret_leaves(raw, path, spec):  # a ${VAR:-default}'s default, as written
            if looks_encrypted(leaf):  # a reference encrypted whole holds its default inside
                try:
                    leaf = resolver.decode(leaf, ".".join(leaf_path))
                except DangoError:
                    continue  # reported below, when the value itself is resolved
            for part in written_secrets(leaf):
                if part != leaf:
                    found.setdefault(part, OwnSecret(credential, part))
        try:
            value = resolver.resolve_stored(raw, key_path)
        except DangoError as err:
            incomplete = incomplete or not isinstance(err, (UnsetVariable, VaultError, MalformedReference))
            problems.append(f"{key_path} could not be resolved, so its value is not searched for: {err}")
            return
        for _, leaf in secret_leaves(value, path, spec):
            if is_literal(leaf):
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
            add(f"{name}.{key.removesuffix('__previous')}", raw, ("sources", name, key), spec)
        if spec is not None:  # dlt's environment overrides hold secrets of the project too
            from ..sources import env_override_name

            for spec_field in spec.fields:
                override = resolver.environ.get(env_override_name(name, spec_field.name))
                if spec_field.secret and is_literal(override):
                    found.setdefault(override, OwnSecret(f"{name}.{spec_field.name}", override))

    def walk(table: Any, path: tuple[str, ...]) -> None:  # a credential: up to 3 keys deep
        if isinstance(table, dict) and len(path) < 3:
            for key, item in table.items():
                walk(item, (*path, str(key)))
        else:
            add(".".join(path), table, path)

    for top, table in resolver.secrets.data.items():  # [destination.*], [dango], any other
        if top != "sources":
            walk(table, (str(top),))
    for key in _encryption_keys(project):
        found.setdefault(key, OwnSecret(ENCRYPTION_KEY, key))
    return list(found.values()), problems, incomplete


def _encryption_keys(project) -> list[str]:
    """The key that opens the project's encrypted values, as `dango secrets key export` prints
    it and DANGO_MASTER_KEY holds it (base64): whoever finds it in a file or a commit can
    decrypt .dlt/secrets.toml. None when the project is not encrypted or its key is not here
    (then its values could not be read either, and the scan says so)."""
    from ..crypto import keys, state  # down a floor; only a scan of an encrypted project asks
    from ..errors import DangoError

    kid = state.current_key_id(project)
    if kid is None:
        return []
    try:
        return [keys.encode_key(keys.get_key(project, kid))]
    except DangoError:
        return []


def forms_of(secrets: list[OwnSecret]) -> list[Form]:
    """Every needle to search for, longest first (so an encoding wins over a substring)."""
    forms: dict[bytes, Form] = {}
    for secret in secrets:
        if len(secret.value) < SCAN_MIN_LENGTH:
            continue  # bytes are compared with no token rule: a shorter value is an ordinary word
        for text, encoding in sorted(encodings(secret.value).items()):
            needle = text.encode("utf-8")
            if needle not in forms or encoding == "exact":
                forms[needle] = Form(needle, secret, encoding)
    return sorted(forms.values(), key=lambda form: len(form.needle), reverse=True)

