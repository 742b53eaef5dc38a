"""One YAML library and one YAML version (1.2) for reading and writing: every string comes
back as the string given.

Written by a YAML 1.2 library and read back by a YAML 1.1 one, `--set schema=on` became
`true` and a csv source "had no file_path". Now what is written quoted or plain is read
with the same rules it was written with.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "dango"

TRICKY = ["on", "off", "yes", "no", "y", "n", "Y", "NO", "~", "null", "Null", "0x1F", "0o17", "1_000",
          ".inf", "-.inf", ".nan", "2024-01-01", "2024-01-01T10:00:00", "012", "1e3", "true", "False",
          "12:30", "- a", "#x", "a: b", "@at", "*star", "&anchor", "!tag", "'quoted'", '"dq"', "%pct",
          "`tick`", "{a}", "[a]", "|", ">", "?", "  padded  ", "tab\there", "é€ unicode"]


def test_every_string_comes_back_as_given(project_dir):
    """In-process: one source per tricky value, written by `add_source`, read back fresh."""
    from dango.manage import add_source, parse_values
    from dango.project import load_project
    from dango.registry import get_type
    from dango.sources import load_sources

    project = load_project(project_dir)
    for index, value in enumerate(TRICKY):
        values = parse_values(get_type("postgres"), [f"schema={value}", "host=h", "database=d",
                                                     "username=u"], [])
        add_source(project, "postgres", f"db{index}", values)
    read = {source.name: source.options["schema"] for source in load_sources(load_project(project_dir))}
    wrong = {TRICKY[int(name[2:])]: got for name, got in read.items() if got != TRICKY[int(name[2:])]}
    assert wrong == {}


def test_the_command_line_agrees(dango, project_dir):
    result = dango("source", "add", "postgres", "--name", "db", "--set", "host=h", "--set", "database=d",
                   "--set", "username=u", "--set", "schema=on", "--no-input")
    assert result.code == 0, result
    listed = json.loads(dango("source", "list", "--json").out)
    assert listed["sources"][0]["options"]["schema"] == "on"


@pytest.mark.parametrize("value", ["no", "on", "null", "0x1F", "2024-01-01"])
def test_a_csv_file_path_that_reads_like_another_type_is_still_a_path(dango, project_dir, value):
    (project_dir / value).write_text("id\n1\n")
    assert dango("source", "add", "csv", "--name", "odd", "--set", f"file_path={value}",
                 "--no-input").code == 0
    validated = dango("validate")
    assert "file_path" not in validated.output, validated
    assert dango("sync", "--source", "odd").code == 0


def test_a_hand_written_yaml_1_2_file_reads_as_1_2(dango, project_dir):
    (project_dir / ".dango" / "sources.yml").write_text(
        "sources:\n  - name: db\n    type: postgres\n    schema: off\n    tables: [yes, no]\n")
    listed = json.loads(dango("source", "list", "--json").out)
    assert listed["sources"][0]["options"] == {"schema": "off", "tables": ["yes", "no"]}


def test_no_module_imports_a_second_yaml_library():
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(SRC)}: {name}" for name in names
                          if name.split(".")[0] == "yaml"]
    assert offenders == []
