"""OAuth providers as data: endpoints, scopes per source type, where client credentials come from.

Every endpoint has a default and can be pointed elsewhere without a code change: the
environment variable `DANGO_OAUTH_<PROVIDER>_<ENDPOINT>_URL` (environment first, then the
project's `.env`), else an entry in `.dango/project.yml`:

    oauth:
      google:
        token_url: http://127.0.0.1:8080/token

From a project file (`.env`, project.yml) the address must be the provider's own or this
machine's (`endpoints.checked`): a cloned repository must not collect the client secret,
codes and tokens sent there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..endpoints import checked
from ..errors import MalformedFile, MissingClientCredentials

ENDPOINTS = ("authorize", "token", "revoke", "device", "userinfo", "introspect")


@dataclass(frozen=True)
class Provider:
    name: str  # google | facebook
    label: str
    defaults: dict[str, str]
    domains: tuple[str, ...]  # where its endpoints are (a project file may name no other)
    client_id_var: str
    client_secret_var: str
    type_scopes: dict[str, tuple[str, ...]]
    base_scopes: tuple[str, ...] = ()
    scope_separator: str = " "
    authorize_params: dict[str, str] = field(default_factory=dict)
    has_device_grant: bool = True
    has_refresh_token: bool = True

    def scopes_for(self, types: list[str]) -> list[str]:
        scopes = list(self.base_scopes)
        for type_name in types:
            for scope in self.type_scopes.get(type_name, ()):
                if scope not in scopes:
                    scopes.append(scope)
        return scopes


GOOGLE = Provider(
    name="google",
    label="Google",
    defaults={
        "authorize": "https://accounts.google.com/o/oauth2/v2/auth",
        "token": "https://oauth2.googleapis.com/token",
        "revoke": "https://oauth2.googleapis.com/revoke",
        "device": "https://oauth2.googleapis.com/device/code",
        "userinfo": "https://openidconnect.googleapis.com/v1/userinfo",
        "introspect": "https://oauth2.googleapis.com/tokeninfo",
    },
    domains=("google.com", "googleapis.com"),
    client_id_var="GOOGLE_CLIENT_ID",
    client_secret_var="GOOGLE_CLIENT_SECRET",
    type_scopes={
        "google_sheets": ("https://www.googleapis.com/auth/spreadsheets.readonly",),
        "google_analytics": ("https://www.googleapis.com/auth/analytics.readonly",),
        # Google Ads has no narrower scope than this one.
        "google_ads": ("https://www.googleapis.com/auth/adwords",),
    },
    base_scopes=("openid", "email"),  # to show which account a grant belongs to
    # offline: a refresh token; consent: Google returns one again on a second `dango auth`.
    authorize_params={"access_type": "offline", "prompt": "consent"},
)

FACEBOOK = Provider(
    name="facebook",
    label="Facebook",
    defaults={
        "authorize": "https://www.facebook.com/v19.0/dialog/oauth",
        "token": "https://graph.facebook.com/v19.0/oauth/access_token",
        "revoke": "https://graph.facebook.com/v19.0/me/permissions",
        "device": "https://graph.facebook.com/v19.0/device/login",
        "userinfo": "https://graph.facebook.com/v19.0/me",
        "introspect": "https://graph.facebook.com/v19.0/debug_token",
    },
    domains=("facebook.com",),
    client_id_var="FACEBOOK_APP_ID",
    client_secret_var="FACEBOOK_APP_SECRET",
    type_scopes={"facebook_ads": ("ads_read",)},
    scope_separator=",",
    has_device_grant=False,  # Facebook's device login is not RFC 8628
    has_refresh_token=False,  # a long-lived access token (about 60 days) instead
)

PROVIDERS: dict[str, Provider] = {p.name: p for p in (GOOGLE, FACEBOOK)}


class SettingsLookup:
    """A setting: the environment, then the project's .env; empty counts as unset."""

    def __init__(self, resolver):
        self.resolver = resolver

    def __call__(self, name: str) -> str | None:
        return self.resolver.environ.get(name) or self.resolver.dotenv().get(name) or None

    def in_environment(self, name: str) -> bool:
        """Whether the value comes from the process's environment (the user's own)."""
        return bool(self.resolver.environ.get(name))


def settings_lookup(resolver) -> SettingsLookup:
    return SettingsLookup(resolver)


def project_url(project, provider: Provider, variable: str, key: str, lookup=None) -> str | None:
    """An address set by `variable` (environment, then .env) or by `oauth.<provider>.<key>`
    in project.yml; one from a project file must be the provider's own or a loopback one."""
    value = lookup(variable) if lookup is not None else None
    if value:
        if getattr(lookup, "in_environment", lambda _: True)(variable):
            return value
        return checked(value, provider.domains, provider.label, f"{variable} in .env", variable)
    configured = _project_oauth(project).get(provider.name) or {}
    if not isinstance(configured, dict):
        raise MalformedFile(project.project_file, f"oauth.{provider.name} must be a mapping of endpoint URLs")
    found = [name for name in (key, key.removesuffix("_url")) if configured.get(name)]
    if not found:
        return None
    return checked(str(configured[found[0]]), provider.domains, provider.label,
                   f"oauth.{provider.name}.{found[0]} in .dango/project.yml", variable)


def endpoint(project, provider: Provider, name: str, lookup=None) -> str:
    """The URL of one endpoint: env/.env override, then project.yml, then the default."""
    variable = f"DANGO_OAUTH_{provider.name.upper()}_{name.upper()}_URL"
    return project_url(project, provider, variable, f"{name}_url", lookup) or provider.defaults[name]


def _project_oauth(project) -> dict[str, Any]:
    settings = getattr(project, "settings", {}) or {}
    oauth = settings.get("oauth") or {}
    if not isinstance(oauth, dict):
        raise MalformedFile(project.project_file, "oauth must be a mapping of providers")
    return oauth


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str
    origin: str  # "secrets" | "environment"


def client_credentials(provider: Provider, stored: dict[str, Any], lookup) -> ClientCredentials:
    """The OAuth client: from the source's stored credentials, else the environment/.env.

    `stored` holds already-resolved values (references interpolated, decrypted).
    """
    client_id, client_secret = stored.get("client_id"), stored.get("client_secret")
    if client_id and client_secret:
        return ClientCredentials(str(client_id), str(client_secret), "secrets")
    env_id, env_secret = lookup(provider.client_id_var), lookup(provider.client_secret_var)
    if env_id and env_secret:
        return ClientCredentials(env_id, env_secret, "environment")
    raise MissingClientCredentials(
        f"No {provider.label} OAuth client is configured: set {provider.client_id_var} and "
        f"{provider.client_secret_var} in the environment or in .env (from your OAuth client "
        f"of type Desktop app), then run the command again."
    )


def project_id_for(client_id: str, lookup) -> str:
    """The Google Cloud project a grant belongs to, as dlt's GcpOAuthCredentials wants it:
    GOOGLE_PROJECT_ID when set, else the project number a Google client id starts with."""
    explicit = lookup("GOOGLE_PROJECT_ID")
    if explicit:
        return explicit
    number = client_id.split("-", 1)[0]
    return number if number.isdigit() else client_id.split(".", 1)[0]
