"""`dango secrets rotate`: test, swap, keep the old value until --confirm or --rollback."""

from __future__ import annotations

import json
import tomllib

import pytest

from tests.conftest import CANARY_STRIPE, snapshot
from tests.lifecycle.conftest import STRIPE_KEY

OLD_KEY = CANARY_STRIPE  # the key being rotated away; the test server accepts only STRIPE_KEY


@pytest.fixture
def pay(dango, project_dir, stripe_api):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input",
                 "--set", f"base_url={stripe_api.url}").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=OLD_KEY).code == 0
    return dango


def section(project_dir) -> dict:
    return tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"]["pay"]


def test_rotate_confirm(pay, project_dir):
    result = pay("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY)
    assert result.code == 0, result
    assert "Stored the new pay.stripe_secret_key (live test: valid)" in result.out
    assert "dango secrets rotate pay.stripe_secret_key --confirm" in result.err
    stored = section(project_dir)
    assert stored["stripe_secret_key"] == STRIPE_KEY
    assert stored["stripe_secret_key__previous"] == OLD_KEY
    assert pay("validate").code == 0  # the kept previous value is not an "unknown key"
    confirm = pay("secrets", "rotate", "pay.stripe_secret_key", "--confirm")
    assert confirm.code == 0 and "previous value deleted" in confirm.out
    assert "stripe_secret_key__previous" not in section(project_dir)
    events = [e["event"] for e in json.loads(pay("audit", "--json").out)["events"]]
    assert events[-2:] == ["rotated", "confirmed"]
    for output in (result.output, confirm.output):
        assert OLD_KEY not in output and STRIPE_KEY not in output


def test_a_failing_live_test_writes_nothing(pay, project_dir):
    before = snapshot(project_dir)
    result = pay("secrets", "rotate", "pay.stripe_secret_key", input="sk_test_not_accepted")
    assert result.code == 1
    assert "did not pass its live test (invalid: Stripe refused the credential" in result.err
    assert "nothing was changed" in result.err
    assert snapshot(project_dir) == before


def test_force_stores_a_value_that_fails(pay, project_dir):
    result = pay("secrets", "rotate", "pay.stripe_secret_key", "--force", input="sk_test_not_accepted")
    assert result.code == 0, result
    assert "live test: invalid" in result.out
    assert section(project_dir)["stripe_secret_key"] == "sk_test_not_accepted"


def test_rollback_restores_the_previous_value(pay, project_dir):
    assert pay("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY).code == 0
    result = pay("secrets", "rotate", "pay.stripe_secret_key", "--rollback")
    assert result.code == 0 and "previous value restored" in result.out
    assert section(project_dir)["stripe_secret_key"] == OLD_KEY
    assert "stripe_secret_key__previous" not in section(project_dir)


def test_a_second_rotation_waits_for_confirm(pay, project_dir):
    assert pay("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY).code == 0
    before = snapshot(project_dir)
    again = pay("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY)
    assert again.code == 2 and "run `dango secrets rotate pay.stripe_secret_key --confirm`" in again.err
    assert snapshot(project_dir) == before


def test_confirm_without_a_rotation(pay, project_dir):
    before = snapshot(project_dir)
    result = pay("secrets", "rotate", "pay.stripe_secret_key", "--confirm")
    assert result.code == 2 and "has no previous value to confirm" in result.err
    assert snapshot(project_dir) == before


def test_a_reference_names_the_variable_to_change(dango, project_dir, stripe_api):
    dango("source", "add", "stripe", "--name", "pay", "--no-input", "--set", f"base_url={stripe_api.url}",
          "--ref", "stripe_secret_key=STRIPE_API_KEY")
    before = (project_dir / ".dlt/secrets.toml").read_bytes()
    result = dango("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY)
    assert result.code == 0, result
    assert "set STRIPE_API_KEY to the new value" in result.out and "nothing was written" in result.out
    assert (project_dir / ".dlt/secrets.toml").read_bytes() == before


def test_rotate_to_a_new_variable(pay, project_dir):
    result = pay("secrets", "rotate", "pay.stripe_secret_key", "--ref", "NEW_STRIPE_KEY",
                 env_extra={"NEW_STRIPE_KEY": STRIPE_KEY})
    assert result.code == 0, result
    assert section(project_dir)["stripe_secret_key"] == "${NEW_STRIPE_KEY}"
    assert section(project_dir)["stripe_secret_key__previous"] == OLD_KEY


def test_audit_and_metadata_hold_no_secret(pay, project_dir):
    pay("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY)
    pay("source", "test", "pay")
    for name in ("audit.log", "credentials.yml"):
        text = (project_dir / ".dango" / name).read_text()
        assert OLD_KEY not in text and STRIPE_KEY not in text
    assert (project_dir / ".dango/audit.log").stat().st_mode & 0o777 == 0o600
    meta = (project_dir / ".dango/credentials.yml").read_text()
    assert "rotated:" in meta and "fingerprint:" in meta
    text = pay("audit").out
    assert "rotated" in text and "tested" in text


def test_oauth_tokens_are_renewed_with_auth_not_rotate(dango, project_dir):
    dango("source", "add", "google_sheets", "--name", "sheet", "--no-input", "--set", "spreadsheet_url_or_id=x")
    result = dango("secrets", "rotate", "sheet.credentials.refresh_token", input="1//x")
    assert result.code == 2 and "dango auth sheet" in result.err


@pytest.mark.parametrize("kind, settings, field, why", [
    ("postgres", ["--ref", "credentials=DB_URL"], "password",
     "it connects with its connection URL (credentials), which holds its own password"),
    ("rest_api", ["--set", "base_url=http://127.0.0.1:9", "--set", "auth_type=bearer"], "password",
     "its auth_type is bearer"),
])
def test_a_field_the_source_does_not_use_is_not_rotated(dango, project_dir, kind, settings, field, why):
    assert dango("source", "add", kind, "--name", "src", "--no-input", *settings).code == 0
    before = snapshot(project_dir)
    result = dango("secrets", "rotate", f"src.{field}", input="new-value-never-tested-1",
                   env_extra={"DB_URL": "postgresql://postgres@127.0.0.1:5432/test"})
    assert result.code == 2, result
    assert result.err == (f"error: src does not use {field}: {why}, so a live test could not check a new "
                          f"value; nothing was changed. Store it with `dango secrets set src.{field}`, or "
                          "rotate the field it uses.\n")
    assert snapshot(project_dir) == before


def test_an_oauth_sources_client_is_not_rotated_untested(dango, project_dir):
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--no-input",
                 "--set", "spreadsheet_url_or_id=book1").code == 0
    before = snapshot(project_dir)
    result = dango("secrets", "rotate", "sheet.client_secret", input="GOCSPX-neverTestedClientSecret1")  # dango:allow
    assert result.code == 2, result
    assert result.err == ("error: sheet is an OAuth source: its live check (a refresh grant or token "
                          "introspection) uses the client stored with its grant, so it cannot test a new "
                          "client_secret before it is stored; nothing was changed. Store it with `dango "
                          "secrets set sheet.client_secret`, then run `dango source test sheet`.\n")
    assert snapshot(project_dir) == before
