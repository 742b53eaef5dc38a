"""What happens to a grant after `dango auth`: listing, refreshing, removing, checking, and
the refresh a sync runs before it loads (`ensure_fresh`).

Network calls happen outside the project lock; each write re-reads the secrets file under
the lock, so a parallel command's change is never lost.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ..credentials import Resolver
from ..errors import (CredentialRevoked, DangoError, MissingClientCredentials, NotAnOAuthTarget,
                      OAuthError, TokenEndpointError)
from ..project import Project
from ..sources import Source, SourcesFile
from ..store.secrets_file import SecretsFile
from .http import TIMEOUT_SECONDS
from .providers import client_credentials, endpoint, settings_lookup
from .tokens import Grant, delete_grant, mark_revoked, provider_of, read_grant, write_refreshed

REFRESH_MARGIN = timedelta(minutes=5)
# The credential a grant is tracked as in the metadata and audit log: Google's refresh
# token lives in the credentials table, Facebook's long-lived token is access_token.
TOKEN_FIELD = {True: "credentials", False: "access_token"}


@dataclass
class GrantInfo:
    source: str
    type: str
    provider: str
    account: str | None
    status: str  # valid | expiring | expired | revoked | missing
    status_text: str
    days_left: int | None
    expires_at: str | None  # the access token's expiry, ISO 8601 UTC
    scopes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _info(grant: Grant) -> GrantInfo:
    status, days = grant.status()
    expires = grant.expires_at
    return GrantInfo(grant.source.name, grant.source.type, grant.provider.name, grant.account,
                     status, grant.status_text(), days, expires.isoformat() if expires else None,
                     grant.scopes)


def oauth_sources(project: Project, only: str | None = None) -> list[Source]:
    sources_file = SourcesFile(project)
    if only is not None:
        source = sources_file.get(only)
        if provider_of(source) is None:
            raise NotAnOAuthTarget(f"Source {only!r} is a {source.type} source, which does not use OAuth.")
        return [source]
    return [s for s in sources_file.sources if provider_of(s) is not None]


def list_grants(project: Project, only: str | None = None) -> list[GrantInfo]:
    resolver = Resolver(project)
    return [_info(read_grant(resolver, s)) for s in oauth_sources(project, only)]


def overdue_grants(project: Project, names: list[str]) -> list[tuple[str, int]]:
    """(source, days since its grant) for grants older than the project's rotation policy."""
    from ..lifecycle import metadata

    wanted = {f"{name}.{field}": name for name in names for field in TOKEN_FIELD.values()}
    return [(wanted[key], days) for key, days in metadata.overdue(metadata.load(project), project.rotation_days)
            if key in wanted]


def _grant(project: Project, name: str) -> tuple[Resolver, Grant]:
    source = oauth_sources(project, name)[0]
    resolver = Resolver(project)
    grant = read_grant(resolver, source)
    assert grant is not None
    if not grant.present and not grant.access_token:
        raise OAuthError(f"Source {name!r} has no OAuth tokens yet; run `dango auth {name}` first.")
    return resolver, grant


def _write(project: Project, change) -> None:
    with project.lock():
        secrets = SecretsFile.load(project)
        change(secrets)
        secrets.save()


def _write_if_unchanged(project: Project, grant: Grant, change) -> bool:
    """Apply `change` under the lock only while the stored refresh token is still the one
    `grant` was read with; False (nothing written) when another process replaced the grant
    meanwhile (a parallel refresh of a provider that rotates refresh tokens, a new `dango
    auth`): its newer grant must neither be overwritten nor be marked revoked for ours."""
    with project.lock():
        secrets = SecretsFile.load(project)
        current = read_grant(Resolver(project, secrets), grant.source)
        if current is None or current.refresh_token != grant.refresh_token:
            return False
        change(secrets)
        secrets.save()
        return True


def refresh_source(project: Project, name: str, timeout: float = TIMEOUT_SECONDS,
                   _again: bool = True) -> GrantInfo:
    """A refresh grant now (the provider's answer awaited `timeout` seconds); the new access
    token written back. CredentialRevoked on invalid_grant (the grant is then marked revoked).
    When another process replaced the grant while the provider answered, its grant stands
    and is refreshed instead (once)."""
    from . import grants

    resolver, grant = _grant(project, name)
    provider = grant.provider
    if not provider.has_refresh_token:
        raise OAuthError(f"{provider.label} issues no refresh tokens; its long-lived token lasts about "
                         f"60 days. Run `dango auth {name}` again to renew it.")
    if not grant.refresh_token:
        raise OAuthError(f"Source {name!r} has an access token but no refresh token to renew it; "
                         f"run `dango auth {name}` to sign in again.")
    client = client_credentials(provider, grant.table, settings_lookup(resolver))
    try:
        tokens = grants.refresh(endpoint(project, provider, "token", settings_lookup(resolver)), client,
                                grant.refresh_token or "", timeout)
    except grants.InvalidGrant:
        if _write_if_unchanged(project, grant, lambda secrets: mark_revoked(secrets, name)) or not _again:
            raise CredentialRevoked(name) from None
        return refresh_source(project, name, timeout, _again=False)
    _write_if_unchanged(project, grant,
                        lambda secrets: write_refreshed(secrets, name, provider, tokens, grant.refresh_token))
    return list_grants(project, name)[0]


