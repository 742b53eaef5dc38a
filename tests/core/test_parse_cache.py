"""The parse cache of .dango/*.yml: a hit skips the YAML parser, an edit is always seen."""

from __future__ import annotations

import json
import os
import time

from tests.conftest import snapshot


def settle(path) -> None:
    old = time.time() - 3600
    os.utime(path, (old, old))


def test_an_edit_is_seen_even_at_the_same_size(dango, project_dir):
    sources = project_dir / ".dango/sources.yml"
    sources.write_text("sources:\n  - name: aaaa\n    type: csv\n    file_path: x.csv\n")
    settle(sources)
    assert "aaaa" in dango("source", "list").out
    cache = project_dir / ".dango/.cache/sources.yml.json"
    assert cache.exists()
    sources.write_text("sources:\n  - name: bbbb\n    type: csv\n    file_path: x.csv\n")
    listed = dango("source", "list").out
    assert "bbbb" in listed and "aaaa" not in listed


def test_a_damaged_cache_is_ignored(dango, project_dir):
    sources = project_dir / ".dango/sources.yml"
    sources.write_text("sources:\n  - name: pay\n    type: stripe\n")
    settle(sources)
    dango("source", "list")
    cache = project_dir / ".dango/.cache/sources.yml.json"
    cache.write_text("{not json")
    assert "pay" in dango("source", "list").out
    entry = json.loads(cache.read_text())  # rewritten
    assert entry["data"]["m"][0][0] == "sources"


def test_line_numbers_survive_the_cache(dango, project_dir):
    sources = project_dir / ".dango/sources.yml"
    sources.write_text("sources:\n  - name: pay\n    type: stripe\n  - name: pay\n    type: csv\n")
    settle(sources)
    before = snapshot(project_dir)
    first, second = dango("source", "list"), dango("source", "list")
    assert first.err == second.err and "sources.yml:4:" in second.err
    assert {k: v for k, v in snapshot(project_dir).items() if ".cache" not in k} == before


def test_values_json_cannot_hold_are_parsed_each_time(dango, project_dir):
    sources = project_dir / ".dango/sources.yml"
    sources.write_text("sources:\n  - name: pay\n    type: stripe\n    start_date: 2024-01-01\n")
    settle(sources)
    assert dango("source", "list").code == 0
    assert not (project_dir / ".dango/.cache/sources.yml.json").exists()
    shown = json.loads(dango("config", "show", "--json").out)["sources"][0]["fields"]
    assert {f["field"]: f["value"] for f in shown}["start_date"] == "2024-01-01"
