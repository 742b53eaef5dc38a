"""Upstream's `rest_api` block -> our rest_api fields, sending what upstream's runner sent
(its `_build_rest_api_config`): the same auth header, the same extra headers and the same
table per endpoint (upstream's `name`, else its path with `/` as `_`), with each endpoint's
data_selector, params, paginator, write_disposition and primary_key."""

from __future__ import annotations

import re
from typing import Any, Callable

from ..store.references import escape
from .errors import UpstreamSetting

# upstream sends no auth at all when the value its auth_type needs is not configured
NEEDS = {"bearer": "auth_token_env", "api_key": "auth_token_env", "custom_header": "auth_token_env",
         "basic": "basic_username_env", "oauth2_client_credentials": "access_token_url"}
REFERENCE = re.compile(r"\$\{\w+\}")
# upstream's endpoint keys and what it did with them
CARRIED = ("data_selector", "params")


def convert(block: dict, out, move: Callable, env: Callable) -> None:
    """`move(block, out, old, new)` and `env(block, out, old, new)` are convert.py's helpers."""
    move(block, out, "base_url", "base_url")
    kind = block.pop("auth_type", "bearer")
    kind = "none" if kind in (None, "", "none") else str(kind)
    if kind not in NEEDS and kind != "none":  # upstream's runner sent nothing for it
        out.lines.append(f"auth_type: {kind!r} is not one upstream sent credentials for, so "
                         "auth_type none")
        kind = "none"
    needed = NEEDS.get(kind)
    if needed and not block.get(needed):
        out.lines.append(f"auth_type: {kind!r} without {needed}: upstream sent no credentials, "
                         "so auth_type none")
        kind = "none"
    if kind == "custom_header":  # upstream: a header of that name holding the token
        out.entry["auth_type"] = "api_key"
        out.entry["api_key_name"] = str(block.pop("auth_header_name", None) or "Authorization")
        out.entry["api_key_location"] = "header"
        out.lines.append(f"auth_type: 'custom_header' -> auth_type api_key, sent in the header "
                         f"{out.entry['api_key_name']!r}")
    elif kind == "api_key":
        out.entry["auth_type"] = "api_key"
        out.entry["api_key_name"] = str(block.pop("api_key_name", None) or "Authorization")
        out.entry["api_key_location"] = str(block.pop("api_key_location", None) or "header")
        out.lines.append(f"auth_type: 'api_key', sent as {out.entry['api_key_name']!r} in the "
                         f"{out.entry['api_key_location']} (upstream's default name: Authorization)")
    else:
        out.entry["auth_type"] = kind
        out.lines.append(f"auth_type -> auth_type: {kind!r}")
    if kind in ("bearer", "api_key", "custom_header"):
        env(block, out, "auth_token_env", "api_key")
    elif kind == "basic":
        env(block, out, "basic_username_env", "username")
        env(block, out, "basic_password_env", "password")
    elif kind == "oauth2_client_credentials":
        move(block, out, "access_token_url", "access_token_url")
        env(block, out, "client_id_env", "client_id")
        env(block, out, "client_secret_env", "client_secret")
    for unused in ("auth_header_name", "api_key_name", "api_key_location"):
        if unused in block and not block[unused]:
            block.pop(unused)  # empty: nothing to report; a value upstream ignored is kept
    _headers(block, out)
    _endpoints(block, out)


def _headers(block: dict, out) -> None:
    headers = block.pop("headers", None)
    if not isinstance(headers, dict) or not headers:
        return
    table = {}
    for name, value in headers.items():
        text = str(value)  # upstream resolved a whole `${VAR}` from the environment, as we do
        table[str(name)] = text if REFERENCE.fullmatch(text) else escape(text)
    out.secret_values["headers"] = table
    out.lines.append(f"headers -> [sources.{out.name}.headers] in .dlt/secrets.toml "
                     f"({', '.join(table)})")


def _endpoints(block: dict, out) -> None:
    endpoints = block.get("endpoints")
    if not isinstance(endpoints, list):
        return
    resources, kept = [], []
    for index, item in enumerate(endpoints):
        resource = _endpoint(item, out, index)
        (resources if resource else kept).append(resource or item)
    if kept:
        block["endpoints"] = kept  # reported by convert() as kept under upstream
    else:
        block.pop("endpoints")
    if resources:
        out.entry["resources"] = resources
        out.lines.append("endpoints -> resources: " + "; ".join(map(_shown, resources)))


def _shown(resource: dict) -> str:
    """One resource for the plan; query parameters by name only (one may carry a key)."""
    def part(key: str, value: Any) -> str:
        if key == "params" and isinstance(value, dict):
            return f"params: {', '.join(map(str, value))}"
        return f"{key} {value!r}"

    extra = ", ".join(part(key, value) for key, value in resource.items()
                      if key not in ("name", "path"))
    return f"{resource['path']} -> table {resource['name']} ({extra})"


def _endpoint(item: Any, out, index: int) -> dict | None:
    """One upstream endpoint as a resource table, or None when it is one we cannot express
    (upstream's own dlt resource form, with an `endpoint` table)."""
    if isinstance(item, str) and item:
        return {"name": item, "path": item, "write_disposition": "merge", "primary_key": "id"}
    if not isinstance(item, dict) or "endpoint" in item or not item.get("path"):
        return None
    path = str(item["path"])
    resource: dict[str, Any] = {"name": str(item.get("name") or path.strip("/").replace("/", "_")),
                                "path": path}
    for key in CARRIED:
        if item.get(key):
            resource[key] = item[key]
    paginator = (_paginator(item.get("paginator"), f"source {out.name!r}, endpoint {index + 1}")
                 if item.get("paginator") else None)
    if paginator:
        resource["paginator"] = paginator
    resource["write_disposition"] = item.get("write_disposition") or "merge"
    resource["primary_key"] = item.get("primary_key") or "id"
    for key in sorted(set(item) - {"name", "path", "paginator", "write_disposition", "primary_key",
                                   *CARRIED}):
        out.lines.append(f"endpoints[{index}].{key}: kept in .dango/project.yml under upstream "
                         "(upstream did not send it either)")
    return resource


def _paginator(pag: Any, where: str) -> Any:
    """Upstream's paginator setting as upstream handed it to dlt (auto: none given); a limit
    that is no whole number (upstream's int() failed on it) is UpstreamSetting."""
    kind = pag.get("type", "auto") if isinstance(pag, dict) else pag
    if kind == "none":
        return "single_page"
    if kind == "header_link":
        return "header_link"
    options = {"page_number": "page_param", "cursor": "cursor_path", "offset": "limit"}
    if kind not in options:
        return None
    result: dict[str, Any] = {"type": kind}
    option = options[kind]
    if isinstance(pag, dict) and pag.get(option):
        value = pag[option]
        if option == "limit":
            try:
                value = int(str(value).strip()) if not isinstance(value, bool) else None
            except ValueError:
                value = None
            if value is None:
                raise UpstreamSetting(where, "the paginator's limit must be a whole number "
                                             "(upstream could not use it either)")
        result[option] = value
    return result