def ensure_fresh(project: Project, name: str, margin: timedelta = REFRESH_MARGIN) -> dict[str, Any]:
    """For sync: the source's resolved credentials table with an access token valid for at
    least `margin`, refreshing (and writing back) first when needed.

    Raises CredentialRevoked (and marks the grant) when the provider says invalid_grant,
    OAuthError when there are no tokens, TokenEndpointError when the provider cannot be reached.
    """
    resolver, grant = _grant(project, name)
    if grant.revoked:
        raise CredentialRevoked(name)
    expires = grant.expires_at
    fresh = grant.access_token and (expires is None or expires - datetime.now(timezone.utc) > margin)
    if not fresh and grant.refresh_token:
        refresh_source(project, name)
        resolver, grant = _grant(project, name)
    elif not fresh:
        without = " and there is no refresh token to renew it" if grant.provider.has_refresh_token else ""
        raise OAuthError(f"The {grant.provider.label} token of source {name!r} has expired{without}; run "
                         f"`dango auth {name}` to renew it.")
    table = dict(grant.table)
    table["access_token"] = grant.access_token
    return table


def remove_grant(project: Project, name: str, revoke: bool = False) -> list[str]:
    """Delete one source's tokens (revoking them at the provider first when asked); the
    key paths removed. A failed revocation keeps the tokens."""
    source = oauth_sources(project, name)[0]
    resolver = Resolver(project)
    grant = read_grant(resolver, source)
    assert grant is not None
    provider = grant.provider
    if revoke and grant.present:
        from . import grants

        url = endpoint(project, provider, "revoke", settings_lookup(resolver))
        if provider.name == "facebook":
            grants.revoke_facebook(url, grant.access_token or "")
        else:
            try:
                client = client_credentials(provider, grant.table, settings_lookup(resolver))
            except MissingClientCredentials:
                client = None
            grants.revoke_google(url, client, grant.refresh_token or grant.access_token or "")
    removed: list[str] = []

    def change(secrets: SecretsFile) -> None:
        removed.extend(delete_grant(secrets, name, provider))
        if removed:  # in the same change: the tokens, their metadata and the audit line
            from ..lifecycle import audit
            from ..lifecycle.metadata import load, note_removed, save

            entries = load(project)
            note_removed(entries, name, TOKEN_FIELD[provider.has_refresh_token])
            save(project, entries)
            audit.record(project, "auth_revoked" if revoke else "removed", source=name,
                         field=TOKEN_FIELD[provider.has_refresh_token], provider=provider.name)

    _write(project, change)
    return removed


@dataclass
class CheckResult:
    source: str
    client: bool
    tokens: bool
    live: str  # valid | invalid | revoked | unknown | skipped
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.client and self.tokens and self.live == "valid"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def check_all(project: Project) -> list[CheckResult]:
    """For each OAuth source: client credentials, tokens, and a live test (Google: a refresh
    grant, whose new token is kept; Facebook: token introspection)."""
    results = []
    for source in oauth_sources(project):
        results.append(check_source(project, source))
    return results


def check_source(project: Project, source: Source, timeout: float = TIMEOUT_SECONDS) -> CheckResult:
    """One OAuth source: client, tokens, and a live test (used by `dango source test` too,
    with its `timeout` for the provider's answer)."""
    resolver = Resolver(project)
    grant = read_grant(resolver, source)
    assert grant is not None
    name = source.name
    try:
        client = client_credentials(grant.provider, grant.table, settings_lookup(resolver))
    except MissingClientCredentials:
        client = None
    result = CheckResult(name, client is not None, grant.present, "skipped")
    if not grant.present:
        status = grant.status_text()
        result.detail = (f"{status}; run `dango auth {name}`" if grant.access_token
                         else f"no tokens; run `dango auth {name}`")
        return result
    if client is None:
        result.detail = (f"no OAuth client; set {grant.provider.client_id_var} and "
                         f"{grant.provider.client_secret_var}")
        return result
    from . import grants  # here, not at the top: `auth list` and `auth status` make no request

    try:
        if grant.provider.has_refresh_token:
            refresh_source(project, name, timeout)
            result.live, result.detail = "valid", "refresh grant succeeded"
        else:
            url = endpoint(project, grant.provider, "introspect", settings_lookup(resolver))
            valid = grants.facebook_token_valid(url, client, grant.access_token or "", timeout)
            result.live = "valid" if valid else "invalid"
            result.detail = "token introspection" + ("" if valid else f"; run `dango auth {name}`")
    except CredentialRevoked:
        result.live, result.detail = "revoked", f"invalid_grant; run `dango auth {name}`"
    except grants.ClientRejected as err:  # the provider answered: these credentials are refused
        result.live = "invalid"
        result.detail = (f"{str(err).removesuffix('.')}; check the OAuth client: "
                         f"{grant.provider.client_id_var} and {grant.provider.client_secret_var}, or "
                         f"client_id and client_secret in [sources.{name}.credentials]")
    except TokenEndpointError as err:
        result.live, result.detail = "unknown", str(err)
    except DangoError as err:
        result.live, result.detail = "unknown", str(err)
    return result

