"""Guided rotation: test the new value live, swap it in, keep the old one until confirmed.

    rotate  -> new value tested; stored; the old one kept as `<field>__previous`
    confirm -> `<field>__previous` deleted (after the old key is revoked at the provider)
    rollback-> the previous value restored
"""

from __future__ import annotations

from dataclasses import dataclass

from ..credentials import Resolver
from ..errors import CheckFailed, UsageError
from ..health import DEFAULT_TIMEOUT, Health
from ..manage import check_env_name, refuse_reference_literal, refuse_replacing_table, secret_target
from ..store.references import escape, is_vault_reference, single_reference
from ..store.secrets_file import SecretsFile
from .records import Changes
from .verify import check_config

PREVIOUS = "__previous"


@dataclass
class Rotation:
    health: Health | None
    written: bool
    variable: str | None = None  # set when the credential is a ${VAR} to change by hand
    entry: str | None = None  # a ref+ store entry (ref+SCHEME://PATH) to update by hand, or updated
    stored_in: str | None = None  # with --write-through: where the store put the new value


def _key_in_use(secrets: SecretsFile, source: str, spec_field) -> str:
    section = secrets.section(source) or {}
    return next((k for k in (spec_field.name, *spec_field.aliases) if k in section), spec_field.name)


def rotate(project, target: str, *, value: str | None = None, ref: str | None = None,
           force: bool = False, timeout: float = DEFAULT_TIMEOUT, write_through: bool = False) -> Rotation:
    """Test the new value live, then store it: in secrets.toml (the old one kept as the
    previous value), or, for a `ref+` reference, in its store with `write_through` (stores
    that take a new value: Secrets Manager, SSM) or nowhere, naming the entry to update."""
    source, spec_field, parts = secret_target(project, target)
    if len(parts) > 1 or spec_field.via_auth:
        raise UsageError(f"{target} is an OAuth token; renew it with `dango auth {source.name}`.")
    if source.spec.oauth_provider:  # its check reads the grant's stored client, never a candidate
        raise UsageError(f"{source.name} is an OAuth source: its live check (a refresh grant or token "
                         "introspection) uses the client stored with its grant, so it cannot test a new "
                         f"{spec_field.name} before it is stored; nothing was changed. Store it with "
                         f"`dango secrets set {target}`, then run `dango source test {source.name}`.")
    resolver = Resolver(project)
    secrets = resolver.secrets
    key = _key_in_use(secrets, source.name, spec_field)
    refuse_replacing_table(secrets.section(source.name) or {}, key, spec_field, target)
    current = (secrets.section(source.name) or {}).get(key)
    if ref is not None:
        check_env_name(ref)
        value = resolver.lookup(ref)
        if value is None:
            raise UsageError(f"{ref} is not set; export it (or add it to .env) with the new value first.")
    assert value is not None
    refuse_reference_literal(value, target)
    config = resolver.resolved_config(source, overrides={spec_field.name: value})
    unused = source.spec.unused_fields(config).get(spec_field.name)
    if unused:  # its live test would pass or fail on the other fields: it proves nothing
        raise UsageError(f"{source.name} does not use {spec_field.name}: {unused}, so a live test could "
                         f"not check a new value; nothing was changed. Store it with `dango secrets set "
                         f"{target}`, or rotate the field it uses.")
    health = check_config(project, source, config, timeout)
    if not health.ok and not force:
        raise CheckFailed(f"The new value for {target} did not pass its live test "
                          f"({health.status}: {health.reason}); nothing was changed. "
                          "Fix it, or pass --force to store it anyway.")
    if is_vault_reference(current) and ref is None:
        return _rotate_reference(resolver, current, f"sources.{source.name}.{key}", spec_field.name,
                                 value, health, write_through)
    if write_through:
        raise UsageError(f"--write-through is for a credential kept in a secret store (a ref+ "
                         f"reference); {target} is not one. Nothing was changed.")
    reference = single_reference(current) if isinstance(current, str) else None
    if reference is not None and ref is None:
        return Rotation(health, False, reference.name)
    with project.lock():
        secrets = SecretsFile.load(project)
        section = secrets.section(source.name) or {}
        if key + PREVIOUS in section:
            raise UsageError(f"{target} still keeps the value it replaced last time; run "
                             f"`dango secrets rotate {target} --confirm` (or --rollback) first.")
        changes = Changes(project, secrets)
        if key in section:
            old = resolver.decode(section[key], f"sources.{source.name}.{key}")
            secrets.set_value(source.name, (key + PREVIOUS,), old, secret=True)
        stored = "${" + ref + "}" if ref is not None else escape(value)
        secrets.set_value(source.name, (key,), stored, secret=ref is None)
        changes.written(source.name, spec_field.name, stored if ref is not None else value, rotated=True)
        secrets.save()
        changes.commit()
    return Rotation(health, True)


def _rotate_reference(resolver: Resolver, current: str, key_path: str, field: str, value: str,
                     health: Health, write_through: bool) -> Rotation:
    """A credential kept in a store: written there with `write_through` (where the store
    takes a new value), else left for the user, naming the entry. secrets.toml keeps the
    reference; credentials.yml and the audit log record the rotation."""
    from .. import vaults
    from .fingerprint import KEY_PATH

    project = resolver.project
    reference = resolver.vault_reference(current, key_path)
    entry = vaults.entry_of(reference)
    if not write_through or reference.scheme not in vaults.WRITERS:
        return Rotation(health, False, entry=entry)
    source = key_path.split(".")[1]
    with project.lock():
        secrets = SecretsFile.load(project)
        had_key = secrets.get_path(KEY_PATH) is not None
        changes = Changes(project, secrets)  # on an encrypted project, checks the key first
        where = vaults.write(reference, project.root, key_path, value)
        changes.written(source, field, value, rotated=True)
        if not had_key:
            secrets.save()  # the fingerprint key the record needs
        changes.commit()
    return Rotation(health, True, entry=entry, stored_in=where)


def finish(project, target: str, *, rollback: bool) -> None:
    """--confirm (forget the previous value) or --rollback (restore it)."""
    with project.lock():
        source, spec_field, parts = secret_target(project, target)
        secrets = SecretsFile.load(project)
        key = _key_in_use(secrets, source.name, spec_field)
        section = secrets.section(source.name) or {}
        if key + PREVIOUS not in section:
            raise UsageError(f"{target} has no previous value to "
                             f"{'restore' if rollback else 'confirm'}; nothing was changed.")
        changes = Changes(project, secrets)
        if rollback:
            previous = Resolver(project, secrets).decode(
                section[key + PREVIOUS], f"sources.{source.name}.{key + PREVIOUS}")
            secrets.set_value(source.name, (key,), previous, secret=True)
            changes.written(source.name, spec_field.name, previous, rotated=True)
        secrets.unset(source.name, (key + PREVIOUS,))
        secrets.save()
        changes.commit()
        from . import audit

        audit.record(project, "rolled_back" if rollback else "confirmed", source=source.name,
                     field=spec_field.name)
