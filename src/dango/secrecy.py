"""Which values are secret: the one place that decides it (SPEC section 3).

Every value in `.dlt/secrets.toml` is secret unless its source type declares it is not:
`is_secret(path)` answers for a full key path from the registry's fields (`Field.secret`)
and the lists beside them in `registry.py` (dango's own keys, what describes an OAuth grant
or locates a database). Everything that registers, encrypts or searches for secrets asks
here; `redact.py` knows nothing of the project and masks only what it is handed.

This module is read at start-up, before any command runs (`startup_secrets`), so it imports
nothing but the registry, the pure value rules of `store/references.py` and the standard
library's `tomllib`.
"""

from __future__ import annotations

import os
from typing import Any, Iterator, Sequence

from .crypto import looks_encrypted  # the rule alone: the package imports nothing heavy
from .registry import DANGO_SECRET_KEYS, MIN_LENGTH, NOT_SECRET_KEYS, TYPES, SourceType
from .store.references import is_placeholder

PREVIOUS = "__previous"  # a rotated-out value kept beside its field (`password__previous`)
# Variables that hold a secret whatever their value: the encryption key, OAuth client secrets.
SECRET_VARIABLES = ("DANGO_MASTER_KEY", "GOOGLE_CLIENT_SECRET", "FACEBOOK_APP_SECRET")


def without_secret_variables(environ) -> dict[str, str]:
    """`environ` without the variables that hold Dango's own secrets: the environment of the
    programs Dango runs that need none of them (git, sops, ssh-keygen)."""
    return {name: value for name, value in environ.items() if name not in SECRET_VARIABLES}


def is_secret(path: Sequence[str], source_type: SourceType | None = None) -> bool:
    """Whether the value at `path`, a full key path in secrets.toml such as
    ("sources", "pay", "stripe_secret_key") or ("dango", "oauth", "sheet", "provider"), is
    secret. `source_type` is the type of the source `path` belongs to, when the caller knows
    it (sources.yml read); without it a key is judged by its name alone.

    - [dango]: only dango's own keys (`fingerprint_key`); upstream's metadata is shown,
      except what `dango migrate` kept unused under [dango.upstream] (a tool's api_token):
      secret unless its key is one that is never secret.
    - [sources.<name>] of a known type: a field the type declares not secret (host, base_url)
      is shown; a key the type does not declare is secret; inside a secret table (OAuth
      `credentials`) the keys that describe the grant (client_id, scopes, expiry...) are shown.
    - Anything else ([destination.*], a source of unknown type, another table): secret
      unless its key is one that is never secret (`registry.NOT_SECRET_KEYS`).
    """
    if not path:
        return False
    if path[0] == "dango":
        if len(path) > 2 and path[1] == "upstream":  # kept by `dango migrate`: tokens among them
            return path[-1] not in NOT_SECRET_KEYS
        return len(path) == 2 and path[1] in DANGO_SECRET_KEYS
    if path[0] == "sources" and len(path) >= 3 and source_type is not None:
        name = path[2].removesuffix(PREVIOUS)
        if not source_type.has_field(name):
            return True
        if not source_type.field(name).secret:
            return False
        if len(path) == 3:
            return True
    return path[-1].removesuffix(PREVIOUS) not in NOT_SECRET_KEYS


def is_literal(value: Any) -> bool:
    """A stored string that is itself the secret: not a `${VAR}` reference, not a ciphertext,
    and long enough to be told apart from ordinary words (registry.MIN_LENGTH)."""
    return (isinstance(value, str) and len(value) >= MIN_LENGTH and "${" not in value
            and not looks_encrypted(value))


def written_secrets(value: Any) -> list[str]:
    """The secret text a stored value holds as written: a literal is one; a value with
    `${VAR}` references holds its defaults and, unless it is a connection URL (whose
    literal parts are a scheme, a user and a host), the literal text around them."""
    if is_literal(value):
        return [value]
    if not isinstance(value, str) or "${" not in value:
        return []
    from .store.references import BadReference, references, written_parts

    if "://" not in value:
        parts = written_parts(value)
    else:  # only the defaults: the text around them is a scheme, a user, a host
        try:
            parts = [reference.default or "" for reference in references(value)]
        except BadReference:
            parts = []
    return [part for part in parts if len(part) >= MIN_LENGTH]


