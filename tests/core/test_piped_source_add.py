"""`source add` whose standard input is not a terminal (a pipe, a CI job) and that would
have to ask for something: one sentence naming the fields and the fix, exit 2, nothing
written, and a value piped in is neither stored nor printed. As gh does, nothing is read
from a pipe as an answer; `dango secrets set` is the command that reads a pipe."""

from __future__ import annotations

from tests.conftest import CANARY_STRIPE, snapshot


def test_a_key_piped_to_source_add_is_refused_and_nothing_changes(dango, project_dir):
    before = snapshot(project_dir)

    result = dango("source", "add", "stripe", "--name", "pay", input=CANARY_STRIPE + "\n")

    assert result.code == 2, result
    assert result.err == (
        "error: Standard input is not a terminal, so dango cannot ask for stripe_secret_key; nothing "
        "was changed. Give it with --set FIELD=VALUE or --ref FIELD=ENV_VAR, or add --no-input to "
        "leave it unset and pipe each value in next: dango secrets set pay.stripe_secret_key\n")
    assert result.out == ""
    assert CANARY_STRIPE not in result.output
    assert snapshot(project_dir) == before


def test_no_terminal_names_every_field_it_would_ask(dango, project_dir):
    before = snapshot(project_dir)

    result = dango("source", "add", "rest_api", "--name", "api", "--set", "base_url=http://127.0.0.1:9",
                   "--set", "auth_type=basic")  # stdin is /dev/null

    assert result.code == 2, result
    assert "cannot ask for username, password; nothing was changed." in result.err
    assert "dango secrets set api.FIELD" in result.err
    assert snapshot(project_dir) == before


def test_no_terminal_and_nothing_to_ask_adds_the_source(dango, project_dir):
    # the port has a default, the password a reference: nothing would be asked
    result = dango("source", "add", "postgres", "--name", "db", "--set", "host=db.internal",
                   "--set", "database=crm", "--set", "username=loader", "--ref", "password=DB_PASSWORD")

    assert result.code == 0, result
    assert "[sources.db]" in (project_dir / ".dlt/secrets.toml").read_text()


def test_no_input_then_secrets_set_from_the_pipe(dango, project_dir):
    added = dango("source", "add", "stripe", "--name", "pay", "--no-input", input="ignored\n")
    assert added.code == 0, added
    assert "dango secrets set pay.stripe_secret_key" in added.err

    stored = dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE + "\r\n")

    assert stored.code == 0, stored
    assert f'stripe_secret_key = "{CANARY_STRIPE}"\n' in (project_dir / ".dlt/secrets.toml").read_text()
