"""Scanning all of history on every core: the blobs are dealt out to forked workers, each
reading its share through its own `git cat-file --batch` and returning its findings.

Small histories (and machines with one core, or without `fork`) are scanned in-process:
starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from . import gitio, walk
from .engine import Finding

MIN_BLOBS = 1500  # below this, one process is faster
MAX_WORKERS = 4
_job: tuple[Path, Callable[[walk.Item], list[Finding]]] | None = None  # inherited by the workers


def scan_history(git_root: Path, scan_item: Callable[[walk.Item], list[Finding]]) -> tuple[list[Finding], int]:
    """(findings with their blob ids, number of blobs read) for every blob of every ref."""
    global _job
    blobs = gitio.history_blobs(git_root)
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
                  MAX_WORKERS)
    _job = (git_root, scan_item)
    try:
        if workers < 2 or len(blobs) < MIN_BLOBS:
            return _scan_share(blobs)
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:
            return _scan_share(blobs)
        with context.Pool(workers) as pool:
            parts = pool.map(_scan_share, [blobs[i::workers] for i in range(workers)])
    finally:
        _job = None
    findings = [finding for part, _ in parts for finding in part]
    return findings, sum(count for _, count in parts)


def _scan_share(blobs: list[tuple[str, str]]) -> tuple[list[Finding], int]:
    git_root, scan_item = _job
    findings, count = [], 0
    for item in walk.history(git_root, blobs):
        count += not item.part
        for finding in scan_item(item):
            finding.blob = item.blob
            findings.append(finding)
    return findings, count
