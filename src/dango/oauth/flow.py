"""`dango auth SOURCE_OR_TYPE`: one consent, the code exchanged, the tokens stored.

The argument is a source name (that source) or an OAuth source type (every source of that
type, one consent for all). The user sees what they must do through `notify` (the CLI
prints it); the library itself prints nothing. Tokens are written only after every step
succeeded, in one atomic write under the project lock: a failure leaves the file as it was.
"""

from __future__ import annotations

import webbrowser
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlencode

from ..credentials import Resolver
from ..errors import AuthorizationFailed, NotAnOAuthTarget, UsageError, did_you_mean
from ..project import Project
from ..registry import TYPES
from ..sources import Source, SourcesFile
from ..store.secrets_file import SecretsFile
from . import grants
from .http import clean
from .loopback import LoopbackServer
from .pkce import code_challenge, code_verifier, new_state
from .providers import (ENDPOINTS, ClientCredentials, Provider, client_credentials, endpoint,
                        project_id_for, settings_lookup)
from .tokens import TABLE, Grant, provider_of, read_grant, write_grant

DEFAULT_TIMEOUT = 300.0
Notify = Callable[[str], None]


@dataclass
class AuthResult:
    sources: list[str]
    provider: str
    account: str | None
    scopes: list[str] = field(default_factory=list)
    expires_at: object = None


def oauth_targets(project: Project, target: str) -> list[Source]:
    """The sources `dango auth target` is about."""
    sources = SourcesFile(project).sources
    by_name = {s.name: s for s in sources}
    if target in by_name:
        source = by_name[target]
        if provider_of(source) is None:
            oauth_types = ", ".join(sorted(t for t, spec in TYPES.items() if spec.oauth_provider))
            raise NotAnOAuthTarget(f"Source {target!r} is a {source.type} source, which does not use "
                                   f"OAuth (the OAuth types are: {oauth_types}).")
        return [source]
    spec = TYPES.get(target)
    if spec is not None and spec.oauth_provider:
        chosen = [s for s in sources if s.type == target]
        if not chosen:
            raise NotAnOAuthTarget(f"There is no {target} source yet; add one with "
                                   f"`dango source add {target} --name NAME`, then run `dango auth NAME`.")
        return chosen
    oauth = sorted(s.name for s in sources if provider_of(s) is not None)
    hint = f"the OAuth sources are: {', '.join(oauth)}" if oauth else "there are no OAuth sources yet"
    oauth_types = sorted(t for t, spec in TYPES.items() if spec.oauth_provider)
    raise NotAnOAuthTarget(f"{target!r} is neither an OAuth source nor an OAuth source type ({hint})."
                           + did_you_mean(target, oauth + oauth_types))


def authorize(project: Project, target: str, *, notify: Notify, device: bool = False,
              open_browser: bool = True, timeout: float = DEFAULT_TIMEOUT) -> AuthResult:
    sources = oauth_targets(project, target)
    resolver = Resolver(project)
    resolver.secrets.check_writable()  # a wrong key stops here, before the user consents
    lookup = settings_lookup(resolver)
    provider = provider_of(sources[0])
    assert provider is not None
    existing = [read_grant(resolver, s) for s in sources]
    client = client_credentials(provider, existing[0].table if existing[0] else {}, lookup)
    scopes = provider.scopes_for(sorted({s.type for s in sources}))

    urls = {name: endpoint(project, provider, name, lookup) for name in ENDPOINTS}  # each checked now

    def url(name: str) -> str:
        return urls[name]

    if device:
        if not provider.has_device_grant:
            raise UsageError(f"{provider.label} has no standard device authorization grant; run "
                             f"`dango auth {target} --no-browser` and open the printed address instead.")
        tokens = _device_flow(url, client, scopes, timeout, notify)
    else:
        tokens = _browser_flow(provider, url, client, scopes, timeout, notify, open_browser)
    if tokens.scopes is None:
        tokens.scopes = scopes
    if provider.has_refresh_token and not tokens.refresh_token:
        if not all(g is not None and g.refresh_token and not g.revoked for g in existing):
            raise AuthorizationFailed(
                f"{provider.label} granted access but returned no refresh token, so syncs could not "
                "renew it; nothing was changed. Remove Dango's access in your account settings, "
                f"then run `dango auth {target}` again.")
    account = grants.account(url("userinfo"), tokens.access_token, provider.name)
    project_id = project_id_for(client.client_id, lookup) if provider.name == "google" else None
    _store(project, sources, provider, client, tokens, account, project_id)
    return AuthResult([s.name for s in sources], provider.name, account, tokens.scopes or [],
                      tokens.expires_at)


