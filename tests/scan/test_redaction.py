"""No secret reaches the terminal: exceptions, HTTP error bodies, logs, warnings, tracebacks.

`dango secrets leak-test HOW` is a hidden command that exists for these tests only (it
refuses to run unless DANGO_TEST_LEAK=1): it resolves the project's credentials and
then prints them, logs them or raises them the way third-party libraries do.
"""

from __future__ import annotations

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN
from tests.scan.conftest import SOURCES

LEAK = {"DANGO_TEST_LEAK": "1"}


@pytest.fixture
def stored(dango, project_dir):
    """Three sources; api.api_key is a reference to $API_TOKEN, set only in the environment."""
    (project_dir / ".dango" / "sources.yml").write_text(SOURCES)
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text() + f"""
[sources.pay]
stripe_secret_key = "{CANARY_STRIPE}"

[sources.db]
host = "db.internal"
database = "shop"
username = "loader"
password = "{CANARY_PASSWORD}"

[sources.api]
api_key = "${{API_TOKEN}}"
""")
    return dango


@pytest.mark.parametrize("how", ["print", "log", "warning", "exception", "dlt", "http", "dango"])
def test_a_planted_secret_never_reaches_the_terminal(stored, how):
    result = stored("--debug", "secrets", "leak-test", how, env_extra=dict(LEAK, API_TOKEN=CANARY_TOKEN))
    assert result.output.strip(), result  # something was printed...
    for canary in (CANARY_STRIPE, CANARY_PASSWORD, CANARY_TOKEN):  # ...but no secret
        assert canary not in result.output, result
    if how != "warning":
        assert "sk_live_***************" in result.output, result
    if how in ("exception", "dlt", "http", "dango"):
        assert "Traceback" in result.output and result.code != 0, result


def test_the_test_command_refuses_to_run_without_its_variable(stored):
    result = stored("secrets", "leak-test", "print")
    assert result.code == 2 and CANARY_STRIPE not in result.output


def test_secrets_from_the_environment_are_masked_from_the_start(stored):
    override = "env-override-secret-4242"
    result = stored("--debug", "secrets", "leak-test", "exception",
                    env_extra=dict(LEAK, API_TOKEN=CANARY_TOKEN, SOURCES__PAY__STRIPE_SECRET_KEY=override))
    assert override not in result.output and CANARY_TOKEN not in result.output, result
    assert "Traceback" in result.output
