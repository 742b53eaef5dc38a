"""`dango init`: the layout of SPEC section 1, permissions from creation, idempotence."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_dango, snapshot


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_the_layout(tmp_path, env):
    result = run_dango("init", "proj", cwd=tmp_path, env=env)
    assert result.code == 0, result
    root = tmp_path / "proj"
    for rel in (".dango/sources.yml", ".dango/project.yml", ".dlt/secrets.toml",
                ".dlt/secrets.toml.example", ".dlt/config.toml", ".gitignore"):
        assert (root / rel).is_file(), rel
    assert (root / "data").is_dir()
    assert not (root / ".env").exists()
    assert "project_id:" in (root / ".dango/project.yml").read_text()
    ignored = (root / ".gitignore").read_text().splitlines()
    for entry in (".dlt/secrets.toml", ".env", "data/", "*.duckdb"):
        assert entry in ignored
    assert "created  .dlt/secrets.toml" in result.out


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_secret_files_are_private_whatever_the_umask(tmp_path, env, umask):
    code = ("import os, sys; os.umask(%d); from dango.cli.main import main; main(['init', 'proj'])" % umask)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "proj"
    assert mode(root / ".dlt") == 0o700
    assert mode(root / ".dlt/secrets.toml") == 0o600


def test_secrets_file_is_created_with_its_mode_not_chmodded_after(tmp_path, env):
    """strace-free check: the creating call is os.open(..., O_EXCL, 0o600)."""
    code = (
        "import os\n"
        "calls = []\n"
        "real_open, real_chmod = os.open, os.chmod\n"
        "def spy_open(path, flags, mode=0o777, *a, **k):\n"
        "    if str(path).endswith('secrets.toml'): calls.append(('open', flags & os.O_EXCL != 0, mode))\n"
        "    return real_open(path, flags, mode, *a, **k)\n"
        "def spy_chmod(path, *a, **k):\n"
        "    if str(path).endswith('secrets.toml'): calls.append(('chmod',))\n"
        "    return real_chmod(path, *a, **k)\n"
        "os.open, os.chmod = spy_open, spy_chmod\n"
        "from dango.project import init_project\n"
        "from pathlib import Path\n"
        "init_project(Path('proj'))\n"
        "print(calls)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[('open', True, 384)]"


def test_init_twice_changes_nothing(tmp_path, env):
    assert run_dango("init", "proj", cwd=tmp_path, env=env).code == 0
    root = tmp_path / "proj"
    (root / ".dlt/secrets.toml").write_text('[sources.x]\nkey = "keep me"\n')
    before = snapshot(root)
    mtimes = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    result = run_dango("init", "proj", cwd=tmp_path, env=env)
    assert result.code == 0, result
    assert "Nothing to do" in result.out
    assert snapshot(root) == before
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == mtimes


def test_init_merges_an_existing_gitignore_without_duplicates(tmp_path, env):
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".gitignore").write_text("node_modules/\n.env\n")
    result = run_dango("init", str(root), "--force", cwd=tmp_path, env=env)
    assert result.code == 0, result
    lines = (root / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["node_modules/", ".env"]
    assert lines.count(".env") == 1
    assert ".dlt/secrets.toml" in lines
    run_dango("init", str(root), cwd=tmp_path, env=env)
    assert (root / ".gitignore").read_text().splitlines() == lines


@pytest.mark.parametrize("original, ending", [
    (b"node_modules/\r\n.env\r\n*.log", b"\r\n"),  # Windows, no final newline
    (b"\xef\xbb\xbf.env\r\nnode_modules/\r\n", b"\r\n"),  # Notepad's UTF-8 with BOM
    (b"caf\xe9/\n.env\n", b"\n"),  # a legacy code page: git reads bytes, so do we
], ids=["crlf-no-final-newline", "bom", "latin-1"])
def test_init_adds_to_a_gitignore_from_another_editor_keeping_its_bytes(tmp_path, env, original, ending):
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".gitignore").write_bytes(original)

    result = run_dango("init", str(root), "--force", cwd=tmp_path, env=env)

    assert result.code == 0, result
    data = (root / ".gitignore").read_bytes()
    assert data.startswith(original)
    added = data[len(original):].split(ending)
    assert b".dlt/secrets.toml" in added and b".env" not in added
    assert data.count(b"\n") == data.count(ending)  # one kind of line ending
    assert run_dango("validate", cwd=root, env=env).code == 0
    assert run_dango("init", str(root), cwd=tmp_path, env=env).code == 0
    assert (root / ".gitignore").read_bytes() == data


def test_init_never_overwrites_an_existing_secrets_file(tmp_path, env):
    root = tmp_path / "repo"
    (root / ".dlt").mkdir(parents=True)
    (root / ".dlt/secrets.toml").write_text('[sources.stripe]\napi_key = "sk_test_keep"\n')
    result = run_dango("init", str(root), "--force", cwd=tmp_path, env=env)
    assert result.code == 0, result
    assert (root / ".dlt/secrets.toml").read_text() == '[sources.stripe]\napi_key = "sk_test_keep"\n'


def test_init_refuses_a_non_empty_folder_without_force(tmp_path, env):
    root = tmp_path / "stuff"
    root.mkdir()
    (root / "notes.txt").write_text("hello")
    result = run_dango("init", str(root), cwd=tmp_path, env=env)
    assert result.code == 2
    assert "not empty" in result.err and "--force" in result.err
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]


def test_init_goes_ahead_in_a_new_git_repository(tmp_path, env):
    """`git init x` (or a new GitHub repository with a README and a licence), then
    `dango init x`: no --force needed, the repository's files are kept."""
    root = tmp_path / "repo"
    assert subprocess.run(["git", "init", "-q", str(root)]).returncode == 0
    (root / "README.md").write_text("# shop\n")
    (root / "LICENSE").write_text("MIT\n")
    (root / ".gitignore").write_text("*.pyc\n")
    result = run_dango("init", str(root), cwd=tmp_path, env=env)
    assert result.code == 0, result
    assert (root / ".dango/project.yml").is_file() and (root / "README.md").read_text() == "# shop\n"
    assert (root / ".gitignore").read_text().splitlines()[0] == "*.pyc"
    assert ".dlt/secrets.toml" in (root / ".gitignore").read_text().splitlines()


