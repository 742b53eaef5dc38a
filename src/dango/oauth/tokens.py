"""Where a source's OAuth grant lives in `.dlt/secrets.toml`, and what state it is in.

Google sources: `[sources.<name>.credentials]` in the shape dlt's GcpOAuthCredentials
accepts: client_id, client_secret, refresh_token, project_id, scopes (a TOML array), plus
access_token, expires_at (a timezone-aware UTC datetime) and account. Facebook sources:
`[sources.<name>] access_token` (where dlt's facebook_ads source reads it), the grant's
details (client_id, expires_at, scopes, account) in `[sources.<name>.credentials]`.
A grant found dead is marked `revoked = true` beside them.

Token values are written with secret=True (encrypted in an encrypted project), everything
describing the grant with secret=False so it stays readable. Writers hold the project lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..credentials import Resolver
from ..registry import get_type
from ..sources import Source
from ..store.references import is_placeholder
from ..store.secrets_file import SecretsFile
from .providers import PROVIDERS, ClientCredentials, Provider

TABLE = "credentials"
# Keys that make up the user's grant (removed by `dango auth remove`); the OAuth client
# (client_id, client_secret) is the app's identity and stays.
GRANT_KEYS = ("refresh_token", "access_token", "expires_at", "scopes", "account", "revoked",
              "project_id", "token_type")
EXPIRING_DAYS = 7


def provider_of(source: Source) -> Provider | None:
    name = source.spec.oauth_provider
    return PROVIDERS.get(name) if name else None


@dataclass
class Grant:
    source: Source
    provider: Provider
    table: dict[str, Any]  # the resolved credentials table
    access_token: str | None

    @property
    def refresh_token(self) -> str | None:
        return self.table.get("refresh_token") or None

    @property
    def expires_at(self) -> datetime | None:
        return parse_time(self.table.get("expires_at"))

    @property
    def scopes(self) -> list[str]:
        scopes = self.table.get("scopes")
        return [str(s) for s in scopes] if isinstance(scopes, list) else []

    @property
    def account(self) -> str | None:
        value = self.table.get("account")
        return str(value) if value else None

    @property
    def revoked(self) -> bool:
        return self.table.get("revoked") is True

    @property
    def present(self) -> bool:
        if self.provider.has_refresh_token:
            return bool(self.refresh_token)
        return bool(self.access_token)

    def status(self, at: datetime | None = None) -> tuple[str, int | None]:
        """("valid" | "expiring" | "expired" | "revoked" | "missing", days left or None)."""
        return self.judgement(at)[:2]

    def judgement(self, at: datetime | None = None) -> tuple[str, int | None, str]:
        return judge(self.provider, refresh_token=bool(self.refresh_token),
                     access_token=bool(self.access_token), revoked=self.revoked,
                     expires_at=self.expires_at, at=at)

    def status_text(self, at: datetime | None = None) -> str:
        return self.judgement(at)[2]


# Grant states that stop a sync: `auth status` exits 1 and `validate` reports a problem.
UNUSABLE = ("missing", "revoked", "expired")


def judge(provider: Provider, *, refresh_token: bool, access_token: bool, revoked: bool,
          expires_at: datetime | None, at: datetime | None = None) -> tuple[str, int | None, str]:
    """The one judgement of a grant, shared by `auth list`/`auth status` and `validate`:
    (status, days left or None, the status in words). It needs only whether each token is
    there, so a caller can judge a grant without decrypting anything."""
    if not refresh_token and not access_token:
        return "missing", None, "missing"
    if revoked:
        return "revoked", None, "revoked"
    if provider.has_refresh_token and refresh_token:
        return "valid", None, "valid"  # the refresh token outlives every access token
    # A token that cannot be renewed: a Facebook long-lived token, or a Google access token
    # stored without its refresh token.
    no_refresh = "" if not provider.has_refresh_token else "; no refresh token to renew it"
    left = None if expires_at is None else expires_at - (at or datetime.now(timezone.utc))
    if left is None:
        return ("valid", None, "valid") if not no_refresh else ("expired", 0, "expired" + no_refresh)
    if left <= timedelta(0):
        return "expired", 0, "expired" + no_refresh
    days = left.days
    if days >= EXPIRING_DAYS:
        return "valid", days, "valid" + no_refresh
    words = f"expiring in {days} day{'s' if days != 1 else ''}" if days else "expiring today"
    return "expiring", days, words + no_refresh


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def read_grant(resolver: Resolver, source: Source) -> Grant | None:
    """The source's grant with every value resolved (references, decryption); None when the
    source's type does not use OAuth."""
    provider = provider_of(source)
    if provider is None:
        return None
    section = resolver.secrets.section(source.name) or {}
    raw_table = section.get(TABLE)
    table: dict[str, Any] = {}
    if isinstance(raw_table, dict):
        table = resolver.resolve_stored(raw_table, f"sources.{source.name}.{TABLE}")
    elif "client_id" in section or "client_secret" in section:
        # The manual layout of the docs: client id/secret right in [sources.<name>].
        table = {k: resolver.resolve_stored(section[k], f"sources.{source.name}.{k}")
                 for k in ("client_id", "client_secret") if k in section}
    # the example's `<refresh_token>` (secrets.toml.example copied) is no token
    table = {key: value for key, value in table.items() if not is_placeholder(key, value)}
    access = table.get("access_token")
    if not provider.has_refresh_token:
        raw = section.get("access_token")
        access = (resolver.resolve_stored(raw, f"sources.{source.name}.access_token")
                  if raw and not is_placeholder("access_token", raw) else None)
    return Grant(source, provider, table, access or None)


