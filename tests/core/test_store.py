"""The secrets store: atomic, locked, comment-preserving, symlink-safe."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import DANGO_SECTION, run_dango, snapshot


def test_every_edit_preserves_comments_and_layout(dango, project_dir):
    path = project_dir / ".dlt/secrets.toml"
    original = (
        "# Credentials\n\n"
        "[sources.pay]  # Stripe\n"
        "stripe_secret_key = 'sk_test_a'   # literal string, single quotes\n\n"
        "# destination for the warehouse\n"
        "[destination.postgres.credentials]\n"
        "host = \"localhost\"\n"
    ) + DANGO_SECTION
    path.write_text(original)
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    dango("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=h",
          "--set", "database=d", "--set", "username=u")
    dango("secrets", "set", "db.password", input="pw")
    dango("secrets", "unset", "db.password")
    dango("source", "remove", "db", "--yes")
    assert path.read_text() == original


def test_writes_leave_no_temporary_files_and_keep_0600(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    for value in ("sk_test_1", "sk_test_2"):
        assert dango("secrets", "set", "pay.stripe_secret_key", input=value).code == 0
    leftovers = [p.name for p in project_dir.rglob("*.tmp")]
    assert leftovers == []
    assert (project_dir / ".dlt/secrets.toml").stat().st_mode & 0o777 == 0o600


def test_write_restores_0600_on_a_loosened_file(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    (project_dir / ".dlt/secrets.toml").chmod(0o644)
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_1").code == 0
    assert (project_dir / ".dlt/secrets.toml").stat().st_mode & 0o777 == 0o600


def test_refuses_to_write_through_a_symlink_leaving_the_project(dango, project_dir, tmp_path):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("# theirs\n")
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.unlink()
    secrets.symlink_to(outside)
    before = snapshot(project_dir)
    result = dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_1")
    assert result.code == 2
    # refused when the project is loaded, before anything is read through the link
    assert "error: .dlt/secrets.toml is a link to a place outside the project" in result.err, result.err
    assert outside.read_text() == "# theirs\n"
    assert secrets.is_symlink()
    assert snapshot(project_dir) == before


def test_a_symlink_inside_the_project_is_written_through(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    real = project_dir / ".dlt/real-secrets.toml"
    secrets = project_dir / ".dlt/secrets.toml"
    real.write_text(secrets.read_text())
    secrets.unlink()
    secrets.symlink_to(real.name)
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_1").code == 0
    assert secrets.is_symlink()
    assert 'stripe_secret_key = "sk_test_1"' in real.read_text()


def test_eight_processes_adding_sources_in_parallel_lose_nothing(project_dir, env):
    def add(number: int) -> int:
        code = 0
        for index in range(3):
            name = f"src_{number}_{index}"
            result = run_dango("source", "add", "stripe", "--name", name, "--no-input",
                               "--set", f"stripe_secret_key=sk_test_{name}", cwd=project_dir, env=env)
            code = code or result.code
        return code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(add, range(8))) == [0] * 8
    secrets = tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"]
    names = {f"src_{n}_{i}" for n in range(8) for i in range(3)}
    assert set(secrets) == names
    assert all(secrets[name]["stripe_secret_key"] == f"sk_test_{name}" for name in names)
    listed = run_dango("source", "list", "--json", cwd=project_dir, env=env).out
    assert all(f'"{name}"' in listed for name in names)


def test_a_killed_writer_leaves_the_old_or_the_new_file(project_dir, env):
    """SIGKILL `secrets set` at varied moments: the file always parses, with either value."""
    run_dango("source", "add", "stripe", "--name", "pay", "--no-input",
              "--set", "stripe_secret_key=sk_test_old", cwd=project_dir, env=env)
    run_dango("source", "add", "stripe", "--name", "other", "--no-input",
              "--set", "stripe_secret_key=sk_test_other", cwd=project_dir, env=env)
    path = project_dir / ".dlt/secrets.toml"
    for attempt in range(12):
        proc = subprocess.Popen([sys.executable, "-m", "dango", "secrets", "set", "pay.stripe_secret_key"],
                                cwd=project_dir, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.stdin.write(f"sk_test_new{attempt}".encode())
        proc.stdin.close()
        try:
            proc.wait(timeout=0.05 + attempt * 0.02)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        data = tomllib.loads(path.read_text())["sources"]
        assert data["pay"]["stripe_secret_key"] in ("sk_test_old", *[f"sk_test_new{i}" for i in range(attempt + 1)])
        assert data["other"]["stripe_secret_key"] == "sk_test_other"
        assert os.stat(path).st_mode & 0o777 == 0o600
