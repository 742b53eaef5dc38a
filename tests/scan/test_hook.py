"""The pre-commit hook: a real `git commit` is blocked by a secret and passes when clean."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.conftest import CANARIES, CANARY_STRIPE
from tests.scan.conftest import git


def commit(repo: Path, env: dict[str, str], message: str):
    env = dict(env, PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""))
    import subprocess

    return subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], capture_output=True,
                          text=True, env=env)


def test_hook_blocks_a_secret_and_lets_a_clean_commit_through(repo, dango, env):
    installed = dango("secrets", "hook", "install")
    assert installed.code == 0, installed
    assert dango("secrets", "hook", "install").out.count("already installed") == 1

    (repo / "app.py").write_text(f'KEY = "{CANARY_STRIPE}"\n')
    git(repo, "add", "app.py")
    blocked = commit(repo, env, "add the key")
    assert blocked.returncode != 0, blocked
    assert "rotate it: dango secrets rotate pay.stripe_secret_key" in blocked.stdout + blocked.stderr
    for canary in CANARIES:
        assert canary not in blocked.stdout + blocked.stderr
    assert git(repo, "log", "--format=%s").stdout.split("\n")[0] == "a dango project"

    (repo / "app.py").write_text('KEY = os.environ["STRIPE_KEY"]\n')
    git(repo, "add", "app.py")
    passed = commit(repo, env, "read the key from the environment")
    assert passed.returncode == 0, passed
    assert git(repo, "log", "-1", "--format=%s").stdout.strip() == "read the key from the environment"


def test_an_existing_hook_is_kept_and_runs_first(repo, dango, env):
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    existing = hooks / "pre-commit"
    existing.write_text("#!/bin/sh\necho existing-hook-ran >&2\n[ ! -f block-me ]\n")
    existing.chmod(0o755)
    result = dango("secrets", "hook", "install")
    assert result.code == 0 and "runs first" in result.out, result
    assert "existing-hook-ran" in (hooks / "pre-commit.before-dango").read_text()

    (repo / "readme.txt").write_text("hello\n")
    git(repo, "add", "readme.txt")
    passed = commit(repo, env, "clean")
    assert passed.returncode == 0, passed
    assert "existing-hook-ran" in passed.stderr

    (repo / "block-me").write_text("no secret here\n")
    git(repo, "add", "block-me")
    assert commit(repo, env, "the old hook says no").returncode != 0
