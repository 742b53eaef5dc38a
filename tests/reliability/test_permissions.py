"""Every file that can hold a secret is 0600 (and .dlt 0700) after every command,
even with a permissive umask."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest

SECRET_FILES = (".dlt/secrets.toml", ".env", ".dango/audit.log")


def run_with_umask(umask: int, args: list[str], cwd, env, input: str | None = None):
    script = f"import os, sys; os.umask({umask}); from dango.cli.main import main; main(sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, env=env, input=input,
                          capture_output=True, text=True)


def assert_private(root):
    assert stat.S_IMODE((root / ".dlt").stat().st_mode) == 0o700
    for rel in SECRET_FILES:
        path = root / rel
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, rel
    for temporary in root.rglob(".secrets.toml.*"):
        assert stat.S_IMODE(temporary.stat().st_mode) == 0o600, temporary


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_secret_files_stay_private_after_every_command(tmp_path, env, umask):
    root = tmp_path / "p"
    steps = [
        (["init", str(root)], None),
        (["source", "add", "stripe", "--name", "pay", "--no-input"], None),
        (["secrets", "set", "pay.stripe_secret_key"], "sk_test_umask"),
        (["source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=h", "--set", "database=d",
          "--set", "username=u", "--ref", "password=PW"], None),
        (["secrets", "unset", "db.password"], None),
        (["config", "show"], None),
        (["validate"], None),
        (["source", "remove", "db", "--yes"], None),
        (["init", str(root), "--force"], None),
    ]
    for args, stdin in steps:
        result = run_with_umask(umask, args, tmp_path if args[0] == "init" else root, env, stdin)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert_private(root)
