"""A sync of an encrypted project loads the same rows as a plaintext one."""

from __future__ import annotations

import pytest

from tests.conftest import files_containing
from tests.servers.stripe_server import StripeServer
from tests.sync.helpers import add, count

KEY = "sk_test_51GoodKeyForTheLocalServer0001"
COUNTS = {"charges": 5, "customers": 120, "subscriptions": 0, "invoices": 3, "products": 2}


@pytest.fixture
def stripe():
    with StripeServer(KEY, COUNTS) as server:
        yield server


@pytest.mark.slow
def test_encrypted_project_syncs_the_same_rows(cdango, project_dir, stripe):
    add(cdango, "stripe", "pay", f"base_url={stripe.url}", secrets={"stripe_secret_key": KEY})
    plain = cdango("sync")
    assert plain.code == 0, plain
    rows = {table: count(project_dir, f"raw_pay.{table}") for table in ("customers", "charges", "invoices")}

    assert cdango("secrets", "encrypt").code == 0
    assert files_containing(project_dir, KEY) == []
    stripe.state.requests.clear()
    encrypted = cdango("sync", "--full-refresh")
    assert encrypted.code == 0, encrypted
    assert {table: count(project_dir, f"raw_pay.{table}") for table in rows} == rows
    assert rows["customers"] == 120
    assert all(r.authorization == f"Bearer {KEY}" for r in stripe.state.requests)
    assert files_containing(project_dir, KEY) == []  # nor in dlt's pipeline files or the warehouse
