"""`stripe` sources: Stripe's list API, one table per resource named like it.

A resource is a list path (`customers`, `balance_transactions`) or, as upstream Dango 1.0's
`endpoints` named them, a Stripe object name (`Customer`, `BalanceTransaction`): that one is
read from its list path and loaded into the table upstream gave it (`customer`,
`balance_transaction`), so dbt models written against an upstream warehouse keep working.

Pages follow Stripe's cursor (`starting_after` = the last id, while `has_more`); each
resource loads incrementally on `created` (`created[gte]` from the last value dlt keeps in
the pipeline state, or `start_date`), merged on `id` so updated objects replace old rows.
429 (honouring Retry-After) and 5xx responses are retried by the job's HTTP session.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from ..endpoints import stripe_api
from ..errors import SyncProblem
from .explain import http_error, http_sentence
from .job import Job

PAGE_SIZE = 100
DEFAULT_RESOURCES = ["charges", "customers", "subscriptions", "invoices", "products"]


_OBJECT_NAME = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_WORD = re.compile(r"(?<!^)(?=[A-Z])")


def list_path(resource: str) -> str:
    """The list path of a resource: a Stripe object name (`BalanceTransaction`) becomes its
    path (`balance_transactions`); a path stays as it is."""
    if _OBJECT_NAME.match(resource):
        return _WORD.sub("_", resource).lower() + "s"
    return resource


def resources(job: Job) -> list[str]:
    names = job.config.get("resources") or DEFAULT_RESOURCES
    return [str(n).strip().strip("/") for n in names if str(n).strip()]


def start_timestamp(job: Job) -> int:
    text = job.config.get("start_date")
    if not text:
        return 0
    if isinstance(text, (date, datetime)):
        value = text
    else:
        try:
            value = datetime.fromisoformat(str(text))
        except ValueError:
            raise SyncProblem(f"start_date of source {job.name!r} is {text!r}, not a date; "
                              "write it as YYYY-MM-DD in .dango/sources.yml.") from None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


def plan(job: Job) -> list[str]:
    stripe_api(job.config, job.name)
    if not job.config.get("stripe_secret_key"):
        raise SyncProblem(f"{job.key('stripe_secret_key')} is not set; store it with "
                          f"`dango secrets set {job.name}.stripe_secret_key`.")
    start_timestamp(job)
    return resources(job)


def build(job: Job):
    import dlt
    from dlt.sources.helpers.rest_client import RESTClient
    from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

    plan(job)
    base = stripe_api(job.config, job.name)
    client = RESTClient(base_url=f"{base}/v1", auth=BearerTokenAuth(job.config["stripe_secret_key"]),
                        data_selector="data", session=job.http_session(base))
    initial = start_timestamp(job)

    def make(name: str):
        def fetch(created=dlt.sources.incremental("created", initial_value=initial)):
            params = {"limit": PAGE_SIZE}
            if created.last_value:
                params["created[gte]"] = created.last_value
            yield from client.paginate(f"/{list_path(name)}", params=params, paginator=_paginator())

        return dlt.resource(fetch, name=name, primary_key="id", write_disposition="merge")

    return [make(name) for name in resources(job)]


def _paginator():
    from dlt.sources.helpers.rest_client.paginators import BasePaginator

    class StripeCursor(BasePaginator):
        """`starting_after` = the id of the page's last object, while `has_more`."""

        def __init__(self) -> None:
            super().__init__()
            self.cursor = None

        def update_state(self, response, data=None) -> None:
            body = response.json()
            if body.get("has_more") and data:
                self.cursor = data[-1]["id"]
            else:
                self._has_next_page = False

        def update_request(self, request) -> None:
            request.params = dict(request.params or {}, starting_after=self.cursor)

    return StripeCursor()


def explain(job: Job, error: BaseException) -> str | None:
    cause = http_error(error)
    status = cause.response.status_code if cause is not None else None
    fix = f"store a valid one with `dango secrets set {job.name}.stripe_secret_key`"
    if status == 401:
        return f"Stripe rejected the key in {job.key('stripe_secret_key')} (HTTP 401); {fix}."
    if status == 403:
        return (f"Stripe refused the key in {job.key('stripe_secret_key')} access to this data "
                f"(HTTP 403); give the restricted key read access, or {fix}.")
    return http_sentence(error, "Stripe")
