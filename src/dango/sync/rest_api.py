"""`rest_api` sources: dlt's REST API source configured from the source's fields.

`resources` are endpoint paths, each loading into a table named after its path
(`/v1/users` -> `v1_users`), or tables `{name, path, data_selector, params, paginator,
write_disposition, primary_key}` naming the table and their own settings (what `dango
migrate` writes for an upstream endpoint). `auth_type` picks bearer, api_key (header or
query, `api_key_name`), basic, oauth2_client_credentials (`access_token_url`, `client_id`,
`client_secret`) or none; `headers` (a table in .dlt/secrets.toml) go with every request;
`data_selector` and `paginator` (a dlt paginator name such as `json_link`, `header_link`,
`offset`, `page_number`, `cursor`, `single_page`; auto when unset) are passed as dlt
expects them. Each sync replaces the tables unless a resource says otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import SyncProblem
from .explain import http_error, http_sentence
from .job import Job

# the settings a resource table may carry, each passed to dlt where dlt expects it
ENDPOINT_KEYS = ("path", "data_selector", "params", "paginator")
RESOURCE_KEYS = ("name", "write_disposition", "primary_key")
SECRET_OF = {"basic": "password", "oauth2_client_credentials": "client_secret"}


def table_for(path: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", path.split("?")[0]).strip("_").lower()
    return name or "root"


def resources(job: Job) -> list[dict[str, Any]]:
    """Each resource as a table with at least `name` and `path`."""
    found = []
    for item in job.config.get("resources") or []:
        if isinstance(item, dict):
            unknown = sorted(set(item) - {*ENDPOINT_KEYS, *RESOURCE_KEYS})
            path = str(item.get("path") or "").strip()
            if unknown or not path:
                what = f"has {', '.join(map(repr, unknown))}" if unknown else "has no path"
                raise SyncProblem(
                    f"a resource of source {job.name!r} {what}; a resource table takes "
                    f"{', '.join(ENDPOINT_KEYS + RESOURCE_KEYS)} (fix it in .dango/sources.yml).")
            found.append({**item, "path": path, "name": str(item.get("name") or table_for(path))})
        elif str(item).strip():
            found.append({"name": table_for(str(item).strip()), "path": str(item).strip()})
    if not found:
        raise SyncProblem(f"source {job.name!r} lists no resources to load; add endpoint paths "
                          "as `resources` in .dango/sources.yml (each becomes a table).")
    return found


def auth(job: Job) -> dict | None:
    kind = str(job.config.get("auth_type") or "bearer")
    if kind == "none":
        return None
    if kind == "basic":
        return {"type": "http_basic", "username": str(job.config.get("username") or ""),
                "password": str(_required(job, "password"))}
    if kind == "oauth2_client_credentials":
        if not job.config.get("access_token_url"):
            raise SyncProblem(f"source {job.name!r} has auth_type oauth2_client_credentials but no "
                              "access_token_url; add it in .dango/sources.yml.")
        return {"type": "oauth2_client_credentials",
                "access_token_url": str(job.config["access_token_url"]),
                "client_id": str(_required(job, "client_id")),
                "client_secret": str(_required(job, "client_secret"))}
    key = str(_required(job, "api_key"))
    if kind == "bearer":
        return {"type": "bearer", "token": key}
    return {"type": "api_key", "name": str(job.config.get("api_key_name") or "X-API-Key"),
            "api_key": key, "location": str(job.config.get("api_key_location") or "header")}


def headers(job: Job) -> dict[str, str]:
    value = job.config.get("headers")
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        raise SyncProblem(f"{job.key('headers')} must be a table of header names and values, "
                          f"such as [sources.{job.name}.headers] in .dlt/secrets.toml.")
    return {str(name): str(text) for name, text in value.items()}


def _required(job: Job, field: str):
    value = job.config.get(field)
    if value in (None, ""):
        raise SyncProblem(f"{job.key(field)} is not set but auth_type "
                          f"{job.config.get('auth_type') or 'bearer'} needs it; store it with "
                          f"`dango secrets set {job.name}.{field}`.")
    return value


def plan(job: Job) -> list[str]:
    if not job.config.get("base_url"):
        raise SyncProblem(f"source {job.name!r} has no base_url; add it in .dango/sources.yml.")
    auth(job)
    headers(job)
    return [item["name"] for item in resources(job)]


def build(job: Job):
    from dlt.sources.rest_api import rest_api_resources

    plan(job)
    credentials = auth(job)
    in_query = (credentials["name"],) if credentials and credentials.get("location") == "query" else ()
    client: dict = {"base_url": str(job.config["base_url"]),
                    "session": job.http_session(str(job.config["base_url"]), in_query)}
    extra = headers(job)
    if extra:
        client["headers"] = extra
    if credentials:
        client["auth"] = credentials
    if job.config.get("paginator"):
        client["paginator"] = str(job.config["paginator"])
    endpoint: dict = {}
    if job.config.get("data_selector"):
        endpoint["data_selector"] = str(job.config["data_selector"])
    config = {
        "client": client,
        "resource_defaults": {"write_disposition": "replace", "endpoint": endpoint},
        "resources": [_resource(item) for item in resources(job)],
    }
    return rest_api_resources(config)


def _resource(item: dict[str, Any]) -> dict[str, Any]:
    endpoint = {key: item[key] for key in ENDPOINT_KEYS if item.get(key) not in (None, "", {})}
    endpoint["path"] = str(endpoint["path"]).lstrip("/")
    resource = {key: item[key] for key in RESOURCE_KEYS if item.get(key) not in (None, "")}
    return {**resource, "endpoint": endpoint}


def explain(job: Job, error: BaseException) -> str | None:
    cause = http_error(error)
    status = cause.response.status_code if cause is not None else None
    if status in (401, 403):
        field = SECRET_OF.get(str(job.config.get("auth_type") or "bearer"), "api_key")
        verb = "rejected" if status == 401 else "refused access with"
        return (f"The API at {job.config.get('base_url')} {verb} the credentials in "
                f"{job.key(field)} (HTTP {status}); store valid ones with "
                f"`dango secrets set {job.name}.{field}`.")
    return http_sentence(error, f"The API at {job.config.get('base_url')}")
