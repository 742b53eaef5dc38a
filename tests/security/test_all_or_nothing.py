"""A change is all or nothing across every file it touches: secrets.toml, its example,
sources.yml, credentials.yml and the audit log. Exit 0 means all of it was written; exit 2
means none of it was.

Failures are made real: a folder where a file belongs, a link out of the project, and a
full disk (the file size limit of the process, RLIMIT_FSIZE, so a write past it fails with
EFBIG exactly as on a full file system).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CANARY_STRIPE, changes_between, files_containing, tree_state

NEW_KEY = "sk_live_NEWn3wN3wvalue0123456789"


@pytest.fixture
def pay(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE).code == 0
    return project_dir


WRITES = {
    "secrets set": (["secrets", "set", "pay.stripe_secret_key"], NEW_KEY),
    "secrets unset": (["secrets", "unset", "pay.stripe_secret_key"], None),
    "source add": (["source", "add", "stripe", "--name", "billing", "--ref", "stripe_secret_key=BILLING_KEY",
                    "--no-input"], None),
    "source remove": (["source", "remove", "pay", "--yes"], None),
    "rotate": (["secrets", "rotate", "pay.stripe_secret_key", "--force"], NEW_KEY),
}


def assert_nothing_changed(result, before, root: Path, *, mentions: str):
    assert result.code == 2, result
    assert mentions in result.err, result
    assert "unexpected" not in result.err and "Traceback" not in result.err, result
    assert changes_between(before, tree_state(root)) == []


@pytest.mark.parametrize("command", sorted(WRITES))
def test_a_folder_where_credentials_yml_belongs_stops_the_whole_change(dango, pay, command):
    meta = pay / ".dango" / "credentials.yml"
    meta.unlink()
    meta.mkdir()
    args, stdin = WRITES[command]
    before = tree_state(pay)
    result = dango(*args, input=stdin)
    assert_nothing_changed(result, before, pay, mentions="credentials.yml")
    assert "folder" in result.err


@pytest.mark.parametrize("command", sorted(WRITES))
def test_a_linked_example_outside_stops_the_whole_change(dango, pay, command, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    example = pay / ".dlt" / "secrets.toml.example"
    example.unlink()
    example.symlink_to(victim)
    args, stdin = WRITES[command]
    before = tree_state(pay)
    result = dango(*args, input=stdin)
    assert_nothing_changed(result, before, pay, mentions="secrets.toml.example")
    assert victim.read_text() == "precious\n"


def run_with_file_limit(args, cwd, env, limit: int, input: str | None = None):
    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "dango", *args], cwd=cwd, env=env, input=input,
                          capture_output=True, text=True, preexec_fn=limit_file_size, timeout=120)
    return proc


@pytest.mark.parametrize("command", sorted(WRITES))
def test_a_full_disk_on_the_audit_log_undoes_the_written_files(pay, env, command):
    """Every other file fits; the audit line does not: the change is undone, exit 2."""
    audit = pay / ".dango" / "audit.log"
    limit = 64 * 1024
    with audit.open("ab") as handle:
        handle.write(b"\n" * (limit - audit.stat().st_size))
    args, stdin = WRITES[command]
    before = tree_state(pay)
    proc = run_with_file_limit(args, pay, env, limit, stdin)
    assert proc.returncode == 2, proc.stderr
    assert "audit.log" in proc.stderr and "nothing was changed" in proc.stderr, proc.stderr
    assert "unexpected" not in proc.stderr
    assert changes_between(before, tree_state(pay)) == []


def test_a_full_disk_on_secrets_toml_is_one_sentence(pay, env):
    proc = run_with_file_limit(["secrets", "set", "pay.stripe_secret_key"], pay, env, 200, NEW_KEY)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: Could not write .dlt/secrets.toml:"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert NEW_KEY not in proc.stderr + proc.stdout


def test_exit_0_means_every_file_and_its_audit_record_were_written(dango, pay):
    before = tree_state(pay)
    result = dango("secrets", "set", "pay.stripe_secret_key", input=NEW_KEY)
    assert result.code == 0, result
    changed = {line.split()[1] for line in changes_between(before, tree_state(pay))}
    assert changed == {".dlt/secrets.toml", ".dango/credentials.yml", ".dango/audit.log"}, changed
    events = json.loads(dango("audit", "--json").out)["events"]
    assert events[-1]["event"] == "changed" and events[-1]["field"] == "stripe_secret_key"
    assert files_containing(pay, NEW_KEY) == [".dlt/secrets.toml"]
