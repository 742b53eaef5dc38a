"""rest_api sources through dlt's REST API source, against a small local JSON API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import CANARY_TOKEN, files_containing
from tests.servers.local_http import JsonHandler, serve
from tests.sync.helpers import add, count, tables

USERS = [{"id": i, "name": f"user {i}", "tags": ["a", "b"]} for i in range(1, 26)]


class Api(JsonHandler):
    """`/api/users?page=N` (10 per page, `next` link) and `/api/teams`, behind an X-API-Key header.
    A wrong key is sent on to `/denied/<the key it received>`, which answers 401: a provider
    that echoes the key back in a redirect puts it in the error dlt raises."""

    key = "the-api-key-0001"

    def do_GET(self):  # noqa: N802
        url = urlsplit(self.path)
        if self.headers.get("X-API-Key") != self.key:
            if url.path.startswith("/denied/"):
                return self.send_json({"error": "unauthorized"}, 401)
            self.send_response(302)
            self.send_header("Location", f"/denied/{self.headers.get('X-API-Key')}")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if url.path == "/api/users":
            page = int(parse_qs(url.query).get("page", ["1"])[0])
            items = USERS[(page - 1) * 10: page * 10]
            has_next = page * 10 < len(USERS)
            host = f"http://{self.headers['Host']}"
            return self.send_json({"items": items,
                                   "next": f"{host}/api/users?page={page + 1}" if has_next else None})
        if url.path == "/api/teams":
            return self.send_json({"items": [{"id": 1, "name": "core"}], "next": None})
        self.send_json({"error": "not found"}, 404)


@pytest.fixture
def api():
    with serve(Api) as url:
        yield url


@pytest.mark.slow
def test_api_key_header_json_link_pages_and_a_rejected_key(dango, project_dir, api):
    common = (f"base_url={api}/api", "auth_type=api_key", "api_key_name=X-API-Key",
              "api_key_location=header", "resources=users,/teams", "data_selector=items",
              "paginator=json_link")
    add(dango, "rest_api", "crm", *common, secrets={"api_key": Api.key})
    add(dango, "rest_api", "stale", *common, secrets={"api_key": CANARY_TOKEN})
    left = project_dir / ".dango/pipelines/dango_stale/trace.pickle"  # as an earlier version left it
    left.parent.mkdir(parents=True)
    left.write_bytes(b"401 Client Error for url: /denied/" + CANARY_TOKEN.encode())
    result = dango("sync")
    assert result.code == 1, result
    assert tables(project_dir, "raw_crm") >= {"users", "teams"}
    assert count(project_dir, "raw_crm.users") == 25
    assert count(project_dir, "raw_crm.teams") == 1
    assert f"error: stale: The API at {api}/api rejected the credentials in [sources.stale] api_key (HTTP 401)" in result.err
    assert CANARY_TOKEN not in result.output
    # dlt keeps a trace of each run (the error's text included) in the pipeline's folder
    assert [name for name in files_containing(project_dir, CANARY_TOKEN) if name != ".dlt/secrets.toml"] == []
    again = dango("sync", "--source", "crm")
    assert again.code == 0, again
    assert count(project_dir, "raw_crm.users") == 25  # replaced, not appended


def test_resource_tables_name_their_table_and_headers_go_with_every_request(dango, project_dir, api):
    add(dango, "rest_api", "crm", f"base_url={api}/api", "auth_type=none", "resources=teams")
    sources = project_dir / ".dango" / "sources.yml"
    sources.write_text(sources.read_text().replace(
        "- teams", "- {name: people, path: users, data_selector: items, paginator: json_link}\n"
                   "      - {path: /teams, data_selector: items}"))
    with open(project_dir / ".dlt" / "secrets.toml", "a") as handle:  # the key as a plain header
        handle.write(f'\n[sources.crm.headers]\nX-API-Key = "{Api.key}"  # dango:allow\n')
    result = dango("sync")
    assert result.code == 0, result
    assert tables(project_dir, "raw_crm") == {"people", "people__tags", "teams"}
    assert count(project_dir, "raw_crm.people") == 25
    shown = dango("config", "show")
    assert Api.key not in shown.output and "headers.X-API-Key" in shown.out, shown


class Elsewhere(JsonHandler):
    """Another host: records each request (its path and headers) and answers one row."""

    received: list[tuple[str, dict[str, str]]] = []

    def do_GET(self):  # noqa: N802
        self.received.append((self.path, dict(self.headers)))
        self.send_json({"items": [{"id": 2}], "next": None} if "page" in self.path else [{"id": 2}])


@pytest.fixture
def elsewhere():
    """The base URL of `Elsewhere` on 127.0.0.2 (a host other than 127.0.0.1), and its
    requests."""
    Elsewhere.received = []
    with serve(Elsewhere, host="127.0.0.2") as url:
        yield url, Elsewhere.received


def test_a_redirect_to_another_host_carries_none_of_the_sources_headers(dango, project_dir, elsewhere):
    """requests drops only Authorization on such a redirect: an API key header or a
    `headers` table would reach whatever host the API (or whoever controls its answers)
    names. Each request to the other host is recorded; a redirect on the same origin keeps
    its headers."""
    other, received = elsewhere

    class Redirecting(JsonHandler):
        def do_GET(self):  # noqa: N802
            if self.path.startswith("/there"):  # reached by a redirect on the same origin
                if self.headers.get("X-API-Key") != Api.key:
                    return self.send_json({"error": "unauthorized"}, 401)
                return self.send_json([{"id": 1}])
            self.send_response(302)
            self.send_header("Location", "/there" if self.path.startswith("/here") else f"{other}/collect")
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serve(Redirecting) as url:
        add(dango, "rest_api", "api", f"base_url={url}", "auth_type=api_key", "resources=here,away",
            secrets={"api_key": Api.key})
        with open(project_dir / ".dlt" / "secrets.toml", "a") as handle:
            handle.write(f'\n[sources.api.headers]\nX-Tenant-Token = "{CANARY_TOKEN}"\n')
        result = dango("sync")
    assert result.code == 0, result
    assert count(project_dir, "raw_api.here") == 1 and count(project_dir, "raw_api.away") == 1
    assert [path for path, _ in received] == ["/collect"]
    for _, headers in received:
        sent = {name.lower() for name in headers}
        assert not sent & {"x-api-key", "x-tenant-token", "authorization"}, headers
        assert Api.key not in str(headers) and CANARY_TOKEN not in str(headers)


@pytest.mark.parametrize("auth", [("auth_type=bearer",),
                                  ("auth_type=api_key", "api_key_location=query", "api_key_name=key")])
def test_a_next_page_on_another_host_gets_no_credentials(dango, project_dir, auth, elsewhere):
    """dlt's paginators follow a `next` link as it is: the key in a header, a bearer token,
    a `headers` table or a key in the query string would go with it to any host."""
    other, received = elsewhere

    class FirstPage(JsonHandler):
        def do_GET(self):  # noqa: N802
            sent = self.headers.get("Authorization", "") + self.path
            if Api.key not in sent or self.headers.get("X-Tenant-Token") != CANARY_TOKEN:
                return self.send_json({"error": "unauthorized"}, 401)
            self.send_json({"items": [{"id": 1}], "next": f"{other}/page2?page=2"})

    with serve(FirstPage) as url:
        add(dango, "rest_api", "api", f"base_url={url}", *auth, "resources=items",
            "data_selector=items", "paginator=json_link", secrets={"api_key": Api.key})
        with open(project_dir / ".dlt" / "secrets.toml", "a") as handle:
            handle.write(f'\n[sources.api.headers]\nX-Tenant-Token = "{CANARY_TOKEN}"\n')
        result = dango("sync")
    assert result.code == 0, result
    assert count(project_dir, "raw_api.items") == 2
    [(path, headers)] = received
    assert path == "/page2?page=2"
    assert not {name.lower() for name in headers} & {"authorization", "x-tenant-token", "key"}, headers
    assert Api.key not in str(headers) and CANARY_TOKEN not in str(headers)