def _browser_flow(provider: Provider, url, client: ClientCredentials, scopes: list[str],
                  timeout: float, notify: Notify, open_browser: bool) -> grants.TokenSet:
    state, verifier = new_state(), code_verifier()
    with LoopbackServer(state) as server:
        query = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": server.redirect_uri,
            "scope": provider.scope_separator.join(scopes),
            "state": state,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
            **provider.authorize_params,
        }
        authorize_url = url("authorize")
        authorize_url += ("&" if "?" in authorize_url else "?") + urlencode(query)
        opened = open_browser and _open(authorize_url)
        if opened:
            notify(f"Opened your browser to sign in with {provider.label}. If it did not open, visit:")
        else:
            notify(f"Open this address in a browser to sign in with {provider.label}:")
        notify(authorize_url)
        notify(f"Waiting for the sign-in (up to {timeout:g} s)...")
        callback = server.wait(timeout)
    if callback is None:
        raise AuthorizationFailed(f"No sign-in arrived within {timeout:g} s; nothing was changed. "
                                  "Run the command again (or give a longer --timeout).")
    if callback.error is not None:
        description = clean(callback.error_description or "", limit=200)
        raise AuthorizationFailed(
            f"{provider.label} did not grant access ({clean(callback.error, limit=64)}"
            + (f": {description}" if description else "") + "); nothing was changed.")
    assert callback.code is not None
    token_url = url("token")
    if provider.name == "facebook":
        short = grants.facebook_exchange(token_url, client, callback.code, server.redirect_uri, verifier)
        long_lived = grants.facebook_long_lived(token_url, client, short.access_token)
        if long_lived.scopes is None:
            long_lived.scopes = short.scopes
        return long_lived
    return grants.exchange_code(token_url, client, callback.code, server.redirect_uri, verifier)


def _open(address: str) -> bool:
    try:
        return bool(webbrowser.open(address, new=1))
    except webbrowser.Error:
        return False


def _device_flow(url, client: ClientCredentials, scopes: list[str], timeout: float,
                 notify: Notify) -> grants.TokenSet:
    device = grants.device_start(url("device"), client, scopes)
    notify(f"To sign in, visit {device.verification_uri} and enter the code: {device.user_code}")
    if device.verification_uri_complete:
        notify(f"Or open: {device.verification_uri_complete}")
    notify("Waiting for the sign-in to be approved...")
    return grants.device_poll(url("token"), client, device, timeout)


def _store(project: Project, sources: list[Source], provider: Provider, client: ClientCredentials,
           tokens: grants.TokenSet, account: str | None, project_id: str | None) -> None:
    from ..lifecycle import audit
    from ..lifecycle.records import Changes

    with project.lock():
        secrets = SecretsFile.load(project)
        resolver = Resolver(project, secrets)
        changes = Changes(project, secrets)
        for source in sources:
            grant: Grant | None = read_grant(resolver, source)
            raw = (secrets.section(source.name) or {}).get(TABLE)
            stored = grant.table if grant and isinstance(raw, dict) else {}
            # A client already in the table stays as written (a ${VAR} stays a reference).
            keep = bool(stored.get("client_id") == client.client_id
                        and (stored.get("client_secret") == client.client_secret
                             or not provider.has_refresh_token))
            write_grant(secrets, source.name, provider, client, tokens, account=account,
                        project_id=project_id, keep_client=keep)
            changes.written(source.name, TABLE if provider.has_refresh_token else "access_token",
                            tokens.refresh_token or tokens.access_token)
        secrets.save()
        changes.commit()
        for source in sources:
            audit.record(project, "auth_granted", source=source.name, provider=provider.name)
