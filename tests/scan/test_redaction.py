"""No secret reaches the terminal: exceptions, HTTP error bodies, logs, warnings, tracebacks.

`dango secrets leak-test HOW` is a hidden command that exists for these tests only (it
refuses to run unless DANGO_TEST_LEAK=1): it resolves the project's credentials and
then prints them, logs them or raises them the way third-party libraries do.
"""

from __future__ import annotations

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN

LEAK = {"DANGO_TEST_LEAK": "1"}


@pytest.fixture
def stored(dango):
    for args, value in ((["source", "add", "stripe", "--name", "pay", "--no-input"], None),
                        (["secrets", "set", "pay.stripe_secret_key"], CANARY_STRIPE),
                        (["source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=db.internal",
                          "--set", "database=shop", "--set", "username=loader"], None),
                        (["secrets", "set", "db.password"], CANARY_PASSWORD),
                        (["source", "add", "rest_api", "--name", "api", "--no-input", "--set",
                          "base_url=https://api.test", "--ref", "api_key=API_TOKEN"], None)):
        assert dango(*args, input=value).code == 0
    return dango


@pytest.mark.parametrize("how", ["print", "log", "warning", "exception", "http", "dango"])
def test_a_planted_secret_never_reaches_the_terminal(stored, how):
    result = stored("--debug", "secrets", "leak-test", how, env_extra=dict(LEAK, API_TOKEN=CANARY_TOKEN))
    assert result.output.strip(), result  # something was printed...
    for canary in (CANARY_STRIPE, CANARY_PASSWORD, CANARY_TOKEN):  # ...but no secret
        assert canary not in result.output, result
    if how != "warning":
        assert "sk_live_***************" in result.output, result
    if how in ("exception", "http", "dango"):
        assert "Traceback" in result.output and result.code != 0, result


def test_the_test_command_refuses_to_run_without_its_variable(stored):
    result = stored("secrets", "leak-test", "print")
    assert result.code == 2 and CANARY_STRIPE not in result.output
