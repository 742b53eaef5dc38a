"""After `dango migrate`, upstream's rest_api sources send what upstream sent (the same auth
header for each auth style, its extra headers) and load into the tables upstream made
(`raw_<source>.<endpoint name>`, each endpoint's data_selector applied)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest

from dango import migrate
from dango.project import load_project
from dango.sources import load_sources
from dango.sync.runner import run_sync
from dango.validate import validate
from tests.migrate.helpers import upstream_project
from tests.servers.local_http import JsonHandler, serve
from tools.make_upstream_fixtures import REST_BASE_URL, REST_STATIC_HEADER, REST_VALUES

ISSUED = "issued-access-token-0001"  # dango:allow
ROWS = [(1, "a"), (2, "b")]
SEEN = ("Authorization", "X-API-Key", "X-Shopify-Access-Token", "X-Static")


class Api(JsonHandler):
    """Upstream's endpoints: `/v1/users` a list, `/v1/orders` records under `data`, and
    `/token` issuing a client-credentials token. Every request's headers are recorded."""

    requests: list[dict] = []

    def _record(self, body: str = "") -> None:
        seen = {name: self.headers.get(name) for name in SEEN if self.headers.get(name)}
        self.requests.append({"method": self.command, "path": self.path, "headers": seen,
                              "form": {k: v[0] for k, v in parse_qs(body).items()}})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._record(self.rfile.read(length).decode())
        self.send_json({"access_token": ISSUED, "token_type": "bearer", "expires_in": 3600})

    def do_GET(self):  # noqa: N802
        self._record()
        rows = [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}]
        self.send_json({"data": rows} if self.path.startswith("/v1/orders") else rows)


@pytest.fixture
def api():
    Api.requests = []
    with serve(Api) as url:
        yield url


def _migrated(tmp_path, api: str):
    root = upstream_project(tmp_path, "rest")
    sources = root / ".dango" / "sources.yml"
    sources.write_text(sources.read_text().replace(REST_BASE_URL, api))
    plan = "\n".join(text for _, text in migrate.pending(root).lines)
    migrate.apply(root)
    return root, plan


def _sync(root, name: str) -> list[dict]:
    Api.requests.clear()
    result = run_sync(load_project(root), [name]).results[0]
    assert result.status == "ok", result.error
    return list(Api.requests)


def _tables(root, schema: str) -> dict[str, list]:
    import duckdb

    with duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_name not like '\\_dlt%' escape '\\'", [schema]).fetchall()]
        return {n: con.execute(f"select id, v from {schema}.{n} order by id").fetchall() for n in names}


def test_endpoints_load_into_upstreams_tables_with_their_data_selector(tmp_path, api):
    root, plan = _migrated(tmp_path, api)
    assert "v1/orders -> table orders" in plan and "data_selector 'data'" in plan
    _sync(root, "keyed")
    assert _tables(root, "raw_keyed") == {"users": ROWS, "orders": ROWS}  # not v1_users, v1_orders
    _sync(root, "keyed")  # upstream merged on id: a second sync adds no rows
    assert _tables(root, "raw_keyed") == {"users": ROWS, "orders": ROWS}


def test_api_key_goes_in_the_authorization_header_as_upstream_sent_it(tmp_path, api):
    root, _ = _migrated(tmp_path, api)
    keyed = _sync(root, "keyed")
    assert [r["headers"] for r in keyed] == [{"Authorization": REST_VALUES["REST_API_KEY"]}] * 2


def test_basic_auth_keeps_the_username_upstream_read_from_env(tmp_path, api):
    root, _ = _migrated(tmp_path, api)
    basic = _sync(root, "basic")
    pair = f"{REST_VALUES['REST_USER']}:{REST_VALUES['REST_PASSWORD']}".encode()
    assert [r["headers"] for r in basic] == [{"Authorization": "Basic " + base64.b64encode(pair).decode()}] * 2


def test_oauth2_client_credentials_validates_and_syncs(tmp_path, api):
    root, _ = _migrated(tmp_path, api)
    project = load_project(root)
    assert {s.name: s.enabled for s in load_sources(project)}["client"]
    assert not [p.message for p in validate(project).problems if "client" in p.message]
    client = _sync(root, "client")
    token = [r for r in client if r["method"] == "POST"]
    assert token and {r["path"] for r in token} == {"/token"}  # dlt asks once per resource
    assert token[0]["form"].get("client_id") == REST_VALUES["REST_CLIENT_ID"]
    assert token[0]["form"].get("client_secret") == REST_VALUES["REST_CLIENT_SECRET"]
    assert [r["headers"] for r in client if r["method"] == "GET"] == [{"Authorization": f"Bearer {ISSUED}"}] * 2
    assert _tables(root, "raw_client") == {"users": ROWS, "orders": ROWS}


def test_custom_header_and_extra_headers_are_sent_as_upstream_sent_them(tmp_path, api):
    root, _ = _migrated(tmp_path, api)
    shop = _sync(root, "shop")
    assert [r["headers"] for r in shop] == [{"X-Shopify-Access-Token": REST_VALUES["REST_SHOP_TOKEN"],
                                             "X-Static": REST_STATIC_HEADER}] * 2


def test_headers_live_in_secrets_and_the_plan_shows_them_masked(tmp_path, api):
    import tomllib

    root, plan = _migrated(tmp_path, api)
    assert REST_STATIC_HEADER not in plan and "X-Static" in plan
    assert REST_STATIC_HEADER not in (root / ".dango" / "sources.yml").read_text()
    section = tomllib.loads((root / ".dlt" / "secrets.toml").read_text())["sources"]["shop"]
    assert section["headers"] == {"X-Static": REST_STATIC_HEADER}
    assert section["api_key"] == "${REST_SHOP_TOKEN}"
