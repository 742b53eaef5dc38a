"""`google_sheets` sources: the Sheets API v4 values endpoint through dlt's REST API source.

One table per sheet (or per configured range in `range_names`), named as upstream Dango
named it (`table_for`); the first row holds the column names. Before loading, the OAuth
access token is refreshed when it expires within five minutes, and the new one is written
back (`oauth.lifecycle.ensure_fresh`).
The API's address can be pointed elsewhere like the OAuth endpoints:
`DANGO_GOOGLE_SHEETS_API_URL` (environment, then .env) or `oauth.google.sheets_api_url`
in `.dango/project.yml`. Each sync replaces the tables.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import quote

from ..errors import SyncProblem
from .explain import http_error, http_sentence
from .job import Job

DEFAULT_API_URL = "https://sheets.googleapis.com"
_ID_IN_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


def spreadsheet_id(job: Job) -> str:
    value = str(job.config.get("spreadsheet_url_or_id") or "").strip()
    if not value:
        raise SyncProblem(f"source {job.name!r} has no spreadsheet_url_or_id; add it in .dango/sources.yml.")
    match = _ID_IN_URL.search(value)
    if match:
        return match.group(1)
    if re.fullmatch(r"[A-Za-z0-9_-]+", value):
        return value
    raise SyncProblem(f"spreadsheet_url_or_id of source {job.name!r} is neither a spreadsheet id nor a "
                      "https://docs.google.com/spreadsheets/d/<id>/... address.")


def table_for(range_name: str) -> str:
    """The table a sheet or range loads into: its name as written, normalized by dlt's
    snake_case convention, as upstream Dango named it (`Team members` -> `team_members`,
    `Orders!A1:D10` -> `orders_a1_d10`), so two ranges of one sheet are two tables."""
    from dlt.common.normalizers.naming.snake_case import NamingConvention

    return NamingConvention().normalize_table_identifier(range_name)


def tables(job: Job, ranges: list[str]) -> list[str]:
    """The table of each range; two ranges that would fill one table are refused."""
    seen: dict[str, str] = {}
    for range_name in ranges:
        table = table_for(range_name)
        if table in seen:
            raise SyncProblem(f"range_names of source {job.name!r} lists {seen[table]!r} and "
                              f"{range_name!r}, which would both load into table {table}; "
                              "keep one of them in .dango/sources.yml.")
        seen[table] = range_name
    return list(seen)


def api_url(job: Job) -> str:
    from ..credentials import Resolver
    from ..oauth.providers import settings_lookup

    value = settings_lookup(Resolver(job.project))("DANGO_GOOGLE_SHEETS_API_URL")
    if not value:
        google = ((job.project.settings.get("oauth") or {}).get("google") or {})
        value = google.get("sheets_api_url") if isinstance(google, dict) else None
    return str(value or DEFAULT_API_URL).rstrip("/")


def configured_ranges(job: Job) -> list[str]:
    ranges = job.config.get("range_names") or []
    if isinstance(ranges, str):  # `range_names: Orders, Team` written as one string
        ranges = ranges.split(",")
    return [str(r).strip() for r in ranges if str(r).strip()]


def plan(job: Job) -> list[str]:
    spreadsheet_id(job)
    ranges = configured_ranges(job)
    return tables(job, ranges) if ranges else ["(every sheet of the spreadsheet)"]


def rows(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A values response as records: the first row names the columns."""
    values = body.get("values") or []
    if not values:
        return
    header = [str(h).strip() or f"column_{i + 1}" for i, h in enumerate(values[0])]
    for row in values[1:]:
        if not any(cell not in ("", None) for cell in row):
            continue
        padded = list(row) + [None] * (len(header) - len(row))
        record = dict(zip(header, padded))
        for i, extra in enumerate(padded[len(header):], len(header) + 1):
            record[f"column_{i}"] = extra
        yield record


def build(job: Job):
    from dlt.sources.rest_api import rest_api_resources

    from ..oauth.lifecycle import ensure_fresh

    sheet_id = spreadsheet_id(job)
    ranges = configured_ranges(job)
    names = tables(job, ranges)  # a clash is refused before the token is refreshed or used
    token = ensure_fresh(job.project, job.name)["access_token"]
    base = f"{api_url(job)}/v4/spreadsheets/{sheet_id}/"
    session = job.http_session()
    if not ranges:
        ranges = _sheet_titles(session, base, token)
        names = tables(job, ranges)
    if not ranges:
        raise SyncProblem(f"The spreadsheet of source {job.name!r} has no sheets to load.")
    config = {
        "client": {"base_url": base, "session": session, "auth": {"type": "bearer", "token": token},
                   "paginator": "single_page"},
        "resource_defaults": {"write_disposition": "replace", "endpoint": {"data_selector": "$"}},
        "resources": [{"name": table, "endpoint": {
            "path": "values/" + quote(r, safe=""), "params": {"majorDimension": "ROWS"}}}
            for table, r in zip(names, ranges)],
    }
    resources = rest_api_resources(config)
    for resource in resources:
        resource.add_yield_map(rows)
    return resources


def _sheet_titles(session, base: str, token: str) -> list[str]:
    response = session.get(base.rstrip("/"), params={"fields": "sheets.properties.title"},
                           headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return [s["properties"]["title"] for s in response.json().get("sheets", [])
            if s.get("properties", {}).get("title")]


def explain(job: Job, error: BaseException) -> str | None:
    cause = http_error(error)
    status = cause.response.status_code if cause is not None else None
    if status in (401, 403):
        return (f"Google refused the OAuth token in [sources.{job.name}.credentials] (HTTP {status}); "
                f"run `dango auth {job.name}` to connect the source again, and check that the "
                "signed-in account can open the spreadsheet.")
    if status == 404:
        return (f"Google found no spreadsheet {spreadsheet_id(job)!r} (HTTP 404); check "
                f"spreadsheet_url_or_id of source {job.name!r} in .dango/sources.yml.")
    return http_sentence(error, "The Google Sheets API")
