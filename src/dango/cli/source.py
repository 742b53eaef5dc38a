"""`dango source add | list | remove`."""

from __future__ import annotations

import sys

import click

from ..errors import InvalidValue
from ..registry import Field, check_source_name, get_type
from ..sources import SourcesFile
from .groups import LazyGroup
from .output import confirm, emit_json, note, project_from, say, table, warn

# Subcommands that live in their own modules: name -> "module:attribute" under dango.cli.
SOURCE_COMMANDS: dict[str, str] = {"test": "lifecycle:test_command"}


@click.group("source", cls=LazyGroup, lazy=SOURCE_COMMANDS)
def source_group() -> None:
    """Add, list, test and remove data sources.

    \b
    Example:
      dango source add csv --name orders --set file_path=data/orders.csv
    """


def _prompt(spec_field: Field) -> object | None:
    label = f"{spec_field.name} ({spec_field.help})" if spec_field.help else spec_field.name

    def convert(text: str) -> object:
        try:
            return spec_field.parse(text) if text != "" else ""
        except InvalidValue as err:
            raise click.BadParameter(str(err)) from None

    default = spec_field.default
    if isinstance(default, list):
        default = ",".join(default)
    answer = click.prompt(label, default="" if default is None else str(default),
                          show_default=default is not None and not spec_field.secret,
                          hide_input=spec_field.secret, value_proc=convert, err=True)
    return None if answer == "" else answer


@source_group.command("add")
@click.argument("type_name", metavar="TYPE")
@click.option("--name", "name", help="Source name: a lowercase identifier (default: the type, when "
              "no source has that name yet).")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Set a field (repeatable).")
@click.option("--ref", "refs", multiple=True, metavar="FIELD=ENV_VAR",
              help="Store ${ENV_VAR} instead of a value (repeatable); the variable's name, "
                   "without $ (the shell would put its value here).")
@click.option("--no-input", is_flag=True, help="Never prompt; missing secrets stay unset (to be piped in "
              "with `dango secrets set`).")
@click.pass_context
def add_command(ctx: click.Context, type_name: str, name: str | None, sets: tuple[str, ...],
                refs: tuple[str, ...], no_input: bool) -> None:
    """Add a source of TYPE to .dango/sources.yml and its credentials to .dlt/secrets.toml.

    TYPE is one of: csv, stripe, rest_api, postgres, mysql, google_sheets,
    google_analytics, google_ads, facebook_ads.

    Missing fields are prompted for (secrets with hidden input) unless --no-input is
    given. When standard input is not a terminal (a pipe, a CI job), nothing is asked: a
    field that would be is an error naming it, and nothing changes; give it with --set or
    --ref, or add --no-input and pipe each secret to `dango secrets set NAME.FIELD`.

    \b
    Examples:
      dango source add stripe
      dango source add stripe --name stripe_payments
      dango source add stripe --name stripe_payments --ref stripe_secret_key=STRIPE_API_KEY
      dango source add csv --name orders --set file_path=data/orders.csv --no-input
    """
    from ..manage import add_source, check_answerable, parse_values

    project = project_from(ctx)
    spec = get_type(type_name)
    interactive = not no_input and sys.stdin.isatty()
    if name is None:
        name = _default_name(project, spec.name, interactive)
    check_source_name(name)
    values = parse_values(spec, list(sets), list(refs))
    for message in values.warnings:
        warn(message)
    if interactive:
        _ask_missing(project, spec, name, values)
    elif not no_input:
        check_answerable(project, spec, name, values)
    result = add_source(project, spec.name, name, values)
    say(f"Added source {name} ({spec.name}).")
    for field_name in result.unset_secrets:
        warn(f"{field_name} is not set; store it with: dango secrets set {name}.{field_name}")
    if not result.loads:
        warn(f"dango cannot load {spec.name} sources yet: its credentials can be stored, authorized "
             f"and checked (`dango source test {name}`), and `dango sync` fails it with that reason.")


def _default_name(project, type_name: str, interactive: bool) -> str:
    """The name of a source added without --name: asked for on a terminal (the type as the
    default while it is free), else the type itself; a taken type name is one sentence."""
    from ..errors import DuplicateSource, InvalidSourceName

    sources = SourcesFile(project)
    taken = sources.names()
    free = type_name not in taken
    if interactive:
        if not free:
            other = next(f"{type_name}_{n}" for n in range(2, len(taken) + 3) if f"{type_name}_{n}" not in taken)
            note(f"A source named {type_name} already exists; choose another name, such as {other}.")
        while True:  # a name that cannot be used is explained and asked for again
            answer = click.prompt("Source name", default=type_name if free else None, err=True).strip()
            try:
                check_source_name(answer)
            except InvalidSourceName as err:
                note(str(err))
                continue
            if answer in taken:
                note(f"A source named {answer} already exists; choose another name.")
                continue
            return answer
    if not free:
        raise DuplicateSource(type_name, project.relative(sources.path))
    return type_name


def _ask_missing(project, spec, name: str, values) -> None:
    from ..manage import format_warnings, to_ask

    for spec_field in to_ask(project, spec, name, values):
        answer = _prompt(spec_field)
        if answer is not None:
            values.literals[spec_field.name] = answer
            for message in format_warnings(spec, {spec_field.name: answer}):
                warn(message)


@source_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List the project's sources.

    \b
    Example:
      dango source list --json
    """
    project = project_from(ctx)
    sources = SourcesFile(project).sources
    if as_json:
        emit_json({"sources": [s.to_json() for s in sources]})
        return
    if not sources:
        say("No sources yet; add one with `dango source add TYPE --name NAME`.")
        return
    table(["name", "type", "enabled"], [(s.name, s.type, "yes" if s.enabled else "no") for s in sources])
    for source in sources:
        if source.kept is not None:
            say(f"{source.name} is disabled: {source.why_disabled}.")


@source_group.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def remove_command(ctx: click.Context, name: str, yes: bool) -> None:
    """Remove a source, its secrets section and its OAuth tokens (nothing of another source).

    \b
    Example:
      dango source remove stripe_payments --yes
    """
    project = project_from(ctx)
    SourcesFile(project).get(name)
    if not yes:
        confirm(f"Remove source {name} and its credentials?",
                f"Removing {name} deletes its credentials; run again with --yes to confirm.")
    from ..manage import remove_source

    had_secrets = remove_source(project, name)
    say(f"Removed source {name}" + (" and its credentials." if had_secrets else "."))
