"""Stripe sources against a real local server: pagination, retry, incremental, failures."""

from __future__ import annotations

import pytest

from tests.conftest import CANARY_STRIPE, files_containing
from tests.servers.stripe_server import StripeServer
from tests.sync.helpers import ORDERS, add, count, tables

KEY = "sk_test_51GoodKeyForTheLocalServer0001"
COUNTS = {"charges": 5, "customers": 250, "subscriptions": 0, "invoices": 3, "products": 2}


@pytest.fixture
def stripe():
    with StripeServer(KEY, COUNTS) as server:
        yield server


@pytest.mark.slow
def test_loads_every_resource_with_pagination_retry_and_incremental(dango, project_dir, stripe):
    add(dango, "stripe", "stripe_payments", f"base_url={stripe.url}", secrets={"stripe_secret_key": KEY})
    stripe.state.rate_limit_once = True

    first = dango("sync")
    assert first.code == 0, first
    assert tables(project_dir, "raw_stripe_payments") >= {"charges", "customers", "invoices", "products"}
    assert count(project_dir, "raw_stripe_payments.customers") == 250
    assert count(project_dir, "raw_stripe_payments.charges") == 5
    requests = stripe.state.requests
    assert all(r.authorization == f"Bearer {KEY}" for r in requests)
    customers = [r for r in requests if r.path == "/v1/customers"]
    assert len(customers) == 3 and [bool(r.params.get("starting_after")) for r in customers] == [False, True, True]
    assert requests[0].path == requests[1].path  # the 429 was retried after Retry-After

    # incremental on `created`: the next sync asks only for newer objects
    stripe.state.add("customers", 10)
    requests.clear()
    second = dango("sync")
    assert second.code == 0, second
    assert requests and all("created[gte]" in r.params for r in requests
                            if r.path != "/v1/subscriptions")  # empty: no cursor yet
    assert count(project_dir, "raw_stripe_payments.customers") == 260
    line = [l for l in second.out.splitlines() if l.startswith("stripe_payments ")][-1]  # summary
    assert line.split()[-3] in ("10", "11"), second  # the newest already-seen object may be re-read

    # --full-refresh drops the tables and the cursor, and loads everything again
    requests.clear()
    third = dango("sync", "--full-refresh")
    assert third.code == 0, third
    assert not any("created[gte]" in r.params for r in requests)
    assert count(project_dir, "raw_stripe_payments.customers") == 260


@pytest.mark.slow
def test_failures_are_per_source_one_sentence_and_never_show_a_secret(dango, project_dir, stripe, env):
    (project_dir / "orders.csv").write_bytes(ORDERS.read_bytes())
    add(dango, "csv", "shop", "file_path=orders.csv")
    add(dango, "stripe", "revoked", f"base_url={stripe.url}", secrets={"stripe_secret_key": CANARY_STRIPE})
    add(dango, "stripe", "flaky", f"base_url={stripe.url}", "resources=customers,invoices",
        secrets={"stripe_secret_key": KEY})
    add(dango, "stripe", "unset", f"base_url={stripe.url}", refs={"stripe_secret_key": "STRIPE_KEY_NOT_SET"})
    add(dango, "stripe", "closed", "base_url=http://127.0.0.1:9", secrets={"stripe_secret_key": KEY})
    stripe.state.fail_paths.add("/v1/invoices")

    result = dango("sync")
    assert result.code == 1, result
    errors = {line.split(":")[1].strip(): line for line in result.err.splitlines() if line.startswith("error: ")}
    assert set(errors) == {"revoked", "flaky", "unset", "closed"}, result
    assert "Stripe rejected the key in [sources.revoked] stripe_secret_key" in errors["revoked"]
    assert "HTTP 500" in errors["flaky"] and "/v1/invoices" in errors["flaky"]
    assert "STRIPE_KEY_NOT_SET is not set" in errors["unset"]
    assert "Could not connect to Stripe at http://127.0.0.1:9" in errors["closed"]
    assert "Traceback" not in result.output
    # the others still loaded; the failed source left nothing half-loaded
    assert count(project_dir, "raw_shop.orders") == 500
    assert "customers" not in tables(project_dir, "raw_flaky")

    # canary: no output, and no file of dlt's (pipeline folder, state) nor the warehouse
    # holds the key; only the secrets file does
    debug = dango("--debug", "sync", "--source", "revoked")
    for output in (result.output, debug.output):
        assert CANARY_STRIPE not in output
        assert CANARY_STRIPE[len("sk_live_"):] not in output
    assert files_containing(project_dir, CANARY_STRIPE) == [".dlt/secrets.toml"]
    assert "Traceback" in debug.err and "HTTPError" in debug.err  # --debug shows it, redacted
    # dlt keeps no trace of the run: it held each error's text, unredacted (a provider may echo a key)
    assert list((project_dir / ".dango" / "pipelines").rglob("trace.pickle")) == []


def test_stripe_object_names_load_into_the_tables_upstream_dango_named(dango, project_dir):
    """`Customer` / `BalanceTransaction` (upstream Dango 1.0's `endpoints`, kept by `dango
    migrate`) are read from /v1/customers and /v1/balance_transactions into the tables
    `customer` and `balance_transaction`, as upstream loaded them: dbt models keep working."""
    with StripeServer(KEY, {"customers": 7, "balance_transactions": 4}) as server:
        add(dango, "stripe", "pay", f"base_url={server.url}", "resources=Customer,BalanceTransaction",
            secrets={"stripe_secret_key": KEY})
        result = dango("sync")
        assert result.code == 0, result
        assert {r.path for r in server.state.requests} == {"/v1/customers", "/v1/balance_transactions"}
    assert {"customer", "balance_transaction"} <= tables(project_dir, "raw_pay")
    assert not {"customers", "balance_transactions", "Customer"} & tables(project_dir, "raw_pay")
    assert count(project_dir, "raw_pay.customer") == 7
    assert count(project_dir, "raw_pay.balance_transaction") == 4