def _access_token_path(provider: Provider) -> tuple[str, ...]:
    return (TABLE, "access_token") if provider.has_refresh_token else ("access_token",)


def write_grant(secrets: SecretsFile, source: str, provider: Provider, client: ClientCredentials,
                tokens, *, account: str | None, project_id: str | None,
                keep_client: bool) -> None:
    """Store a new grant for one source (in memory; the caller saves under the lock)."""
    def put(key: str, value: Any, secret: bool) -> None:
        secrets.set_value(source, (TABLE, key), value, secret=secret)

    if not keep_client:
        put("client_id", client.client_id, False)
        if provider.has_refresh_token:  # dlt needs the secret beside the refresh token
            put("client_secret", client.client_secret, True)
    if tokens.refresh_token:
        put("refresh_token", tokens.refresh_token, True)
    if project_id and provider.name == "google":
        current = (secrets.section(source) or {}).get(TABLE, {})
        if not (isinstance(current, dict) and current.get("project_id")):
            put("project_id", project_id, False)
    if tokens.scopes is not None:
        put("scopes", list(tokens.scopes), False)
    secrets.set_value(source, _access_token_path(provider), tokens.access_token, secret=True)
    if tokens.expires_at is not None:
        put("expires_at", tokens.expires_at, False)
    else:
        secrets.unset(source, (TABLE, "expires_at"))
    if account:
        put("account", account, False)
    secrets.unset(source, (TABLE, "revoked"))


def write_refreshed(secrets: SecretsFile, source: str, provider: Provider, tokens,
                    refresh_token: str | None) -> None:
    """The answer to a refresh of the grant whose refresh token was `refresh_token`. The
    refresh token is written only when the provider issued a new one (a provider that
    rotates them): one answered back unchanged (Google, most others) leaves the stored
    value as it is, a `${VAR}` reference included. A new one replaces whatever was there,
    a reference too, because the old token no longer works and the new one must not be lost."""
    secrets.set_value(source, _access_token_path(provider), tokens.access_token, secret=True)
    if tokens.expires_at is not None:
        secrets.set_value(source, (TABLE, "expires_at"), tokens.expires_at, secret=False)
    if tokens.refresh_token and tokens.refresh_token != refresh_token:
        secrets.set_value(source, (TABLE, "refresh_token"), tokens.refresh_token, secret=True)
    secrets.unset(source, (TABLE, "revoked"))


def mark_revoked(secrets: SecretsFile, source: str) -> None:
    secrets.set_value(source, (TABLE, "revoked"), True, secret=False)


def delete_grant(secrets: SecretsFile, source: str, provider: Provider) -> list[str]:
    """Remove the grant's keys of one source; the key paths removed."""
    removed = []
    for key in GRANT_KEYS:
        if secrets.unset(source, (TABLE, key)):
            removed.append(f"sources.{source}.{TABLE}.{key}")
    if not provider.has_refresh_token and secrets.unset(source, ("access_token",)):
        removed.append(f"sources.{source}.access_token")
    return removed
