"""No write or append follows a link out of the project, and no temporary is left behind.

A cloned repository can ship symlinks: `.dango/audit.log -> ~/.bashrc` would make every
credential change append to the user's shell start-up file. Every file Dango writes or
appends refuses a link that leads out of the project, and the command changes nothing.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import CANARY_STRIPE, changes_between, tree_state

NEW_KEY = "sk_live_NEWn3wN3wvalue0123456789"

# file -> a command that writes it (in a project with a stripe source `pay` holding a key)
TARGETS = {
    ".dango/audit.log": (["secrets", "set", "pay.stripe_secret_key"], NEW_KEY),
    ".dango/credentials.yml": (["secrets", "set", "pay.stripe_secret_key"], NEW_KEY),
    ".dango/sources.yml": (["source", "add", "csv", "--name", "more", "--set", "file_path=x.csv", "--no-input"], None),
    ".dango/.lock": (["secrets", "unset", "pay.stripe_secret_key"], None),
    ".dlt/secrets.toml": (["secrets", "set", "pay.stripe_secret_key"], NEW_KEY),
    ".dlt/secrets.toml.example": (["source", "remove", "pay", "--yes"], None),
    ".dango/project.yml": (["secrets", "encrypt"], None),
}


@pytest.fixture
def pay(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE).code == 0
    assert (project_dir / ".dango" / "audit.log").exists()
    return project_dir


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_a_link_out_of_the_project_is_refused_and_nothing_changes(dango, pay, tmp_path, name):
    victim = tmp_path / "victim"
    original = (pay / name).read_bytes() if (pay / name).exists() else b"precious\n"
    victim.write_bytes(original)
    (pay / name).unlink(missing_ok=True)
    (pay / name).symlink_to(victim)
    args, stdin = TARGETS[name]
    before = tree_state(pay)
    result = dango(*args, input=stdin, env_extra={"DANGO_MASTER_KEY": "A" * 43 + "="})
    assert result.code == 2, result
    assert os.path.basename(name) in result.err, result
    assert "unexpected" not in result.err, result
    assert victim.read_bytes() == original
    assert changes_between(before, tree_state(pay)) == []


def test_a_linked_dango_folder_is_refused(dango, pay, tmp_path):
    outside = tmp_path / "outside"
    (pay / ".dango").rename(outside)
    (pay / ".dango").symlink_to(outside)
    before = tree_state(outside)
    result = dango("secrets", "set", "pay.stripe_secret_key", input=NEW_KEY)
    assert result.code == 2, result
    assert changes_between(before, tree_state(outside)) == []


def test_a_link_inside_the_project_is_followed(dango, pay):
    """Links that stay inside the project (a dotfiles layout) keep working."""
    real = pay / ".dango" / "audit-real.log"
    (pay / ".dango" / "audit.log").rename(real)
    (pay / ".dango" / "audit.log").symlink_to("audit-real.log")
    lines = len(real.read_text().splitlines())
    result = dango("secrets", "set", "pay.stripe_secret_key", input=NEW_KEY)
    assert result.code == 0, result
    assert len(real.read_text().splitlines()) == lines + 1
    assert (pay / ".dango" / "audit.log").is_symlink()


@pytest.mark.parametrize("name", [".dlt/secrets.toml", ".dango/sources.yml", ".dango/credentials.yml"])
def test_a_killed_writers_temporaries_are_removed_by_the_next_write(dango, pay, name):
    stale = pay / os.path.dirname(name) / f".{os.path.basename(name)}.k1ll3d.tmp"
    stale.write_text(f'stripe_secret_key = "{CANARY_STRIPE}"\n')
    listed = dango("source", "list")  # a read command leaves it (it writes nothing)
    assert listed.code == 0 and stale.exists()
    assert dango("source", "add", "stripe", "--name", "other", "--ref", "stripe_secret_key=K",
                 "--no-input").code == 0
    assert not stale.exists()


@pytest.mark.parametrize("name", [".dlt/secrets.toml", ".dango/project.yml", ".dango/credentials.yml"])
def test_any_write_removes_every_project_files_temporaries(dango, pay, name):
    """A plaintext copy left by a killed `secrets decrypt` goes at the next change of any file."""
    stale = pay / os.path.dirname(name) / f".{os.path.basename(name)}.k1ll3d.tmp"
    stale.write_text(f'stripe_secret_key = "{CANARY_STRIPE}"\n')
    assert dango("source", "add", "csv", "--name", "orders", "--set", "file_path=o.csv",
                 "--no-input").code == 0  # writes sources.yml only
    assert not stale.exists()


def test_secrets_status_reports_a_plaintext_temporary_until_it_is_removed(dango, pay):
    stale = pay / ".dlt" / ".secrets.toml.deadbeef.tmp"
    stale.write_text(f'stripe_secret_key = "{CANARY_STRIPE}"\n')
    stale.chmod(0o600)
    status = dango("secrets", "status")
    assert ".dlt/.secrets.toml.deadbeef.tmp" in status.output, status
    assert CANARY_STRIPE not in status.output
    assert stale.exists()
    assert dango("secrets", "set", "pay.stripe_secret_key", input=NEW_KEY).code == 0
    assert not stale.exists()
    assert ".tmp" not in dango("secrets", "status").output


@pytest.mark.parametrize("name", [".env", ".dango/audit.log"])
def test_validate_reports_a_loose_file_that_holds_secrets_with_its_fix(dango, pay, name):
    path = pay / name
    path.write_text("STRIPE=sk_live_x\n" if name == ".env" else path.read_text())
    path.chmod(0o644)
    before = tree_state(pay)
    result = dango("validate")
    assert result.code == 1, result
    assert f"{name}: permissions are 644, readable by the group and other users; fix: chmod 600 {name}" in result.out
    assert changes_between(before, tree_state(pay)) == []


@pytest.mark.parametrize("name", [".dango/pipelines", ".dango/pipelines/dango_orders", "data",
                                  "data/warehouse.duckdb"])
def test_sync_refuses_a_link_out_for_dlt_and_duckdb(dango, project_dir, tmp_path, name):
    (project_dir / "orders.csv").write_text("id\n1\n")
    assert dango("source", "add", "csv", "--name", "orders", "--set", "file_path=orders.csv",
                 "--no-input").code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    target = project_dir / name
    if target.is_dir():
        target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside if not name.endswith(".duckdb") else outside / "warehouse.duckdb")
    result = dango("sync", "--source", "orders")
    assert result.code == 2, result
    assert "outside the project" in result.err and "unexpected" not in result.err
    assert list(outside.iterdir()) == []


def test_the_scan_baseline_is_not_written_through_a_linked_dango_folder(dango, project_dir, tmp_path):
    outside = tmp_path / "outside"
    (project_dir / ".dango").rename(outside)
    (project_dir / ".dango").symlink_to(outside)
    (project_dir / "notes.txt").write_text("key = sk_live_" + "Q7" * 12 + "\n")  # dango:allow (a test fake)
    result = dango("secrets", "scan", "--update-baseline")
    assert result.code == 2, result
    assert "outside the project" in result.err
    assert not (outside / "scan-baseline.json").exists()
