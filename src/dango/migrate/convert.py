"""One upstream source entry -> one source of ours: its sources.yml entry, the values it needs
in `.dlt/secrets.toml` (as `${VAR}` references to the `.env` variables upstream named), and
a line per field for the plan. Types dango cannot load yet are kept whole and disabled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..registry import KEPT_KEY, TYPES
from ..store.references import escape
from . import rest_api
from .upstream import upstream_bool

# every source type upstream Dango 1.0.13 knows (its SourceType enum)
UPSTREAM_TYPES = (
    "csv", "local_files", "rest_api", "dlt_native", "filesystem", "facebook_ads", "google_ads",
    "google_analytics", "google_sheets", "matomo", "mux", "airtable", "hubspot", "salesforce",
    "pipedrive", "freshdesk", "zendesk", "asana", "jira", "workable", "shopify", "stripe", "notion",
    "inbox", "mongodb", "postgres", "mysql", "sql_database", "kafka", "kinesis", "github", "slack",
    "chess", "strapi", "personio")
# upstream fields that never move (upstream's own behaviour settings, no meaning here)
IGNORED = ("empty_sync_policy", "lookback_days")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Converted:
    name: str
    type: str
    entry: dict[str, Any]  # for .dango/sources.yml
    env_fields: dict[str, str] = field(default_factory=dict)  # secrets.toml field -> .env variable
    secret_values: dict[str, Any] = field(default_factory=dict)  # secrets.toml field -> value
    lines: list[str] = field(default_factory=list)  # what happens to each upstream field
    kept: bool = False


def plain(value: Any) -> Any:
    """`value` as plain dicts, lists and scalars (what the YAML reader returns may be subclasses)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    return str(value) if not isinstance(value, str) else str(value)


def convert(entry: dict[str, Any]) -> Converted:
    entry = plain(entry)
    name, kind = str(entry.get("name")).lower(), str(entry.get("type"))  # upstream lowercased it
    block = entry.get(kind) if isinstance(entry.get(kind), dict) else None
    if block is None and isinstance(entry.get("generic_config"), dict):
        block = entry["generic_config"]
    block = dict(block or {})
    target = {"csv": "local_files"}.get(kind, kind)
    out = Converted(name, target, {"name": name, "type": target})
    if upstream_bool(entry.get("enabled", True)) is False:  # `no`, "false": as upstream read it
        out.entry["enabled"] = False
    for key in ("description", "tags"):
        if entry.get(key):
            out.entry[key] = entry[key]
    if target not in TYPES:
        return _kept(entry, out, kind)
    maker = CONVERTERS.get(kind, _generic)  # a type of ours is never kept: always loadable
    maker(block, out)
    for key in block:
        out.lines.append(f"{kind}.{key}: kept in .dango/project.yml under upstream (no equivalent)")
    return out


def _kept(entry: dict[str, Any], out: Converted, kind: str) -> Converted:
    out.kept = True
    out.type = kind
    out.entry["type"] = kind
    out.entry["enabled"] = False
    out.entry[KEPT_KEY] = {k: v for k, v in entry.items()
                           if k not in ("name", "type", "enabled", "description", "tags", *IGNORED)}
    out.lines.append(f"dango cannot load {kind} sources yet: kept with all its settings, disabled; "
                     "its .env variables stay in .env")
    return out


def _move(block: dict, out: Converted, old: str, new: str, transform=None) -> None:
    if old in block and block[old] not in (None, "", []):
        value = block.pop(old)
        value = transform(value) if transform else value
        out.entry[new] = value
        out.lines.append(f"{old} -> {new}: {value!r}")
    else:
        block.pop(old, None)


def _env(block: dict, out: Converted, old: str, new: str) -> None:
    variable = block.pop(old, None)
    if variable:
        out.env_fields[new] = str(variable)
        out.lines.append(f"{old} {variable} -> [sources.{out.name}] {new} = ${{{variable}}}")


def _date(value: Any) -> Any:
    text = str(value)
    return text[:10] if DATE.match(text) else text


# What upstream's Stripe source loads when its block names no `endpoints`: Stripe object
# names, each loaded into the table dlt names after it (`Customer` -> `customer`).
UPSTREAM_STRIPE_ENDPOINTS = ["Subscription", "Account", "Coupon", "Customer", "Invoice", "Product", "Price"]


def _stripe(block: dict, out: Converted) -> None:
    _env(block, out, "stripe_secret_key_env", "stripe_secret_key")
    if not block.get("endpoints"):  # upstream's defaults, named: the same tables after the move
        block["endpoints"] = list(UPSTREAM_STRIPE_ENDPOINTS)
    _move(block, out, "endpoints", "resources")
    _move(block, out, "start_date", "start_date", _date)


def _database(block: dict, out: Converted) -> None:
    _env(block, out, "credentials_env", "credentials")
    _move(block, out, "schema", "schema")
    _move(block, out, "table_names", "tables")
    _move(block, out, "tables", "tables")


def _local_files(block: dict, out: Converted) -> None:
    _move(block, out, "directory", "directory", str)
    _move(block, out, "file_pattern", "file_pattern")
    block.pop("notes", None)


def _csv(block: dict, out: Converted) -> None:
    """Upstream's csv type: local_files with upstream's default pattern, `*.csv` (ours is `*`)."""
    if not block.get("file_pattern"):
        block["file_pattern"] = "*.csv"
    _local_files(block, out)


def _google_sheets(block: dict, out: Converted) -> None:
    _move(block, out, "spreadsheet_url_or_id", "spreadsheet_url_or_id")
    _move(block, out, "range_names", "range_names", lambda v: [v] if isinstance(v, str) else v)


def _google_analytics(block: dict, out: Converted) -> None:
    _move(block, out, "property_id", "property_id", str)
    _move(block, out, "start_date", "start_date", _date)


def _facebook_ads(block: dict, out: Converted) -> None:
    _move(block, out, "account_id", "account_id", str)
    _env(block, out, "access_token_env", "access_token")


def _rest_api(block: dict, out: Converted) -> None:
    rest_api.convert(block, out, _move, _env)


def _generic(block: dict, out: Converted) -> None:
    """A type of ours without a converter of its own (google_ads): each upstream key that
    names one of its fields moves, `<field>_env` becomes a `${VAR}`; the rest is kept under
    upstream."""
    spec = TYPES[out.type]
    for key in list(block):
        if key.endswith("_env") and spec.has_field(key[:-4]):
            _env(block, out, key, key[:-4])
        elif spec.has_field(key) and not spec.field(key).secret:
            _move(block, out, key, key)
        elif spec.has_field(key) and isinstance(block[key], str) and block[key]:
            # a secret upstream was given in sources.yml itself: it moves to .dlt/secrets.toml
            out.secret_values[key] = escape(block.pop(key))
            out.lines.append(f"{key} -> [sources.{out.name}] {key} in .dlt/secrets.toml")


CONVERTERS = {
    "stripe": _stripe, "postgres": _database, "mysql": _database, "csv": _csv,
    "local_files": _local_files, "google_sheets": _google_sheets,
    "google_analytics": _google_analytics, "facebook_ads": _facebook_ads, "rest_api": _rest_api,
}
