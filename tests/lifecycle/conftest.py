"""Servers for health checks: the Stripe-like API (ports that refuse or never answer are in
tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.servers.stripe_server import StripeServer

STRIPE_KEY = "sk_test_GOODk3yF0rH3althCh3ck5xyz"


@pytest.fixture
def stripe_api():
    with StripeServer(STRIPE_KEY, {"customers": 3, "charges": 2}) as server:
        yield server
