"""Upstream's OAuth tokens, kept by source *type* in .dlt/secrets.toml
(`[sources.google_sheets.credentials]`, facebook_ads' flat access_token) with their grant's
details in `[dango.oauth.<type>]`: the `oauth` step of a migration gives each source of that
type its copy, and the settings upstream kept beside them reach the source's entry."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .. import redact

if TYPE_CHECKING:
    from .convert import Converted
    from .steps import Plan
    from .upstream import Upstream

# secrets upstream kept inside a type's OAuth token table that are source fields here
SOURCE_SECRETS_IN_TOKENS = ("dev_token",)


def settings_from_tokens(up: Upstream, done: Converted) -> None:
    """Settings upstream kept beside the type's OAuth tokens (google_ads' customer_id) that
    are source settings here: copied into the source's entry."""
    from ..registry import get_type

    typed = (up.secrets.get("sources") or {}).get(done.type)
    if not isinstance(typed, dict):
        return
    spec = get_type(done.type)
    record = typed.get("credentials") if isinstance(typed.get("credentials"), dict) else {}
    for key, value in {**record, **typed}.items():
        if (key != "credentials" and key not in done.entry and spec.has_field(key)
                and not spec.field(key).secret and not isinstance(value, dict)):
            done.entry[key] = str(value)
            done.lines.append(f"[sources.{done.type}] {key} -> {key}: {str(value)!r}")


def oauth(up: Upstream, plan: Plan) -> None:
    """Upstream keys tokens by source *type* (`[sources.google_sheets.credentials]`, or flat
    keys such as facebook_ads' access_token); ours by source name: each source of that type
    gets a copy of every secret its type knows. A setting in the table (facebook_ads'
    account_id) went to the entry of each source that named none (`settings_from_tokens`),
    as upstream used it only then: a copy here would win over the source's own. A table with
    keys no source takes stays whole."""
    from ..registry import get_type

    typed = (up.secrets.get("sources") or {})
    meta = ((up.secrets.get("dango") or {}).get("oauth") or {})
    plan.taken_types = set()
    for done in plan.converted:
        table = typed.get(done.type) if not done.kept else None
        if not isinstance(table, dict):
            continue
        spec = get_type(done.type)
        section = plan.secrets_out.setdefault(done.name, {})
        leftovers = False
        for key, value in table.items():
            if key == "credentials" and isinstance(value, dict):
                record = dict(value)
                for inner in list(record):  # google_ads' dev_token: a field of the source here
                    if inner in SOURCE_SECRETS_IN_TOKENS and spec.has_field(inner):
                        section.setdefault(inner, record.pop(inner))
                section["credentials"] = _with_records(record, meta.get(done.type) or {})
            elif spec.has_field(key) and not spec.field(key).secret:
                continue  # a setting (account_id): the source's own, else the table's (settings_from_tokens)
            elif spec.has_field(key) and (key not in section or _unset_reference(section[key], up)):
                section[key] = value  # the token upstream stored wins over an unset ${VAR}
            else:
                leftovers = True
        info = meta.get(done.type) or {}
        if info and "credentials" not in section and spec.has_field("credentials"):
            section["credentials"] = _with_records({}, info)  # facebook_ads: the grant's details
        if not leftovers:
            plan.taken_types.add(done.type)
        listed = ", ".join(shown(key, value) for key, value in section.items())
        plan.say("oauth", f"[sources.{done.type}] -> [sources.{done.name}] ({listed})")


def _unset_reference(value, up: Upstream) -> bool:
    text = str(value)
    return text.startswith("${") and text.endswith("}") and not up.env.get(text[2:-1])


def _with_records(record: dict, info: dict) -> dict:
    if info.get("identifier"):
        record["account"] = str(info["identifier"])
    if info.get("created_at"):
        record["created_at"] = str(info["created_at"])
    expires = _upstream_time(info.get("expires_at"))
    if expires is not None:  # a Facebook token: `auth status` warns before it runs out
        record["expires_at"] = expires
    scopes = (info.get("metadata") or {}).get("scopes")
    if isinstance(scopes, list):
        record["scopes"] = [str(s) for s in scopes]
    return record


def _upstream_time(value) -> datetime | None:
    """A time upstream recorded (`datetime.now().isoformat()`: local time, no offset) as the
    timezone-aware UTC time our grants keep; None when there is none or it is no time."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return parsed.astimezone(timezone.utc)  # a naive time is read as this machine's local time


def shown(key: str, value) -> str:
    if isinstance(value, dict):
        return f"{key}: " + ", ".join(shown(k, v) for k, v in value.items())
    from ..secrecy import is_secret

    if isinstance(value, str) and is_secret(("sources", "x", key)) and not value.startswith("${"):
        return f"{key} = {redact.mask(value)}"
    return key
