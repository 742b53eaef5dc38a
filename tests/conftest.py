"""Shared fixtures: a fresh project per test and `dango` run as a real subprocess."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

# Canary secrets: planted by tests, asserted never to appear anywhere they do not belong.
CANARY_STRIPE = "sk_live_CANARYc4n4ryS3cr3tV4lu3xyz123"
CANARY_PASSWORD = "canary-pw-7f3a9b1e-do-not-print"
CANARY_TOKEN = "canary-tok-91c2d0e8a6b4f5"
CANARIES = (CANARY_STRIPE, CANARY_PASSWORD, CANARY_TOKEN)
# What `dango init` puts in a new secrets.toml; tests that write their own file add it so
# that the first write has nothing of its own to add.
DANGO_SECTION = '\n[dango]\nfingerprint_key = "dGVzdC1maW5nZXJwcmludC1rZXktMzItYnl0ZXMhIQ=="\n'


@dataclass
class Result:
    args: list[str]
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"Result(args={self.args}, code={self.code},\n--- stdout\n{self.out}\n--- stderr\n{self.err})"


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DANGO_", "SOURCES__", "DESTINATION__", "PYTHON_KEYRING"))}
    env.update(HOME=str(home), RUNTIME__DLTHUB_TELEMETRY="false", PYTHONDONTWRITEBYTECODE="1",
               COLUMNS="200")
    return env


def run_dango(*args: str, cwd: Path, input: str | None = None, env: dict[str, str] | None = None,
              timeout: float = 120) -> Result:
    proc = subprocess.run([sys.executable, "-m", "dango", *args], cwd=cwd, input=input,
                          capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=None if input is not None else subprocess.DEVNULL)
    return Result(list(args), proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return clean_env(home)


@pytest.fixture
def project_dir(tmp_path: Path, env: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    result = run_dango("init", str(root), cwd=tmp_path, env=env)
    assert result.code == 0, result
    return root


@pytest.fixture
def dango(project_dir: Path, env: dict[str, str]):
    """`dango(*args, input=None, env_extra=None)` run in the test's project."""

    def call(*args: str, input: str | None = None, env_extra: dict[str, str] | None = None,
             cwd: Path | None = None, timeout: float = 120) -> Result:
        merged = dict(env, **(env_extra or {}))
        return run_dango(*args, cwd=cwd or project_dir, input=input, env=merged, timeout=timeout)

    return call


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (path -> bytes): compare before and after a failing command."""
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()
            and p.name != ".lock"}


def files_containing(root: Path, needle: str) -> list[str]:
    return [name for name, data in snapshot(root).items() if needle.encode() in data]


def skip_or_fail(message: str):
    """Skip locally when a part the test needs is missing; fail under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (required under CI)")
    pytest.skip(message)


def require_binary(name: str) -> str:
    """The path of a server binary; skip locally when missing, fail under CI=true."""
    path = shutil.which(name)
    if path is None:
        for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
            if (folder / name).exists():
                return str(folder / name)
        message = f"{name} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required under CI)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def scram_postgres():
    """A throwaway PostgreSQL that checks passwords: user `loader` (CANARY_PASSWORD), db `app`."""
    from tests.servers.postgres_scram import ScramPostgres

    with ScramPostgres("loader", CANARY_PASSWORD) as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A port on the loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port():
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()



def tree_state(root: Path) -> dict[str, tuple]:
    """Every entry under `root`, with what a change would alter: kind, mode, size, mtime and
    content (files), target (links). Compare with `changes_between`."""
    state: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        rel = str(path.relative_to(root))
        if path.is_symlink():
            state[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            state[rel] = ("dir", oct(info.st_mode & 0o7777))
        else:
            state[rel] = ("file", oct(info.st_mode & 0o7777), info.st_mtime_ns, path.read_bytes())
    return state


def changes_between(before: dict, after: dict) -> list[str]:
    """The entries created, deleted or changed, one short line each (never their content)."""
    lines = [f"created {name}" for name in sorted(set(after) - set(before))]
    lines += [f"deleted {name}" for name in sorted(set(before) - set(after))]
    for name in sorted(set(before) & set(after)):
        old, new = before[name], after[name]
        if old != new:
            what = [label for label, a, b in zip(("kind", "mode", "mtime", "content"), old, new) if a != b]
            lines.append(f"changed {name} ({', '.join(what) or 'target'})")
    return lines


def pytest_collection_modifyitems(items):
    """Tests marked slow run first: the two workers of `pytest -n 2` then end together,
    instead of one waiting on a minute-long test that happened to start last."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_assertrepr_compare(op, left, right):
    """A failing comparison of two file snapshots names the files that differ, in a few
    lines, instead of diffing their contents."""
    def is_snapshot(value) -> bool:
        return isinstance(value, dict) and bool(value) and all(
            isinstance(k, str) and isinstance(v, (bytes, tuple)) for k, v in value.items())

    if op == "==" and is_snapshot(left) and is_snapshot(right):
        lines = [f"only before: {name}" for name in sorted(set(left) - set(right))]
        lines += [f"only after: {name}" for name in sorted(set(right) - set(left))]
        lines += [f"differs: {name}" for name in sorted(set(left) & set(right)) if left[name] != right[name]]
        return ["file snapshots differ:", *lines[:20]]
    return None
