"""Text from a cloned repository (sources.yml, file names) never drives the terminal: control
characters are shown as escapes, rich markup in it is shown as written, never rendered."""

from __future__ import annotations

import pytest

from tests.conftest import snapshot
from tests.core.test_prompts import run_in_pty

HOSTILE = "in[/red]box\x1b]0;pwned\x07\rDONE\u202eY"
SHOWN = "in[/red]box\\e]0;pwned\\x07\\rDONE\\u202eY"
RAW = ("\x1b]0;", "\x1b[2J", "\x07", "\u202e", "\rDONE")


@pytest.fixture
def hostile(project_dir):
    (project_dir / ".dango/sources.yml").write_text(
        "sources:\n  - name: files\n    type: local_files\n"
        f'    directory: "{HOSTILE.encode("unicode_escape").decode()}"\n'
        '    description: "clear\\e[2Jscreen [bold]x"\n', encoding="utf-8")
    inbox = project_dir / "data" / "box"
    inbox.mkdir(parents=True)
    (inbox / "bad\x1b[8m.csv").write_bytes(b"id,name\n1,\xff\xfe\n")
    return project_dir


@pytest.mark.parametrize("args", [["config", "show"], ["source", "list"], ["validate", "--live"], ["sync"]])
def test_control_characters_and_markup_are_shown_not_obeyed(hostile, dango, env, args):
    kept = (".dango/pipelines", ".dango/audit.log", ".dango/credentials.yml")  # a live check is recorded
    before = {k: v for k, v in snapshot(hostile).items() if not k.startswith(kept)}
    code, screen = run_in_pty(args, hostile, env, [])
    piped = dango(*args)
    for output in (screen, piped.output):
        assert "unexpected" not in output, output
        assert not any(raw in output for raw in RAW), output
    assert code == piped.code and code in (0, 1), screen
    if args != ["source", "list"]:
        assert SHOWN in piped.output
        assert SHOWN in screen.replace("\r\n", "\n")
    after = {k: v for k, v in snapshot(hostile).items() if not k.startswith(kept)}
    assert after == before


def test_a_file_name_with_control_characters_is_shown_escaped(hostile, dango):
    (hostile / ".dango/sources.yml").write_text(
        "sources:\n  - name: files\n    type: local_files\n    directory: data/box\n")
    result = dango("sync")
    assert result.code == 1, result
    assert "bad\\e[8m.csv in data/box (directory of source 'files')" in result.err
    assert "\x1b" not in result.output
