"""`google_sheets` sources: the Sheets API v4, read as upstream Dango read it.

One table per sheet (or per configured range in `range_names`), named as upstream Dango
named it (`table_for`), with the columns and types upstream gave it (`sheet_ranges`):
numbers stay numbers and date cells become dates. Like upstream, a `spreadsheet_info`
table lists each range read (merged on `spreadsheet_id`). Three requests per sync: the
sheet titles, the values of every range (`values:batchGet`), and the format of each
range's first two rows (which says which columns hold dates).

Before loading, the OAuth access token is refreshed when it expires within five minutes,
and the new one is written back (`oauth.lifecycle.ensure_fresh`).
The API's address can be pointed elsewhere like the OAuth endpoints:
`DANGO_GOOGLE_SHEETS_API_URL` (environment, then .env) or `oauth.google.sheets_api_url`
in `.dango/project.yml`. Each sync replaces the range tables.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import SyncProblem
from .explain import http_error, http_sentence
from .job import Job

DEFAULT_API_URL = "https://sheets.googleapis.com"
INFO_TABLE = "spreadsheet_info"  # one row per range read, as upstream Dango wrote it
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
    """The table of each range; two ranges that would fill one table are refused, and so is
    a range that would fill the table listing the ranges."""
    seen: dict[str, str] = {}
    for range_name in ranges:
        table = table_for(range_name)
        if table == INFO_TABLE:
            raise SyncProblem(f"range {range_name!r} of source {job.name!r} would load into table "
                              f"{INFO_TABLE}, which lists the ranges read; rename the sheet or name "
                              "the range by its cells (Sheet!A1:D100) in .dango/sources.yml.")
        if table in seen:
            raise SyncProblem(f"range_names of source {job.name!r} lists {seen[table]!r} and "
                              f"{range_name!r}, which would both load into table {table}; "
                              "keep one of them in .dango/sources.yml.")
        seen[table] = range_name
    return list(seen)


def api_url(job: Job) -> str:
    from ..credentials import Resolver
    from ..oauth.providers import GOOGLE, project_url, settings_lookup

    value = project_url(job.project, GOOGLE, "DANGO_GOOGLE_SHEETS_API_URL", "sheets_api_url",
                        settings_lookup(Resolver(job.project)))
    return str(value or DEFAULT_API_URL).rstrip("/")


def configured_ranges(job: Job) -> list[str]:
    ranges = job.config.get("range_names") or []
    if isinstance(ranges, str):  # `range_names: Orders, Team` written as one string
        ranges = ranges.split(",")
    return [str(r).strip() for r in ranges if str(r).strip()]


def plan(job: Job) -> list[str]:
    spreadsheet_id(job)
    ranges = configured_ranges(job)
    return [*tables(job, ranges), INFO_TABLE] if ranges else ["(every sheet of the spreadsheet)", INFO_TABLE]


def build(job: Job):
    import dlt
    from dlt.common.normalizers.naming.snake_case import NamingConvention

    from ..oauth.lifecycle import ensure_fresh, refresh_source
    from .sheet_ranges import Range, column_types, headers, records, trim

    sheet_id = spreadsheet_id(job)
    ranges = configured_ranges(job)
    names = tables(job, ranges)  # a clash is refused before the token is refreshed or used
    token = {"value": ensure_fresh(job.project, job.name)["access_token"], "renewed": False}
    session = job.http_session(api_url(job))
    base = f"{api_url(job)}/v4/spreadsheets/{sheet_id}"

    def get(path: str, **params) -> dict[str, Any]:
        def send():
            return session.get(base + path, params=params,
                               headers={"Authorization": f"Bearer {token['value']}"})

        response = send()
        if response.status_code == 401 and not token["renewed"]:
            # Refused before its recorded expiry (stored where the clock ran ahead, or ended
            # early by Google): renewed once with the refresh token before the user is told to
            # sign in again. A revoked grant raises CredentialRevoked here, with that fix.
            token["renewed"] = True
            refresh_source(job.project, job.name)
            token["value"] = ensure_fresh(job.project, job.name)["access_token"]
            response = send()
        response.raise_for_status()
        return response.json()

    book = get("", fields="properties.title,sheets.properties.title")
    if not ranges:
        ranges = [s["properties"]["title"] for s in book.get("sheets", [])
                  if s.get("properties", {}).get("title")]
        names = tables(job, ranges)
    if not ranges:
        raise SyncProblem(f"The spreadsheet of source {job.name!r} has no sheets to load.")
    answers = get("/values:batchGet", ranges=ranges, majorDimension="ROWS",
                  valueRenderOption="UNFORMATTED_VALUE", dateTimeRenderOption="SERIAL_NUMBER")
    answers = answers.get("valueRanges") or []
    if len(answers) != len(ranges):
        raise SyncProblem(f"The Google Sheets API answered {len(answers)} of the {len(ranges)} ranges "
                          f"of source {job.name!r}; try again later.")

    info, read = [], []
    for range_name, table, answer in zip(ranges, names, answers):
        where, values = Range.parse(answer.get("range", "")), answer.get("values") or []
        if values:
            where, values = trim(where, values)
        skipped = len(values) < 2  # nothing, or a header without rows: the table is emptied
        info.append({"spreadsheet_id": sheet_id, "title": book.get("properties", {}).get("title"),
                     "range_name": range_name, "range": str(where), "range_parsed": where._asdict(),
                     "skipped": skipped})
        read.append((table, where, values, skipped))

    formats: dict[str, list[dict]] = {}  # per sheet, the blocks in the order they were asked for
    wanted = [where.first_rows().a1() for _, where, _, skipped in read if not skipped]
    if wanted:
        grid = get("", ranges=wanted, includeGridData="true", fields=(
            "sheets(properties.title,data.rowData.values"
            "(formattedValue,effectiveValue,effectiveFormat.numberFormat.type))"))
        for sheet in grid.get("sheets", []):
            formats[sheet.get("properties", {}).get("title")] = list(sheet.get("data") or [])

    normalize = NamingConvention().normalize_identifier
    resources = []
    for table, where, values, skipped in read:
        rows: Any = []
        if not skipped:
            block = formats.get(where.sheet_name) or [{}]
            row_data = [row.get("values") or [] for row in block.pop(0).get("rowData") or []] + [[], []]
            width = max(len(row) for row in values)
            names_ = headers(row_data[0], normalize, width)
            if names_ is None:  # no usable header row: every column is col_<n>, every row data
                names_ = [f"col_{i + 1}" for i in range(width)]
                rows = records(values, names_, column_types(row_data[0]))
            else:
                rows = records(values[1:], names_, column_types(row_data[1]))
        resources.append(dlt.resource(rows, name=table, write_disposition="replace"))
    resources.append(dlt.resource(info, name=INFO_TABLE, write_disposition="merge",
                                  merge_key="spreadsheet_id"))
    return resources


def explain(job: Job, error: BaseException) -> str | None:
    cause = http_error(error)
    status = cause.response.status_code if cause is not None else None
    if status in (401, 403):
        return (f"Google refused the OAuth token in [sources.{job.name}.credentials] (HTTP {status}); "
                f"run `dango auth {job.name}` to connect the source again, and check that the "
                "signed-in account can open the spreadsheet.")
    if status == 400:
        return (f"Google could not read the ranges of source {job.name!r} (HTTP 400); each of "
                "range_names must be a sheet of the spreadsheet or a range of one such as "
                "Orders!A1:D100; check them in .dango/sources.yml.")
    if status == 404:
        return (f"Google found no spreadsheet {spreadsheet_id(job)!r} (HTTP 404); check "
                f"spreadsheet_url_or_id of source {job.name!r} in .dango/sources.yml.")
    return http_sentence(error, "The Google Sheets API")
