"""Malformed files: one sentence with file:line:column, exit 2, every file unchanged."""

from __future__ import annotations

import pytest

from tests.conftest import CANARY_STRIPE, snapshot

COMMANDS = [
    ["config", "show"],
    ["validate"],
    ["source", "add", "stripe", "--name", "other", "--no-input"],
    ["secrets", "set", "pay.stripe_secret_key"],
]


@pytest.fixture
def with_source(dango):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0


@pytest.mark.parametrize("args", COMMANDS)
def test_malformed_toml(dango, project_dir, with_source, args):
    (project_dir / ".dlt/secrets.toml").write_text(
        f'[sources.pay]\nstripe_secret_key = "{CANARY_STRIPE}\nother = 1\n')
    before = snapshot(project_dir)
    result = dango(*args, input="sk_test_x")
    assert result.code == 2, result
    assert result.err.startswith("error: .dlt/secrets.toml:2:")
    assert "the quoted value on this line has no closing quote" in result.err
    assert CANARY_STRIPE not in result.output
    assert snapshot(project_dir) == before


@pytest.mark.parametrize("args", COMMANDS)
def test_malformed_yaml(dango, project_dir, with_source, args):
    (project_dir / ".dango/sources.yml").write_text("sources:\n  - name: pay\n    type: stripe\n   bad: [\n")
    before = snapshot(project_dir)
    result = dango(*args, input="sk_test_x")
    assert result.code == 2, result
    assert result.err.startswith("error: .dango/sources.yml:") or "/.dango/sources.yml:" in result.err
    assert "not valid YAML" in result.err
    assert snapshot(project_dir) == before


@pytest.mark.parametrize("content, problem, line", [
    ("sources:\n  - name: pay\n    type: stripe\n  - name: pay\n    type: csv\n", "is used twice", 4),
    ("sources:\n  - name: pay\n    type: salesforce\n", "Unknown source type 'salesforce'", 3),
    ("sources:\n  - name: Bad Name\n    type: csv\n", "is not a valid name", 2),
    ("sources:\n  - name: pay\n    type: stripe\n    colour: red\n", "has no field 'colour'", 4),
    ("sources:\n  - name: pay\n    type: stripe\n    stripe_secret_key: sk_live_x\n",
     "is a secret and must not be in this committed file", 4),
    ("sources: 3\n", "expected a top-level `sources:` list", 1),
    ("sources:\n<<<<<<< HEAD\n  - name: a\n    type: stripe\n=======\n  - name: b\n    type: csv\n"
     ">>>>>>> theirs\n", "has git's conflict markers (<<<<<<<, =======, >>>>>>>) from a merge", 2),
])
def test_sources_yml_schema_errors_are_located(dango, project_dir, content, problem, line):
    (project_dir / ".dango/sources.yml").write_text(content)
    before = snapshot(project_dir)
    result = dango("config", "show")
    assert result.code == 2, result
    assert f"sources.yml:{line}: " in result.err and problem in result.err
    assert "sk_live_x" not in result.output
    assert snapshot(project_dir) == before


