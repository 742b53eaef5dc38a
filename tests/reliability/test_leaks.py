"""The leak suite: a project full of canary secrets (plain, referenced, encrypted, OAuth),
every command in success and failure paths, with and without --debug. Afterwards no
canary is in any output, log, audit line, `.dango/` file, dlt pipeline folder or the
warehouse; after `encrypt`, not even in secrets.toml."""

from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN, files_containing
from tests.servers.stripe_server import StripeServer

API_KEY = "canary-api-key-5f0e3c9d2b"
CLIENT_SECRET = "GOCSPX-canaryClientSecret0042"
MASTER_KEY = base64.b64encode(b"canary-master-key-32-bytes-long!").decode()
CANARIES = (CANARY_STRIPE, CANARY_PASSWORD, CANARY_TOKEN, API_KEY, CLIENT_SECRET, MASTER_KEY)


def leaks(text: str) -> list[str]:
    return [c for c in CANARIES if c in text]


@pytest.mark.slow
def test_no_canary_escapes_any_command(dango, project_dir, scram_postgres, closed_port):
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=scram_postgres.port, user="loader",
                            password=CANARY_PASSWORD, dbname="app")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create table if not exists leak_items (id int primary key, note text)")
        cur.execute("insert into leak_items values (1, 'x') on conflict do nothing")
    conn.close()

    env = {"PG_PASSWORD": CANARY_PASSWORD, "DANGO_MASTER_KEY": MASTER_KEY,
           "DANGO_OAUTH_GOOGLE_TOKEN_URL": f"http://127.0.0.1:{closed_port}/token",
           "DANGO_GOOGLE_SHEETS_API_URL": f"http://127.0.0.1:{closed_port}"}
    results = []

    def run(*args, input=None, debug=True):
        for argv in ([*args], ["--debug", *args]) if debug else ([*args],):
            result = dango(*argv, input=input, env_extra=env, timeout=180)
            results.append(result)
        return result

    with StripeServer(CANARY_STRIPE, {"customers": 3, "charges": 2}) as stripe:
        run("source", "add", "stripe", "--name", "pay", "--no-input", "--set", f"base_url={stripe.url}",
            "--set", "resources=customers,charges", debug=False)
        run("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE, debug=False)
        run("source", "add", "stripe", "--name", "revoked", "--no-input", "--set", f"base_url={stripe.url}",
            "--set", "resources=customers", debug=False)
        run("secrets", "set", "revoked.stripe_secret_key", input=CANARY_STRIPE + "-old", debug=False)
        run("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=127.0.0.1",
            "--set", f"port={scram_postgres.port}", "--set", "database=app", "--set", "username=loader",
            "--set", "tables=leak_items", "--ref", "password=PG_PASSWORD", debug=False)
        run("source", "add", "postgres", "--name", "url_db", "--no-input", "--set",
            f"credentials=postgresql://loader:{CANARY_PASSWORD}@127.0.0.1:{closed_port}/app", debug=False)
        run("source", "add", "rest_api", "--name", "api", "--no-input", "--set", f"base_url={stripe.url}",
            "--set", "probe_path=/v1/customers", "--set", "resources=v1/customers", debug=False)
        run("secrets", "set", "api.api_key", input=API_KEY, debug=False)
        run("source", "add", "google_sheets", "--name", "sheet", "--no-input",
            "--set", "spreadsheet_url_or_id=book", debug=False)
        for key, value in (("client_id", "1234.apps.googleusercontent.com"), ("client_secret", CLIENT_SECRET),
                           ("refresh_token", "1//" + CANARY_TOKEN), ("access_token", "ya29." + CANARY_TOKEN)):
            run("secrets", "set", f"sheet.credentials.{key}", input=value, debug=False)

        def every_command():
            run("config", "show")
            run("config", "show", "--json")
            run("validate")
            run("validate", "--live", "--timeout", "3")
            run("source", "list", "--json")
            for name in ("pay", "revoked", "db", "url_db", "api", "sheet"):
                run("source", "test", name, "--timeout", "3")
            run("sync", "--dry-run")
            run("sync")
            run("auth", "list")
            run("auth", "status")
            run("auth", "check")
            run("auth", "refresh", "sheet")
            run("secrets", "status")
            run("secrets", "scan")
            run("secrets", "rotate", "pay.stripe_secret_key", input=CANARY_STRIPE + "-bad")
            run("secrets", "set", "db.port", input=CANARY_PASSWORD)
            run("secrets", "export", "--format", "env")
            run("exec", "--", "python", "-c", "import os; print(len(os.environ) > 0)")
            run("audit")

        every_command()
        run("secrets", "encrypt", debug=False)
        secrets_text = (project_dir / ".dlt/secrets.toml").read_text()
        for canary in (CANARY_STRIPE, API_KEY, CLIENT_SECRET, CANARY_TOKEN):
            assert canary not in secrets_text
        every_command()
        # a damaged ciphertext: the error path of every reader
        damaged = secrets_text.replace("ENC[v1,AES256_GCM", "ENC[v1,AES256_GCM", 1)
        first = damaged.index("data:") + 5
        damaged = damaged[:first] + ("A" if damaged[first] != "A" else "B") + damaged[first + 1:]
        (project_dir / ".dlt/secrets.toml").write_text(damaged)
        for args in (["config", "show"], ["sync"], ["source", "test", "pay"], ["secrets", "status"]):
            run(*args)
        (project_dir / ".dlt/secrets.toml").write_text(secrets_text)

    assert any(r.code == 0 for r in results) and any(r.code == 1 for r in results) \
        and any(r.code == 2 for r in results)
    for result in results:
        assert leaks(result.output) == [], result
    allowed = {".dlt/secrets.toml"}
    for canary in CANARIES:
        holders = set(files_containing(project_dir, canary))
        assert holders <= allowed, (canary, holders - allowed)
    assert (project_dir / ".dango" / "pipelines").exists()
    import duckdb

    with duckdb.connect(str(project_dir / "data/warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw_pay.customers").fetchone()[0] == 3
        assert con.execute("select count(*) from raw_db.leak_items").fetchone()[0] == 1
    audit = (project_dir / ".dango/audit.log").read_text()
    assert {json.loads(line)["event"] for line in audit.splitlines()} >= {"added", "tested", "encrypted"}


# -- `ref+` references: values that arrive from a secret store -------------------------------
REF_AWS = "sk_live_REFc4n4ryFromSecretsManager01"  # dango:allow
REF_SSM = "sk_live_REFc4n4ryFromParameterStore02"  # dango:allow
REF_FILE = "canary-ref-file-value-8d2c6e0a17"  # dango:allow


def test_no_ref_canary_escapes_any_command(dango, project_dir, env):
    """Values fetched from Secrets Manager and SSM (moto's server), a private file and a
    keyring that echoes its value in its errors: none is printed, logged or written."""
    from pathlib import Path

    from tests.conftest import skip_or_fail
    from tests.vaults.echo_keyring import CANARY as REF_KEYRING

    try:
        from tests.servers.moto_aws import MotoServer
        import moto.server  # noqa: F401
    except ImportError:
        skip_or_fail("moto[server] is not installed (make install)")
    canaries = (REF_AWS, REF_SSM, REF_FILE, REF_KEYRING)
    repo = Path(__file__).resolve().parents[2]
    results = []
    with MotoServer() as aws, StripeServer(REF_AWS, {"customers": 3, "charges": 2}) as stripe:
        aws.client("secretsmanager").create_secret(Name="prod/stripe", SecretString=json.dumps({"api_key": REF_AWS}))
        aws.client("ssm").put_parameter(Name="/prod/stripe", Value=REF_SSM, Type="SecureString")
        extra = {**aws.env(), "PYTHON_KEYRING_BACKEND": "tests.vaults.echo_keyring.EchoingKeyring",
                 "PYTHONPATH": str(repo), "DANGO_VAULT_TIMEOUT": "5"}

        def run(*args, input=None, plain=False):
            for argv in ([*args], ["--debug", *args]) if plain else (["--debug", *args],):
                results.append(dango(*argv, input=input, env_extra=extra, timeout=180))

        (project_dir / "keys").mkdir()
        (project_dir / "keys/api").write_text(REF_FILE + "\n")
        (project_dir / "keys/api").chmod(0o600)
        for name, ref in (("pay", "ref+awssecrets://prod/stripe#/api_key"), ("ssm", "ref+awsssm:///prod/stripe"),
                          ("kr", "ref+keyring://echo/good"), ("kr_missing", "ref+keyring://echo/missing")):
            assert dango("source", "add", "stripe", "--name", name, "--no-input", "--set", f"base_url={stripe.url}",
                         "--set", "resources=customers", "--ref", f"stripe_secret_key={ref}").code == 0
        assert dango("source", "add", "rest_api", "--name", "api", "--no-input", "--set", f"base_url={stripe.url}",
                     "--set", "probe_path=/v1/customers", "--set", "resources=v1/customers",
                     "--ref", "api_key=ref+file://keys/api").code == 0
        run("config", "show", "--json")
        run("validate", "--live", "--timeout", "3")
        run("source", "test", "kr_missing", plain=True)
        run("sync", plain=True)
        run("secrets", "scan")
        run("exec", "--", "python", "-c", "import os; print(len(os.environ) > 0)")
        run("secrets", "rotate", "pay.stripe_secret_key", "--write-through", input=REF_AWS + "-bad")
    assert {r.code for r in results} >= {0, 1}
    assert any("the keyring failed (RuntimeError)" in r.output for r in results)
    for result in results:
        assert [c for c in canaries if c in result.output] == [], result
    for canary in canaries:
        holders = set(files_containing(project_dir, canary))
        assert holders <= {"keys/api"}, (canary, holders)
    import duckdb

    with duckdb.connect(str(project_dir / "data/warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw_pay.customers").fetchone()[0] == 3
