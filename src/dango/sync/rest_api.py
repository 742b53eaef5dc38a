"""`rest_api` sources: dlt's REST API source configured from the source's fields.

`resources` are endpoint paths, each loading into a table named after its path
(`/v1/users` -> `v1_users`); `auth_type` picks bearer, api_key (header or query,
`api_key_name`), basic or none; `data_selector` and `paginator` (a dlt paginator name such
as `json_link`, `header_link`, `offset`, `page_number`, `cursor`, `single_page`; auto when
unset) are passed as dlt expects them. Each sync replaces the tables.
"""

from __future__ import annotations

import re

from ..errors import SyncProblem
from .explain import http_error, http_sentence
from .job import Job


def table_for(path: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", path.split("?")[0]).strip("_").lower()
    return name or "root"


def endpoints(job: Job) -> list[str]:
    paths = [str(p).strip() for p in job.config.get("resources") or [] if str(p).strip()]
    if not paths:
        raise SyncProblem(f"source {job.name!r} lists no resources to load; add endpoint paths "
                          "as `resources` in .dango/sources.yml (each becomes a table).")
    return paths


def auth(job: Job) -> dict | None:
    kind = str(job.config.get("auth_type") or "bearer")
    if kind == "none":
        return None
    if kind == "basic":
        return {"type": "http_basic", "username": str(job.config.get("username") or ""),
                "password": str(_required(job, "password"))}
    key = str(_required(job, "api_key"))
    if kind == "bearer":
        return {"type": "bearer", "token": key}
    return {"type": "api_key", "name": str(job.config.get("api_key_name") or "X-API-Key"),
            "api_key": key, "location": str(job.config.get("api_key_location") or "header")}


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
    return [table_for(p) for p in endpoints(job)]


def build(job: Job):
    from dlt.sources.rest_api import rest_api_resources

    plan(job)
    client: dict = {"base_url": str(job.config["base_url"]), "session": job.http_session()}
    credentials = auth(job)
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
        "resources": [{"name": table_for(path), "endpoint": {"path": path.lstrip("/")}}
                      for path in endpoints(job)],
    }
    return rest_api_resources(config)


def explain(job: Job, error: BaseException) -> str | None:
    cause = http_error(error)
    status = cause.response.status_code if cause is not None else None
    if status in (401, 403):
        kind = str(job.config.get("auth_type") or "bearer")
        field = "password" if kind == "basic" else "api_key"
        verb = "rejected" if status == 401 else "refused access with"
        return (f"The API at {job.config.get('base_url')} {verb} the credentials in "
                f"{job.key(field)} (HTTP {status}); store valid ones with "
                f"`dango secrets set {job.name}.{field}`.")
    return http_sentence(error, f"The API at {job.config.get('base_url')}")
