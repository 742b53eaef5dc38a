"""A change killed between two renames (SIGKILL, no cleanup) is undone by the next writer:
every file back as it was, the created ones gone, the audit line cut off; `validate` says so
until then."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import run_dango, snapshot

KEY = "kill-between-renames-7Hq2"  # dango:allow
KILL_ON_RENAME = """
import os, signal, sys
count, kill_at = [0], int(sys.argv[1])
real = os.replace
def replace(src, dst, *args, **kwargs):
    if str(dst).endswith(("secrets.toml", "sources.yml", "secrets.toml.example", "credentials.yml")):
        count[0] += 1
        if count[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # the power goes out between two renames
    return real(src, dst, *args, **kwargs)
os.replace = replace
sys.argv = ["dango", *sys.argv[2:]]
from dango.cli.main import main
main()
"""


def test_a_change_killed_between_renames_is_undone_by_the_next_writer(project_dir, env):
    assert run_dango("source", "add", "stripe", "--name", "pay", "--no-input", cwd=project_dir, env=env).code == 0
    before = snapshot(project_dir)
    killed = subprocess.run([sys.executable, "-c", KILL_ON_RENAME, "2", "source", "add", "rest_api",
                             "--name", "s2", "--set", "base_url=https://api.example.com",
                             "--set", f"api_key={KEY}", "--no-input"],
                            cwd=project_dir, env=env, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed
    half = snapshot(project_dir)
    assert half != before  # one file renamed, the others not: the project disagrees with itself
    assert ".dango/.lock.journal" in half

    checked = run_dango("validate", cwd=project_dir, env=env)
    assert checked.code == 1 and "a change was interrupted part-way" in checked.out + checked.err, checked
    assert snapshot(project_dir) == half  # a read command repairs nothing: it writes nothing

    again = run_dango("source", "add", "stripe", "--name", "other", "--no-input", cwd=project_dir, env=env)
    assert again.code == 0, again
    after = snapshot(project_dir)
    assert "s2" not in after[".dango/sources.yml"].decode() and KEY.encode() not in after[".dlt/secrets.toml"]
    assert ".dango/.lock.journal" not in after
    assert not [name for name in after if name.endswith(".tmp")]
    assert "other" in after[".dango/sources.yml"].decode()  # the new change is in
    audit = after.get(".dango/audit.log", b"").decode()
    assert "s2" not in audit and "s2" not in after[".dlt/secrets.toml.example"].decode()


def test_a_planted_journal_changes_no_file_outside_the_project_nor_one_the_change_did_not_write(
        project_dir, env, tmp_path):
    """.dango/ is committed: a journal in a cloned repository (or written by another user into
    a shared folder) must not make the next writer replace, cut or delete the user's files."""
    import json

    assert run_dango("source", "add", "stripe", "--name", "pay", "--no-input", cwd=project_dir, env=env).code == 0
    assert run_dango("secrets", "set", "pay.stripe_secret_key", input=KEY, cwd=project_dir, env=env).code == 0
    victim, payload, log = tmp_path / "bashrc", tmp_path / "payload", tmp_path / "history.log"
    victim.write_text("the user's own file\n")
    payload.write_text("attacker's content\n")
    log.write_text("a line the user keeps\n")
    journal = project_dir / ".dango" / ".lock.journal"
    journal.write_text(json.dumps({
        "writes": [{"target": str(victim), "tmp": str(tmp_path / ".bashrc.x.tmp"),
                    "keep": str(payload), "existed": True}],
        "appends": [{"target": str(log), "size": 0}]}))
    before = snapshot(project_dir)

    refused = run_dango("source", "add", "rest_api", "--name", "api", "--set", "base_url=https://x.test",
                        "--no-input", cwd=project_dir, env=env)
    assert refused.code == 2, refused
    assert ".dango/.lock.journal records an interrupted change" in refused.err
    assert "names a file outside the project" in refused.err and f"rm {journal}" in refused.err
    assert victim.read_text() == "the user's own file\n" and payload.exists()
    assert log.read_text() == "a line the user keeps\n"
    assert snapshot(project_dir) == before

    # inside the project, a journal claiming the user's secrets.toml as "created by the change"
    secrets = project_dir / ".dlt" / "secrets.toml"
    journal.write_text(json.dumps({
        "writes": [{"target": str(secrets), "tmp": str(secrets.parent / ".secrets.toml.x.tmp"),
                    "keep": str(secrets.parent / ".secrets.toml.x.tmp.old.tmp"), "existed": False}],
        "appends": [{"target": str(project_dir / ".dango" / "audit.log"), "size": 0}]}))
    audit = (project_dir / ".dango" / "audit.log").read_bytes()
    again = run_dango("source", "add", "rest_api", "--name", "api", "--set", "base_url=https://x.test",
                      "--no-input", cwd=project_dir, env=env)
    assert again.code == 0, again
    assert KEY in secrets.read_text()  # the credential is still there
    assert (project_dir / ".dango" / "audit.log").read_bytes().startswith(audit)
    assert not journal.exists()