def test_malformed_dotenv(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input", "--ref", "stripe_secret_key=KEY")
    (project_dir / ".env").write_text(f"GOOD=1\nthis line is {CANARY_STRIPE} broken\nKEY=2\n")
    before = snapshot(project_dir)
    result = dango("validate")
    assert result.code == 2, result
    assert ".env:2: this line is not a valid KEY=VALUE assignment" in result.err
    assert CANARY_STRIPE not in result.output
    assert snapshot(project_dir) == before


def test_a_dotenv_whose_references_multiply_is_refused_at_once(dango, project_dir):
    """`A1=${A0}${A0}`, line after line: filled in, a few lines need gigabytes."""
    dango("source", "add", "stripe", "--name", "pay", "--no-input", "--ref", "stripe_secret_key=A39")
    lines = ["A0=" + "x" * 64] + [f"A{n}=" + f"${{A{n - 1}}}" * 4 for n in range(1, 40)]
    (project_dir / ".env").write_text("\n".join(lines) + "\n")
    before = snapshot(project_dir)
    for command, code in ((["validate"], 2), (["config", "show"], 2), (["sync"], 1)):  # sync: that source
        result = dango(*command)
        assert result.code == code, result
        assert ".env:9: the ${...} references of A8 would make it 4,194,304 characters long" in result.err
        if command != ["sync"]:
            assert snapshot(project_dir) == before


def test_malformed_project_yml(dango, project_dir):
    (project_dir / ".dango/project.yml").write_text("project_id: x\nrotation_days: soon\n")
    result = dango("source", "list")
    assert result.code == 2 and "rotation_days must be a whole number" in result.err


@pytest.mark.parametrize("args", COMMANDS)
def test_values_nested_too_deeply(dango, project_dir, with_source, args):
    deep = "[" * 5000 + "]" * 5000
    (project_dir / ".dlt/secrets.toml").write_text(f'[sources.pay]\nstripe_secret_key = "{CANARY_STRIPE}"\n'
                                                  f"extra = {deep}\n")
    before = snapshot(project_dir)
    result = dango(*args, input="sk_test_x")
    assert result.code == 2, result
    assert result.err.strip() == ("error: .dlt/secrets.toml: its values are nested too deeply to read "
                                  "(arrays or inline tables hundreds of levels deep); fix the file and "
                                  "run the command again.")
    assert snapshot(project_dir) == before


def test_audit_skips_lines_no_dango_wrote(dango, project_dir, with_source):
    assert dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE).code == 0
    log = project_dir / ".dango" / "audit.log"
    log.write_text(log.read_text() + "[1]\n\"text\"\n" + "[" * 100000 + "]" * 100000 + "\n")
    before = snapshot(project_dir)
    result = dango("audit")
    assert result.code == 0, result
    assert "pay" in result.out and "stripe_secret_key" in result.out
    assert CANARY_STRIPE not in result.output
    assert snapshot(project_dir) == before


@pytest.mark.parametrize("args", COMMANDS)
def test_a_tab_indented_sources_yml_says_so(dango, project_dir, with_source, args):
    (project_dir / ".dango/sources.yml").write_text("sources:\r\n\t- name: pay\r\n\t  type: stripe\r\n")
    before = snapshot(project_dir)
    result = dango(*args, input="sk_test_x")
    assert result.code == 2, result
    assert result.err == ("error: .dango/sources.yml:2:1: this line is indented with a tab, and YAML "
                          "indents with spaces only; replace the tab with spaces (an editor may show "
                          "both alike).\n")
    assert snapshot(project_dir) == before


@pytest.mark.parametrize("path, column", [("C:\\data\\orders.csv", 19), ("C:\\Users\\me\\orders.csv", 21)])
def test_a_windows_path_in_double_quotes_in_sources_yml_says_how_to_write_it(dango, project_dir, path, column):
    (project_dir / ".dango/sources.yml").write_text(
        f'sources:\n  - name: orders\n    type: csv\n    file_path: "{path}"\n')
    before = snapshot(project_dir)
    result = dango("source", "list")
    assert result.code == 2, result
    assert result.err == (
        f'error: .dango/sources.yml:4:{column}: a backslash in a "..." value starts an escape such as \\n, '
        "and this one is not valid (a Windows path?); write each backslash as two (C:\\\\Users\\\\me), or "
        "put the value in single quotes ('C:\\Users\\me'), which keep backslashes as they are.\n")
    assert snapshot(project_dir) == before


def test_a_typo_in_sources_yml_is_a_question_then_the_fix(dango, project_dir):
    (project_dir / ".dango/sources.yml").write_text("sources:\n  - name: o\n    type: csv\n    filepath: x.csv\n")
    result = dango("source", "list")
    assert result.code == 2, result
    assert result.err == ("error: .dango/sources.yml:4: A csv source has no field 'filepath'; its fields are: "
                          "file_path, delimiter, header. Did you mean 'file_path'? Fix the file and run the "
                          "command again.\n")
