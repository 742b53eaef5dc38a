"""Servers for health checks: the Stripe-like API, a port that refuses, one that never answers."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.servers.stripe_server import StripeServer

STRIPE_KEY = "sk_test_GOODk3yF0rH3althCh3ck5xyz"


@pytest.fixture
def stripe_api():
    with StripeServer(STRIPE_KEY, {"customers": 3, "charges": 2}) as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A port on the loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port():
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()

