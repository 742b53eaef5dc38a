"""docs/cli.md is the commands' own help, and every command's help has an example."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def generator():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", REPO / "tools/gen_cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_cli_md_matches_the_help_texts():
    gen = generator()
    assert (REPO / "docs/cli.md").read_text() == gen.render(), \
        "docs/cli.md is out of date: run python tools/gen_cli_docs.py"


def test_every_command_has_an_example_in_its_help():
    gen = generator()
    missing = [" ".join(path) for path, text in gen.walk(gen.cli, ["dango"])
               if "Example" not in text and "example" not in text]
    assert missing == []
