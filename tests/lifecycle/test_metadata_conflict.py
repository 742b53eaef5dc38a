"""`.dango/credentials.yml` is committed: two teammates who each add or rotate a credential
leave git's conflict markers in it. Both sides' dates are kept, never thrown away."""

from __future__ import annotations

import subprocess

from dango.yaml_io import load_yaml


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_a_conflicted_credentials_file_keeps_both_sides(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    for name in ("db", "crm"):
        dango("source", "add", "postgres", "--name", name, "--set", "host=h", "--set", "database=d",
              "--set", "username=u", "--no-input")
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_first-0123456789").code == 0
    git(project_dir, "init", "-q")
    git(project_dir, "add", ".dango/credentials.yml", ".dango/sources.yml")
    git(project_dir, "commit", "-qm", "base")
    git(project_dir, "checkout", "-qb", "teammate")
    assert dango("secrets", "set", "db.password", input="pg-password-0123456789").code == 0
    git(project_dir, "commit", "-qam", "db password")
    git(project_dir, "checkout", "-q", "-")
    assert dango("secrets", "set", "crm.password", input="crm-password-0123456789").code == 0
    git(project_dir, "commit", "-qam", "crm password")
    mine = load_yaml(project_dir / ".dango/credentials.yml")["credentials"]
    merged = subprocess.run(["git", "merge", "-q", "teammate"], cwd=project_dir, capture_output=True)
    text = (project_dir / ".dango/credentials.yml").read_text()
    assert merged.returncode != 0 and "<<<<<<<" in text  # a real conflict
    shown = dango("config", "show")
    assert shown.code == 0, shown
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_second-0123456789").code == 0
    after = load_yaml(project_dir / ".dango/credentials.yml")["credentials"]
    assert "<<<<<<<" not in (project_dir / ".dango/credentials.yml").read_text()
    assert set(after) == {"pay.stripe_secret_key", "db.password", "crm.password"}
    for key in ("pay.stripe_secret_key", "crm.password"):
        assert after[key]["created"] == mine[key]["created"]
    assert after["db.password"]["created"]
