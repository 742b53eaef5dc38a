"""A large history is dealt out to worker processes; they find exactly what one process finds."""

from __future__ import annotations

import random

import pytest

from dango.scan import parallel
from dango.scan.engine import Scanner
from dango.scan.rules import select
from tests.scan.conftest import commit_all, git


def _key_id(n: int) -> str:
    """A random-looking AWS key id (a run such as QQQQQQ is a placeholder, not a finding)."""
    rng = random.Random(n)
    return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def test_workers_find_what_one_process_finds(tmp_path, monkeypatch):
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.test")
    git(repo, "config", "user.name", "Dev")
    for n in range(12):
        (repo / f"f{n}.txt").write_text(f"line {n}\n" + (_key_id(n) + "\n" if n % 3 == 0 else ""))
        commit_all(repo, f"c{n}")
    scanner = Scanner([], select())

    def scan_item(item):
        return scanner.scan(item.data, item.path)

    monkeypatch.setattr(parallel, "MIN_BLOBS", 10 ** 9)
    alone, count = parallel.scan_history(repo, scan_item)
    monkeypatch.setattr(parallel, "MIN_BLOBS", 0)
    if parallel.os.cpu_count() == 1:
        pytest.skip("one core: no workers")
    shared, shared_count = parallel.scan_history(repo, scan_item)
    assert count == shared_count == 12
    key = lambda f: (f.path, f.line, f.rule, f.blob)  # noqa: E731
    assert sorted(map(key, alone)) == sorted(map(key, shared)) and len(alone) == 4