def holds_written_secret(value: Any) -> bool:
    """A `${VAR}` reference with secret text as written beside it: a default such as
    `${KEY:-sk_live_...}`, or literal text around it. Like SOPS, which encrypts every value
    whole, encryption at rest encrypts such a value whole: the text stays secret, and the
    reference is still interpolated when the value is used. A bare `${VAR}` holds no secret
    and stays readable; so does a `ref+` store reference (no `${`, no default)."""
    if not isinstance(value, str) or "${" not in value:
        return False
    from .store.references import is_reference, is_vault_reference

    return not is_vault_reference(value) and is_reference(value) and bool(written_secrets(value))


def secret_leaves(table: Any, path: tuple[str, ...] = (),
                  source_type: SourceType | None = None) -> Iterator[tuple[tuple[str, ...], str]]:
    """(full key path, value) for every secret string under `table` (at `path`): the items of
    a list count as values of their key."""
    if isinstance(table, dict):
        for key, item in table.items():
            yield from secret_leaves(item, (*path, str(key)), source_type)
    elif isinstance(table, (list, tuple)):
        for item in table:
            yield from secret_leaves(item, path, source_type)
    elif isinstance(table, str) and len(table) >= MIN_LENGTH and is_secret(path, source_type) \
            and not (path and is_placeholder(path[-1], table)):
        yield path, table


def startup_secrets(argv: Sequence[str]) -> list[str]:
    """The secrets known before any command runs, for `redacted_output.install`: dlt's overrides
    (`SOURCES__NAME__FIELD`) and the variables that hold a secret, then the literal values of
    the project's secrets.toml that `is_secret` calls secret (read with tomllib: cheap; the
    source types come later, with the values the resolver registers)."""
    found = [value for value in _environment_secrets() if is_literal(value)]
    found += [part for _, value in secret_leaves(_secrets_data(argv)) for part in written_secrets(value)]
    return found


def startup_words(argv: Sequence[str]) -> set[str]:
    """What Dango prints as structure, never a secret on its own (`redact.declare_words`): the
    names of source types and of their fields, the keys that describe a grant or locate a
    database, and every key name of the project's secrets.toml (source names included)."""
    words = set(TYPES) | NOT_SECRET_KEYS | DANGO_SECRET_KEYS | {"sources", "destination", "credentials"}
    for source_type in TYPES.values():
        for field in source_type.fields:
            words.update((field.name, *field.aliases))

    def keys(table: Any) -> None:
        if isinstance(table, dict):
            for key, item in table.items():
                words.add(str(key))
                keys(item)

    keys(_secrets_data(argv))
    return words


_STARTUP_DATA: dict[str, Any] = {}  # the project's secrets.toml, parsed once per process


def _secrets_data(argv: Sequence[str]) -> dict[str, Any]:
    root = _project_root(argv)
    if root is None:
        return {}
    if root not in _STARTUP_DATA:
        try:
            import tomllib

            with open(os.path.join(root, ".dlt", "secrets.toml"), "rb") as handle:
                _STARTUP_DATA[root] = tomllib.load(handle)
        except (OSError, ValueError, RecursionError):  # missing or malformed: the command reports it
            _STARTUP_DATA[root] = {}
    return _STARTUP_DATA[root]


def _environment_secrets() -> Iterator[str]:
    for name, value in os.environ.items():
        if name in SECRET_VARIABLES:
            yield value
        elif name.startswith(("SOURCES__", "DESTINATION__")):
            if is_secret(tuple(name.lower().split("__"))):
                yield value


def _project_root(argv: Sequence[str]) -> str | None:
    """The project `dango` will run in: --project, $DANGO_PROJECT_DIR or the nearest folder
    up from here holding .dango/project.yml (as project.find_project, without loading it)."""
    start = os.environ.get("DANGO_PROJECT_DIR") or os.getcwd()
    for index, arg in enumerate(argv):
        if arg == "--project" and index + 1 < len(argv):
            start = argv[index + 1]
        elif arg.startswith("--project="):
            start = arg.split("=", 1)[1]
    folder = os.path.abspath(start)
    while True:
        if os.path.isfile(os.path.join(folder, ".dango", "project.yml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
