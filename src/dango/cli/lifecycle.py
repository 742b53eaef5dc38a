"""`dango source test`, `dango secrets rotate`, `dango audit`."""

from __future__ import annotations

import sys

import click

from ..health import DEFAULT_TIMEOUT
from ..lifecycle import audit
from ..lifecycle.rotation import finish, rotate
from ..lifecycle.verify import test_source
from ..sources import SourcesFile
from .output import emit_json, note, project_from, say, table
from .secrets import read_secret_value

TIMEOUT = click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True,
                       help="Seconds to wait for the provider.")


@click.command("test")
@click.argument("name")
@TIMEOUT
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def test_command(ctx: click.Context, name: str, timeout: float, as_json: bool) -> None:
    """Check a source's credentials live (read-only): valid, invalid or unknown.

    Exits 0 when valid, 1 when invalid or unknown (a network error is never "valid").

    \b
    Example:
      dango source test stripe_payments
    """
    project = project_from(ctx)
    source = SourcesFile(project).get(name)
    health = test_source(project, source, timeout)
    if as_json:
        emit_json({"source": name, "status": health.status, "reason": health.reason})
    else:
        say(f"{name}: {health.status}" + (f" ({health.reason})" if health.reason else ""))
    if not health.ok:
        sys.exit(1)


@click.command("rotate")
@click.argument("target", metavar="NAME.FIELD")
@click.option("--ref", "ref", metavar="ENV_VAR", help="The new value is in this variable; store ${ENV_VAR}.")
@click.option("--confirm", is_flag=True, help="Forget the previous value (after revoking it).")
@click.option("--rollback", is_flag=True, help="Restore the previous value.")
@click.option("--force", is_flag=True, help="Store the new value even if its live test fails.")
@click.option("--write-through", is_flag=True,
              help="For a ref+ reference: write the new value to its store (a new version in AWS "
                   "Secrets Manager, an overwrite in SSM).")
@TIMEOUT
@click.pass_context
def rotate_command(ctx: click.Context, target: str, ref: str | None, confirm: bool, rollback: bool,
                   force: bool, write_through: bool, timeout: float) -> None:
    """Rotate a credential: test the new value live, store it, keep the old one until confirmed.

    \b
    Example, the whole rotation process:
      dango secrets rotate stripe_payments.stripe_secret_key      # new key, tested, stored
      (revoke the old key in the provider's dashboard)
      dango secrets rotate stripe_payments.stripe_secret_key --confirm
    Undo with --rollback before confirming. A credential kept in a secret store (ref+…) is
    tested, then written to the store with --write-through, or left for you to update there.
    """
    project = project_from(ctx)
    if confirm and rollback:
        raise click.UsageError("Choose --confirm or --rollback, not both.")
    if confirm or rollback:
        finish(project, target, rollback=rollback)
        say(f"{target}: previous value {'restored' if rollback else 'deleted'}.")
        return
    value = None if ref else read_secret_value(f"New value for {target}")
    outcome = rotate(project, target, value=value, ref=ref, force=force, timeout=timeout,
                     write_through=write_through)
    status = outcome.health.status if outcome.health else "untested"
    if outcome.entry and outcome.stored_in:
        say(f"The new value passed its live test ({status}) and was written to {outcome.stored_in}; "
            ".dlt/secrets.toml still refers to it.")
        note("Next: revoke the old credential at the provider (the store keeps its earlier version).")
        return
    if outcome.entry:
        say(f"The new value passed its live test ({status}). {target} is {outcome.entry}: update that "
            "entry in its store (--write-through does it for ref+awssecrets and ref+awsssm); "
            "nothing was written.")
        return
    if outcome.variable:
        say(f"The new value passed its live test ({status}). {target} is ${{{outcome.variable}}}: "
            f"set {outcome.variable} to the new value where it is defined (your environment or .env); "
            "nothing was written.")
        return
    say(f"Stored the new {target} (live test: {status}); the old value is kept as its previous value.")
    note(f"Next: revoke the old credential at the provider, then run "
         f"`dango secrets rotate {target} --confirm`.")


@click.command("audit")
@click.option("--source", "only", metavar="NAME", help="Only this source's events.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def audit_command(ctx: click.Context, only: str | None, as_json: bool) -> None:
    """Show the audit log: who added, changed, rotated, revealed or tested which credential.

    \b
    Example:
      dango audit --source stripe_payments
    """
    project = project_from(ctx)
    entries = audit.read(project) if only is None else audit.read_source(project, only)
    if as_json:
        emit_json({"events": entries})
        return
    if not entries:
        say("No audit events yet." if only is None else f"No audit events for {only} yet.")
        return
    table(["time", "event", "actor", "source", "field", "fingerprint", "result"],
          [(e.get("time"), e.get("event"), e.get("actor"), e.get("source"), e.get("field"),
            e.get("fingerprint"), e.get("result")) for e in entries])