def test_init_force_tightens_loose_permissions(project_dir, tmp_path, env):
    (project_dir / ".dlt/secrets.toml").chmod(0o644)
    (project_dir / ".dlt").chmod(0o755)
    result = run_dango("init", str(project_dir), "--force", cwd=tmp_path, env=env)
    assert result.code == 0, result
    assert mode(project_dir / ".dlt/secrets.toml") == 0o600
    assert mode(project_dir / ".dlt") == 0o700


def test_init_json(tmp_path, env):
    result = run_dango("init", "proj", "--json", cwd=tmp_path, env=env)
    data = json.loads(result.out)
    assert ".dlt/secrets.toml" in data["created"]
    assert len(data["project_id"]) == 36


def test_commands_outside_a_project_fail_clearly(tmp_path, env):
    for args in (["source", "list"], ["config", "show"], ["validate"], ["secrets", "unset", "a.b"]):
        result = run_dango(*args, cwd=tmp_path, env=env)
        assert result.code == 2, result
        assert "No Dango project" in result.err and "dango init" in result.err
        assert "Traceback" not in result.err
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]


def test_exit_codes_of_click_exits_are_kept(tmp_path, env):
    """`ctx.exit(n)` inside a command must reach the shell as n."""
    code = ("import sys, click\nfrom dango.cli import main as m\n"
            "@m.cli.command('exit-three', hidden=True)\n@click.pass_context\n"
            "def three(ctx):\n    ctx.exit(3)\n"
            "m.main(['exit-three'])\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True)
    assert proc.returncode == 3


def test_an_unexpected_error_is_one_sentence_without_debug(tmp_path, env):
    code = ("import click\nfrom dango.cli import main as m\n"
            "@m.cli.command('boom', hidden=True)\n"
            "def boom():\n    raise RuntimeError('something broke inside')\n"
            "m.main(%s)\n")
    plain = subprocess.run([sys.executable, "-c", code % "['boom']"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert plain.returncode == 2
    assert plain.stderr.strip() == ("error: unexpected RuntimeError: something broke inside. "
                                    "Run the command again with --debug for the details.")
    debug = subprocess.run([sys.executable, "-c", code % "['--debug', 'boom']"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert debug.returncode == 2 and "Traceback" in debug.stderr


@pytest.mark.parametrize("link", [".dlt/config.toml", ".dlt", "data"])
def test_init_into_a_folder_with_a_link_out_writes_nothing(tmp_path, env, link):
    """A cloned folder whose .dlt/config.toml (or .dlt, or data) leads out of it: init refuses
    before it writes anything (exit 2 means none of the layout was created)."""
    folder = tmp_path / "cloned"
    (folder / ".dlt").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if link == ".dlt":
        (folder / ".dlt").rmdir()
    (folder / link).symlink_to(elsewhere / ("config.toml" if link.endswith(".toml") else ""))
    (folder / "README.md").write_text("a cloned repository\n")
    before = snapshot(folder)
    result = run_dango("init", "--force", str(folder), cwd=tmp_path, env=env)
    assert result.code == 2, result
    assert "outside the project" in result.err and "Traceback" not in result.err
    assert snapshot(folder) == before and not (folder / ".dango").exists()
    assert list(elsewhere.iterdir()) == []
