"""`dango auth SOURCE_OR_TYPE` and `dango auth list | status | refresh | remove | check`.

`dango auth NAME` shares its first word with the subcommands: a word that is not a
subcommand is a source name or type (source names can never be a subcommand word).
"""

from __future__ import annotations

import sys

import click

from .groups import LazyGroup
from .output import confirm, emit_json, is_terminal, note, project_from, say, table, warn

CONNECT = "_connect"


class AuthGroup(LazyGroup):
    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands:
            return CONNECT, self.commands[CONNECT], args
        return super().resolve_command(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "SOURCE_OR_TYPE [--no-browser] [--device] [--timeout S]")
        formatter.write_usage(ctx.command_path, "COMMAND [ARGS]...", prefix="   or: ")


class ConnectCommand(click.Command):
    """`dango auth SOURCE_OR_TYPE`: shown and reported as the group itself, never by its
    internal name."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.parent.command_path if ctx.parent else "dango auth",
                              "SOURCE_OR_TYPE [--no-browser] [--device] [--timeout S]")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            err.ctx = ctx.parent or ctx
            raise


@click.group("auth", cls=AuthGroup, lazy={}, invoke_without_command=True)
@click.pass_context
def auth_group(ctx: click.Context) -> None:
    """Connect sources to Google or Facebook with OAuth, and manage their tokens.

    \b
    dango auth SOURCE_OR_TYPE   sign in; the tokens land in .dlt/secrets.toml
      --no-browser              print the sign-in address instead of opening a browser
      --device                  sign in on another device with a code (Google)
      --timeout SECONDS         how long to wait for the sign-in (default 300)

    \b
    Examples:
      dango auth my_sheet
      dango auth google_sheets --no-browser
      dango auth list
      dango auth remove my_sheet --revoke
    """
    if ctx.invoked_subcommand is None:
        say(ctx.get_help())


@auth_group.command(CONNECT, cls=ConnectCommand, hidden=True)
@click.argument("target", metavar="SOURCE_OR_TYPE")
@click.option("--no-browser", is_flag=True, help="Print the sign-in address instead of opening it.")
@click.option("--device", is_flag=True, help="Use the device authorization grant (a code to enter).")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds to wait for the sign-in.")
@click.pass_context
def connect_command(ctx: click.Context, target: str, no_browser: bool, device: bool, timeout: float) -> None:
    from ..errors import NotAnOAuthTarget
    from ..oauth.flow import authorize

    project = project_from(ctx)
    try:
        result = authorize(project, target, notify=say, device=device,
                           open_browser=not no_browser and is_terminal(), timeout=timeout)
    except NotAnOAuthTarget as err:
        command = _close_subcommand(ctx, target)
        if command is None or "Did you mean" in str(err):
            raise
        raise NotAnOAuthTarget(f"{err} Did you mean `dango auth {command}`?") from None
    who = f" as {result.account}" if result.account else ""
    names = ", ".join(result.sources)
    say(f"Connected {names}{who}; the tokens are in .dlt/secrets.toml.")


def _close_subcommand(ctx: click.Context, word: str) -> str | None:
    """The `dango auth` subcommand a mistyped word most likely meant (stauts: status)."""
    import difflib

    group = ctx.parent.command if ctx.parent else None
    names = [n for n in getattr(group, "commands", {}) if n != CONNECT]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return close[0] if close else None


@auth_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """Every OAuth source with its account and token status.

    \b
    Example:
      dango auth list --json
    """
    from ..oauth.lifecycle import list_grants

    grants = list_grants(project_from(ctx))
    if as_json:
        emit_json([g.to_json() for g in grants])
        return
    if not grants:
        say("No OAuth sources (google_sheets, google_analytics, google_ads, facebook_ads).")
        return
    table(["source", "provider", "account", "status"],
          [[g.source, g.provider, g.account or "-", g.status_text] for g in grants])


@auth_group.command("status")
@click.option("--source", "only", metavar="NAME", help="Only this source.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def status_command(ctx: click.Context, only: str | None, as_json: bool) -> None:
    """Token details of each OAuth source (or one).

    \b
    Example:
      dango auth status --source google_sheets
    """
    from ..oauth.lifecycle import list_grants
    from ..oauth.tokens import UNUSABLE

    project = project_from(ctx)
    grants = list_grants(project, only)
    _warn_overdue(project, [g.source for g in grants if g.status != "missing"])
    unusable = [g for g in grants if g.status in UNUSABLE]
    if as_json:
        emit_json([g.to_json() for g in grants])
        if unusable:
            sys.exit(1)  # the command ran and found a problem
        return
    if not grants:
        say("No OAuth sources.")
    for g in grants:
        say(f"{g.source} ({g.type}, {g.provider}): {g.status_text}")
        if g.account:
            say(f"  account: {g.account}")
        if g.expires_at:
            say(f"  access token expires: {g.expires_at}")
        if g.scopes:
            say(f"  scopes: {' '.join(g.scopes)}")
        if g.status in UNUSABLE:
            say(f"  fix: run `dango auth {g.source}`")
    if unusable:
        sys.exit(1)  # a grant that is missing, revoked or expired: a problem found



def _warn_overdue(project, names: list[str]) -> None:
    from ..oauth.lifecycle import overdue_grants

    for name, days in overdue_grants(project, names):
        warn(f"the OAuth grant of {name} is {days} days old, past the rotation policy of "
             f"{project.rotation_days} days; run `dango auth {name}` to renew it.")


@auth_group.command("refresh")
@click.argument("name")
@click.pass_context
def refresh_command(ctx: click.Context, name: str) -> None:
    """Get a new access token with the stored refresh token now.

    \b
    Example:
      dango auth refresh google_sheets
    """
    from ..oauth.lifecycle import refresh_source

    info = refresh_source(project_from(ctx), name)
    say(f"Refreshed {name}; the access token is valid until {info.expires_at or 'an unknown time'}.")


@auth_group.command("remove")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Revoke the grant at the provider first.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def remove_command(ctx: click.Context, name: str, revoke: bool, yes: bool) -> None:
    """Delete a source's OAuth tokens (the OAuth client id and secret stay).

    \b
    Example:
      dango auth remove google_sheets --revoke --yes
    """
    from ..oauth.lifecycle import remove_grant

    project = project_from(ctx)
    if not yes:
        confirm(f"Delete the OAuth tokens of {name}"
                + (" and revoke them at the provider" if revoke else "") + "?",
                f"Removing the tokens of {name} needs confirmation; run `dango auth remove {name} --yes`.")
    removed = remove_grant(project, name, revoke=revoke)
    if not removed:
        note(f"{name} had no OAuth tokens; nothing changed.")
        return
    say(f"{'Revoked and removed' if revoke else 'Removed'} the OAuth tokens of {name}.")


@auth_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def check_command(ctx: click.Context, as_json: bool) -> None:
    """Client credentials present, tokens present, and a live test of each grant.

    \b
    Example:
      dango auth check
    """
    from ..oauth.lifecycle import check_all

    results = check_all(project_from(ctx))
    if as_json:
        emit_json([r.to_json() for r in results])
    elif not results:
        say("No OAuth sources.")
    else:
        table(["source", "client", "tokens", "live", "detail"],
              [[r.source, "yes" if r.client else "no", "yes" if r.tokens else "no", r.live, r.detail]
               for r in results])
    if any(not r.ok for r in results):
        import sys

        sys.exit(1)

