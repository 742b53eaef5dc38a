"""Addresses of a provider's own API that a project file may name, and the rule for them.

Dango sends OAuth client secrets, codes and tokens to Google's and Facebook's endpoints,
Sheets requests with a bearer token to the Sheets API, and the Stripe key to Stripe. Each
address can be pointed elsewhere (a local stand-in in tests, an emulator). A project file
(`.dango/project.yml`, `.dango/sources.yml`, the project's `.env`) comes with a cloned
repository, so there such an address must be the provider's own, over https, or a loopback
address; anything else is refused in one sentence. The process environment is the user's
own and may name any address.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .errors import DangoError


def is_loopback(host: str) -> bool:
    host = host.lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed(url: str, domains: tuple[str, ...]) -> bool:
    """Whether `url` is https on one of `domains` (or a subdomain), or on a loopback address."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host or parts.scheme.lower() not in ("http", "https"):
        return False
    if is_loopback(host):
        return True
    return parts.scheme.lower() == "https" and any(host == d or host.endswith("." + d) for d in domains)


def checked(url: str, domains: tuple[str, ...], label: str, where: str, variable: str | None) -> str:
    """`url` when `allowed`, else a DangoError naming `where` it is set (never a secret)."""
    if allowed(url, domains):
        return url
    host = urlsplit(url.strip()).hostname or url.strip()[:80]
    instead = (f"; to use another address on purpose, set {variable} in your environment"
               if variable else "")
    raise DangoError(f"{where} sends credentials to {host}, which is not {label}'s own address "
                     f"(https on {', '.join(domains)}) or this machine; a cloned repository can set "
                     f"it to collect them, so Dango does not{instead}.")


STRIPE_DOMAINS = ("stripe.com",)


def stripe_api(config: dict, source: str) -> str:
    """The Stripe API address of a source (its base_url in sources.yml, else Stripe's)."""
    base = str(config.get("base_url") or "https://api.stripe.com").rstrip("/")
    return checked(base, STRIPE_DOMAINS, "Stripe", f"base_url of source {source!r}", None)
