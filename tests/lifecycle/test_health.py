"""`dango source test` and `dango validate --live` against real servers."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dango.yaml_io import load_yaml

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE
from tests.lifecycle.conftest import STRIPE_KEY


def add_stripe(dango, base_url: str, key: str, name: str = "pay"):
    result = dango("source", "add", "stripe", "--name", name, "--no-input", "--set", f"base_url={base_url}")
    assert result.code == 0, result
    assert dango("secrets", "set", f"{name}.stripe_secret_key", input=key).code == 0


def test_stripe_valid_key(dango, project_dir, stripe_api):
    add_stripe(dango, stripe_api.url, STRIPE_KEY)
    result = dango("source", "test", "pay")
    assert result.code == 0, result
    assert result.out.strip() == "pay: valid"
    assert stripe_api.state.requests[-1].path == "/v1/charges"
    meta = load_yaml(project_dir / ".dango/credentials.yml")["credentials"]
    assert meta["pay.stripe_secret_key"]["result"] == "valid"
    assert "last_verified" in meta["pay.stripe_secret_key"]
    events = json.loads(dango("audit", "--json").out)["events"]
    assert events[-1]["event"] == "tested" and events[-1]["result"] == "valid"


def test_stripe_revoked_key_is_invalid_with_the_reason(dango, stripe_api):
    add_stripe(dango, stripe_api.url, CANARY_STRIPE)
    result = dango("source", "test", "pay")
    assert result.code == 1
    assert "pay: invalid (Stripe refused the credential (HTTP 401: Invalid API Key provided))" in result.out
    assert CANARY_STRIPE not in result.output


def test_stripe_server_error_is_unknown_not_valid(dango, stripe_api):
    add_stripe(dango, stripe_api.url, STRIPE_KEY)
    stripe_api.state.fail_paths.add("/v1/charges")
    result = dango("source", "test", "pay", "--json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["status"] == "unknown" and "HTTP 500" in data["reason"]


def test_closed_port_is_unknown(dango, closed_port):
    add_stripe(dango, f"http://127.0.0.1:{closed_port}", STRIPE_KEY)
    result = dango("source", "test", "pay")
    assert result.code == 1 and "pay: unknown (could not reach Stripe" in result.out


def test_a_server_that_never_answers_times_out_as_unknown(dango, silent_port):
    add_stripe(dango, f"http://127.0.0.1:{silent_port}", STRIPE_KEY)
    result = dango("source", "test", "pay", "--timeout", "1", timeout=30)
    assert result.code == 1
    assert "pay: unknown (Stripe did not answer within 1 s)" in result.out


def add_postgres(dango, **fields):
    args = []
    for key, value in fields.items():
        args += ["--set", f"{key}={value}"]
    assert dango("source", "add", "postgres", "--name", "db", "--no-input", *args).code == 0


def test_postgres_valid(dango):
    add_postgres(dango, host="127.0.0.1", port=5432, database="test", username="postgres")
    result = dango("source", "test", "db")
    assert result.code == 0, result
    assert result.out.strip() == "db: valid"


def test_postgres_unknown_database_is_invalid(dango):
    add_postgres(dango, host="127.0.0.1", port=5432, database="no_such_db_here", username="postgres")
    result = dango("source", "test", "db")
    assert result.code == 1
    assert "db: invalid (PostgreSQL refused the login:" in result.out and "does not exist" in result.out


def test_postgres_url_form(dango):
    assert dango("source", "add", "postgres", "--name", "db", "--no-input",
                 "--ref", "credentials=PG_URL").code == 0
    result = dango("source", "test", "db", env_extra={"PG_URL": "postgresql://postgres@127.0.0.1:5432/test"})
    assert result.code == 0, result


def test_postgres_with_both_forms_is_tested_as_sync_loads_it(dango):
    # sync connects with the credentials URL when there is one; the test checked the host
    # fields instead and called valid a source whose every sync failed
    assert dango("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=127.0.0.1",
                 "--set", "database=test", "--set", "username=postgres", "--ref", "credentials=PG_URL").code == 0
    wrong = dango("source", "test", "db", env_extra={"PG_URL": "postgresql://postgres@127.0.0.1:5432/no_such_db_here"})
    assert wrong.code == 1 and "db: invalid (" in wrong.out and "no_such_db_here" in wrong.out, wrong
    right = dango("source", "test", "db", env_extra={"PG_URL": "postgresql://postgres@127.0.0.1:5432/test"})
    assert right.code == 0 and right.out.strip() == "db: valid", right


def test_postgres_closed_port_is_unknown(dango, closed_port):
    add_postgres(dango, host="127.0.0.1", port=closed_port, database="test", username="postgres")
    result = dango("source", "test", "db")
    assert result.code == 1 and "db: unknown (could not reach PostgreSQL" in result.out


def test_postgres_silent_server_is_unknown(dango, silent_port):
    add_postgres(dango, host="127.0.0.1", port=silent_port, database="test", username="postgres")
    result = dango("source", "test", "db", "--timeout", "1", timeout=30)
    assert result.code == 1 and "db: unknown" in result.out


@pytest.fixture(scope="module")
def mariadb_user():
    """A MariaDB user with a password, made for this module and dropped after it."""
    import pymysql

    name, password = f"dango_{uuid.uuid4().hex[:8]}", CANARY_PASSWORD
    root = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    with root.cursor() as cursor:
        for host in ("%", "localhost", "127.0.0.1"):
            cursor.execute("CREATE USER %s@%s IDENTIFIED BY %s", (name, host, password))
            cursor.execute("GRANT SELECT ON test.* TO %s@%s", (name, host))
    yield name, password
    with root.cursor() as cursor:
        for host in ("%", "localhost", "127.0.0.1"):
            cursor.execute("DROP USER IF EXISTS %s@%s", (name, host))
    root.close()


def add_mysql(dango, user, port=3306):
    assert dango("source", "add", "mysql", "--name", "shop", "--no-input", "--set", "host=127.0.0.1",
                 "--set", f"port={port}", "--set", "database=test", "--set", f"username={user}").code == 0


def test_mysql_valid_and_wrong_password(dango, mariadb_user):
    user, password = mariadb_user
    add_mysql(dango, user)
    assert dango("secrets", "set", "shop.password", input=password).code == 0
    assert dango("source", "test", "shop").out.strip() == "shop: valid"
    assert dango("secrets", "set", "shop.password", input=password + "-wrong").code == 0
    result = dango("source", "test", "shop")
    assert result.code == 1
    assert "shop: invalid (MySQL refused the login:" in result.out and "Access denied" in result.out
    assert password not in result.output


def test_mysql_closed_port_is_unknown(dango, closed_port):
    add_mysql(dango, "root", closed_port)
    result = dango("source", "test", "shop")
    assert result.code == 1 and "shop: unknown (could not reach MySQL" in result.out


class _ApiHandler(BaseHTTPRequestHandler):
    token = "api-token-123"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        ok = self.headers.get("X-Api-Key") == self.token
        body = b'{"me": "ok"}' if ok else b'{"message": "bad key"}'
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ApiHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_rest_api_probe(dango, api_server):
    assert dango("source", "add", "rest_api", "--name", "api", "--no-input", "--set", f"base_url={api_server}",
                 "--set", "auth_type=api_key", "--set", "probe_path=/me", "--ref", "api_key=API_KEY").code == 0
    assert dango("source", "test", "api", env_extra={"API_KEY": "api-token-123"}).code == 0
    bad = dango("source", "test", "api", env_extra={"API_KEY": "nope"})
    assert bad.code == 1 and "api: invalid (the API refused the credential (HTTP 401: bad key))" in bad.out
    unset = dango("source", "test", "api")
    assert unset.code == 1 and "API_KEY is not set" in unset.out


def test_rest_api_without_probe_path_is_unknown(dango):
    dango("source", "add", "rest_api", "--name", "api", "--no-input", "--set", "base_url=http://127.0.0.1:9")
    result = dango("source", "test", "api")
    assert result.code == 1 and "no probe_path is configured" in result.out


def test_csv_file_must_exist(dango, project_dir):
    dango("source", "add", "csv", "--name", "orders", "--no-input", "--set", "file_path=data/*.csv")
    assert dango("source", "test", "orders").code == 1
    (project_dir / "data/a.csv").write_text("a\n1\n")
    assert dango("source", "test", "orders").out.strip() == "orders: valid (1 file(s))"


def test_validate_live_reports_every_failing_source(dango, stripe_api, closed_port):
    add_stripe(dango, stripe_api.url, STRIPE_KEY, "good")
    add_stripe(dango, stripe_api.url, "sk_test_wrong", "bad")
    add_stripe(dango, f"http://127.0.0.1:{closed_port}", STRIPE_KEY, "down")
    assert dango("validate").code == 0
    result = dango("validate", "--live")
    assert result.code == 1
    lines = result.out.splitlines()
    assert any(l.startswith("bad: live check invalid") for l in lines)
    assert any(l.startswith("down: live check unknown") for l in lines)
    assert not any(l.startswith("good:") for l in lines)


def test_postgres_password_checked_by_a_scram_server(dango, scram_postgres):
    add_postgres(dango, host="127.0.0.1", port=scram_postgres.port, database="app", username="loader")
    assert dango("secrets", "set", "db.password", input=CANARY_PASSWORD).code == 0
    assert dango("source", "test", "db").out.strip() == "db: valid"
    assert dango("secrets", "set", "db.password", input=CANARY_PASSWORD + "-old").code == 0
    result = dango("source", "test", "db")
    assert result.code == 1
    assert "db: invalid (PostgreSQL refused the login:" in result.out
    assert "password authentication failed" in result.out
    assert CANARY_PASSWORD not in result.output
