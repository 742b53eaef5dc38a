"""The credential-management page's commands work as written, and typos get a suggestion."""

from __future__ import annotations

import json

import pytest


def test_the_source_name_defaults_to_the_type(dango, project_dir):
    result = dango("source", "add", "stripe", "--no-input")
    assert result.code == 0, result
    assert "Added source stripe (stripe)." in result.out
    assert "dango secrets set stripe.stripe_secret_key" in result.err
    assert "cannot load" not in result.err
    assert json.loads(dango("source", "list", "--json").out)["sources"][0]["name"] == "stripe"
    # a type the sync cannot load yet is said when it is added, not after `dango auth` and a sync
    later = dango("source", "add", "google_analytics", "--set", "property_id=123456", "--no-input")
    assert later.code == 0, later
    assert ("warning: dango cannot load google_analytics sources yet: its credentials can be stored, "
            "authorized and checked (`dango source test google_analytics`), and `dango sync` fails it "
            "with that reason.") in later.err


def test_a_taken_type_name_is_one_sentence_suggesting_name(dango, project_dir):
    assert dango("source", "add", "stripe", "--no-input").code == 0
    before = (project_dir / ".dango" / "sources.yml").read_bytes()
    result = dango("source", "add", "stripe", "--no-input")
    assert result.code == 2
    assert result.err.strip() == ("error: A source named 'stripe' already exists in .dango/sources.yml; "
                                  "choose another --name, or remove it first with `dango source remove stripe`.")
    assert (project_dir / ".dango" / "sources.yml").read_bytes() == before


@pytest.mark.parametrize("args", [
    ["source", "list", "--project", "{p}"], ["source", "list", "--project={p}"],
    ["--project", "{p}", "source", "list"], ["source", "--project", "{p}", "list"],
])
def test_global_options_work_before_or_after_the_subcommand(dango, project_dir, tmp_path, args):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    result = dango(*[a.format(p=project_dir) for a in args], cwd=tmp_path)
    assert result.code == 0, result
    assert "pay" in result.out


def test_debug_after_the_subcommand_and_nothing_after_double_dash_moves(dango, project_dir):
    result = dango("source", "remove", "nope", "--debug")
    assert result.code == 2 and "Traceback" in result.err
    echoed = dango("exec", "--", "echo", "--debug", "--project", "x")
    assert echoed.code == 0, echoed
    assert echoed.out.strip() == "--debug --project x"
    # without `--`, the program's own arguments stay its own too
    plain = dango("exec", "echo", "hi", "--debug", "--project", "x")
    assert plain.code == 0 and plain.out.strip() == "hi --debug --project x", plain
    hoisted = dango("--debug", "exec", "echo", "hi")
    assert hoisted.code == 0 and hoisted.out.strip() == "hi", hoisted


def test_help_command_is_the_same_as_dash_dash_help(dango, project_dir):
    assert dango("help", "secrets", "set").out == dango("secrets", "set", "--help").out
    assert dango("help").out == dango("--help").out


def _groups() -> list[list[str]]:
    """Every command group of `dango`, found by walking the command tree (a new group is
    checked without being listed here)."""
    import click

    from dango.cli.main import cli

    found, pending = [], [([], cli)]
    while pending:
        path, group = pending.pop()
        found.append(path)
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if isinstance(command, click.Group) and name not in getattr(group, "aliases", {}):
                pending.append(([*path, name], command))
    return sorted(found)


def test_every_group_is_found():
    assert {"team", "secrets", "source", "auth", "config"} <= {g[0] for g in _groups() if g}
    assert ["secrets", "key"] in _groups() and ["secrets", "hook"] in _groups()


@pytest.mark.parametrize("group", _groups(), ids=lambda g: " ".join(g) or "dango")
def test_group_help_shows_whole_first_lines(dango, project_dir, group):
    result = dango(*group, "--help")
    assert result.code == 0
    commands = result.out.split("Commands:")[1]
    assert "..." not in commands, result


@pytest.mark.parametrize("args, suggestion", [
    (["source", "add", "strpe", "--no-input"], "Did you mean 'stripe'?"),
    (["secrets", "set", "pay.stripe_secret_ky"], "Did you mean 'stripe_secret_key'?"),
    (["source", "test", "pya"], "Did you mean 'pay'?"),
    (["source", "remove", "pya", "--yes"], "Did you mean 'pay'?"),
    # commands click has not imported yet (every top-level one, most subcommands)
    (["sourc", "list"], "No such command 'sourc'. Did you mean 'source'?"),
    (["help", "source", "ad"], "No such command 'ad'. Did you mean 'add'?"),
])
def test_typos_get_a_suggestion(dango, project_dir, args, suggestion):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    result = dango(*args, input="sk_test_value0123456789")
    assert result.code == 2, result
    assert suggestion in result.err
