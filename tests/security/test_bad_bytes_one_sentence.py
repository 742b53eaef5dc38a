"""Bad bytes and odd files get one sentence naming the file (or the value's key) and the
fix, exit 2, every file as it was; never "unexpected ...Error", never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import CANARY_STRIPE, changes_between, tree_state


@pytest.fixture
def pay(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE).code == 0
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--set",
                 "spreadsheet_url_or_id=abc", "--no-input").code == 0
    return project_dir


def one_sentence(result, *words: str) -> None:
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result
    assert "unexpected" not in result.err and "Traceback" not in result.err, result
    for word in words:
        assert word in result.err, (word, result)


def run_bytes(args, cwd, env, data: bytes):
    proc = subprocess.run([sys.executable, "-m", "dango", *args], cwd=cwd, env=env, input=data,
                          capture_output=True, timeout=120)
    from tests.conftest import Result

    return Result(list(args), proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.mark.parametrize("value, what", [
    (b"sk_live_abc\x00def", "NUL byte"),
    (b"sk_live_abc\x1bdef", "control character"),
    (b"sk_live_abc\ndef", "line break"),
    (b"sk_live_abc\x7fdef", "control character"),
])
def test_control_characters_in_a_value_are_refused(pay, env, value, what):
    before = tree_state(pay)
    result = run_bytes(["secrets", "set", "pay.stripe_secret_key"], pay, env, value)
    one_sentence(result, what, "stripe_secret_key")
    assert changes_between(before, tree_state(pay)) == []


def test_a_value_that_is_not_utf8_is_refused(pay, env):
    before = tree_state(pay)
    result = run_bytes(["secrets", "set", "pay.stripe_secret_key"], pay, env, b"sk_live_\xff\xfe")
    one_sentence(result, "UTF-8")
    assert changes_between(before, tree_state(pay)) == []


def test_a_control_character_given_with_set_is_refused(dango, pay):
    before = tree_state(pay)
    result = dango("source", "add", "csv", "--name", "odd", "--set", "file_path=a\x01b.csv", "--no-input")
    one_sentence(result, "file_path", "control character")
    assert changes_between(before, tree_state(pay)) == []


@pytest.mark.parametrize("target", ["sheet.credentials.", "sheet.credentials.a-b", "sheet.credentials.9x",
                                    "sheet.credentials.a.b", "sheet.credentials. x", "sheet..x", "sheet."])
def test_odd_keys_under_credentials_are_refused(dango, pay, target):
    before = tree_state(pay)
    result = dango("secrets", "set", target, input="some-token-value")
    one_sentence(result)
    assert changes_between(before, tree_state(pay)) == []


def test_a_good_key_under_credentials_is_stored(dango, pay):
    assert dango("secrets", "set", "sheet.credentials.refresh_token", input="1//refresh-token-value").code == 0
    assert 'refresh_token = "1//refresh-token-value"' in (pay / ".dlt" / "secrets.toml").read_text()


@pytest.mark.parametrize("args", [["config", "show"], ["validate"], ["secrets", "status"],
                                  ["secrets", "set", "pay.stripe_secret_key"], ["sync"]])
def test_a_folder_where_secrets_toml_belongs(dango, pay, args):
    secrets = pay / ".dlt" / "secrets.toml"
    secrets.unlink()
    secrets.mkdir()
    before = tree_state(pay)
    result = dango(*args, input="sk_live_0123456789abcdef")
    one_sentence(result, "secrets.toml")
    assert changes_between(before, tree_state(pay)) == []


def test_a_sources_file_that_is_not_utf8_names_the_file_and_line(dango, pay):
    path = pay / ".dango" / "sources.yml"
    path.write_bytes(path.read_bytes() + b"# caf\xe9 (saved as latin-1)\n")
    before = tree_state(pay)
    result = dango("source", "list")
    one_sentence(result, "sources.yml:", "UTF-8")
    assert changes_between(before, tree_state(pay)) == []


def test_a_secrets_file_that_is_not_utf8_names_the_file(dango, pay):
    path = pay / ".dlt" / "secrets.toml"
    path.write_bytes(path.read_bytes() + b"# caf\xe9\n")
    before = tree_state(pay)
    one_sentence(dango("config", "show"), "secrets.toml", "UTF-8")
    one_sentence(dango("secrets", "set", "pay.stripe_secret_key", input="sk_live_x0123456789"), "secrets.toml")
    assert changes_between(before, tree_state(pay)) == []


def test_an_edit_keeps_crlf_line_endings(dango, pay):
    secrets = pay / ".dlt" / "secrets.toml"
    sources = pay / ".dango" / "sources.yml"
    for path in (secrets, sources):
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_live_crlf0123456789").code == 0
    assert dango("source", "add", "csv", "--name", "orders", "--set", "file_path=o.csv", "--no-input").code == 0
    for path in (secrets, sources):
        data = path.read_bytes()
        assert data.count(b"\r\n") == data.count(b"\n") > 3, path.name
    assert b"sk_live_crlf0123456789" in secrets.read_bytes()
    assert b"name: orders" in sources.read_bytes()


def test_a_value_too_large_for_a_programs_environment(dango, pay):
    big = "sk_live_" + "x" * 200_000
    assert dango("secrets", "set", "pay.stripe_secret_key", input=big).code == 0
    result = dango("exec", "--", sys.executable, "-c", "pass")
    one_sentence(result, "SOURCES__PAY__STRIPE_SECRET_KEY", "KiB")
    assert "x" * 100 not in result.output
