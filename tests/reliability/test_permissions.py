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


def test_a_project_folder_others_can_write_to_is_a_validate_problem_and_init_force_tightens_dango(
        tmp_path, env):
    """A folder made with `umask 002` (or a shared 777 one): another user could replace
    project.yml (dropping its encryption settings) or plant files Dango acts on."""
    from tests.conftest import run_dango

    root = tmp_path / "shared"
    (root / ".dango").mkdir(parents=True)
    root.chmod(0o775)
    (root / ".dango").chmod(0o777)
    assert run_dango("init", str(root), "--force", cwd=tmp_path, env=env).code == 0
    assert stat.S_IMODE((root / ".dango").stat().st_mode) == 0o755  # no longer writable by others
    checked = run_dango("validate", cwd=root, env=env)
    assert checked.code == 1, checked
    assert ("the project folder: permissions are 775, writable by the group, who can then replace "
            "the files in it") in checked.out
    assert f"fix: chmod go-w {root}" in checked.out
    root.chmod(0o755)  # the fix named works
    assert run_dango("validate", cwd=root, env=env).code == 0
