"""What `dango config show` displays: every source's fields, secrets masked.

Secret literals keep only a known public prefix (store/mask.py); references show as
`${VAR}` with whether the variable is set; non-secret fields show in full.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .credentials import FieldValue, Resolver
from .project import Project
from .secrecy import is_secret
from .sources import Source, SourcesFile, env_override_name
from .store.mask import mask
from .store.references import is_reference, is_vault_reference


@dataclass(eq=False, repr=False)
class ShownField:
    """One row of `config show`: a field, its masked value and where it came from."""

    field: str
    secret: bool
    origin: str  # env | secrets | sources | default | missing (needed) | optional (not set)
    value: Any  # masked when secret; None when missing
    references: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


@dataclass(eq=False, repr=False)
class ShownSource:
    """One source as `config show` prints it."""

    name: str
    type: str
    enabled: bool
    fields: list[ShownField]


def show_config(project: Project, only: str | None = None) -> list[ShownSource]:
    sources_file = SourcesFile(project)
    sources = [sources_file.get(only)] if only else sources_file.sources
    resolver = Resolver(project, fetch=False)  # references are shown as written, never fetched
    shown = [ShownSource(s.name, s.type, s.enabled, _shown_fields(resolver, s)) for s in sources]
    _flag_overdue(project, shown)
    return shown


def _shown_fields(resolver: Resolver, source: Source) -> list[ShownField]:
    """Every field of the source; one that is not set is "missing" when the source needs
    it, "optional" otherwise, and left out when the OAuth `credentials` table holds it."""
    values = resolver.fields(source)
    present = {value.field.name for value in values if value.present}
    required = set(source.spec.lacking(present, source.options) or ())
    table = next((value.raw for value in values
                  if value.field.name == "credentials" and isinstance(value.raw, dict)), {})
    shown = []
    for value in values:
        item = shown_field(resolver, source, value)
        if value.origin == "missing":
            if value.field.name in table:
                continue  # shown as credentials.<key>
            if value.field.name not in required:
                item.origin = "optional"
        shown.append(item)
    return shown


def _flag_overdue(project: Project, shown: list[ShownSource]) -> None:
    from .lifecycle import metadata

    overdue = dict(metadata.overdue(metadata.load(project), project.rotation_days))
    for source in shown:
        for item in source.fields:
            days = overdue.get(f"{source.name}.{item.field}")
            if days is not None:
                item.note = "; ".join(filter(None, (item.note, f"rotation due: {days} days old")))


def shown_field(resolver: Resolver, source: Source, value: FieldValue) -> ShownField:
    secret = value.field.secret
    shown = ShownField(value.field.name, secret, value.origin, None)
    if value.origin == "missing":
        return shown
    if value.origin == "placeholder":  # the example's `<password>`: public text, shown as is
        shown.value = value.raw
        return shown
    if value.origin == "env":
        shown.note = f"from {env_override_name(source.name, value.key)}"
        shown.value = mask(value.raw) if secret else value.raw
        return shown
    if value.origin == "secrets" and value.key != value.field.name:
        shown.note = f"stored as {value.key}"
    shown.value = _display(resolver, value.raw, secret, value.key_path, source)
    if is_vault_reference(value.raw):
        from .vaults import BACKENDS

        backend = BACKENDS.get(value.raw[4:].partition(":")[0])
        shown.note = "; ".join(filter(None, (shown.note, f"in {backend}, fetched when used" if backend
                                              else "a ref+ store Dango does not support")))
    elif isinstance(value.raw, str) and is_reference(value.raw):
        shown.references = [{"variable": name, "set": is_set, "default": has_default}
                            for name, is_set, has_default in resolver.reference_status(value.raw)]
    return shown


def _display(resolver: Resolver, raw: Any, secret: bool, key_path: str, source: Source) -> Any:
    """References as written, secret literals masked, tables field by field (what is
    secret inside a table is decided by secrecy.is_secret, as everywhere)."""
    if isinstance(raw, dict):
        return {k: _display(resolver, v, secret and is_secret((*key_path.split("."), str(k)), source.spec),
                            f"{key_path}.{k}", source)
                for k, v in raw.items()}
    if isinstance(raw, str) and is_reference(raw):
        return raw
    if not secret:
        return raw
    return mask(resolver.decode(raw, key_path) if isinstance(raw, str) else raw)



def to_json(shown: list[ShownSource]) -> dict[str, Any]:
    return {"sources": [asdict(s) for s in shown]}
