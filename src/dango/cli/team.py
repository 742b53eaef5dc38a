"""`dango team`: share credentials with teammates through git, encrypted with SOPS."""

from __future__ import annotations

import click

from ..team import members as team_members
from ..team import recipients, workflow
from .groups import LazyGroup
from .output import emit_json, note, project_from, say, table, warn


@click.group("team", cls=LazyGroup, lazy={})
def team_group() -> None:
    """Share credentials with teammates through git, encrypted with SOPS for their keys.

    \b
    Example, the first teammate:
      dango team init
      curl -fsSo bob.keys https://github.com/bob.keys && dango team add bob bob.keys
      dango team push && git add .sops.yaml .dango .gitignore && git commit -m "share credentials"
    Example, a teammate after `git clone`:
      dango team pull && dango validate --live
    """


@team_group.command("init")
@click.option("--name", help="Your name in the team (default: your user name).")
@click.option("--public-key", metavar="KEY", help="Use this public key (age1... or ssh-...) instead "
              "of looking for your identity where sops looks.")
@click.pass_context
def init_command(ctx: click.Context, name: str | None, public_key: str | None) -> None:
    """Start sharing: .sops.yaml with a rule for .dango/team.sops.yaml, you as its first reader.

    Your key is the first found where sops looks: SOPS_AGE_KEY_FILE, SOPS_AGE_KEY,
    SOPS_AGE_SSH_PRIVATE_KEY_FILE, ~/.config/sops/age/keys.txt, ~/.ssh/id_ed25519,
    ~/.ssh/id_rsa; with none, a new age identity is saved in the keys file.

    \b
    Example:
      dango team init --name alice
    """
    report = team_members.init(project_from(ctx), name, public_key)
    if report.created_identity:
        say(f"Created a new age identity in {report.location} (keep it private, back it up).")
    if report.already and report.name:
        say(f"This project shares credentials already; you are {report.name}.")
        return
    if report.already:
        say("This project shares credentials already, and your key is not one of its readers.")
        say(f"Your public key (from {report.location}): {report.key}")
        say("Give it to a teammate, who runs `dango team add YOUR_NAME 'KEY'` and `dango team push`.")
        return
    say(f"You are {report.name}; your public key (from {report.location}): {report.key}")
    say("Wrote .dango/team.yml and .sops.yaml. Next: `dango team add NAME PUBLIC_KEY` for each "
        "teammate, then `dango team push`.")


@team_group.command("add")
@click.argument("name")
@click.argument("public_key")
@click.pass_context
def add_command(ctx: click.Context, name: str, public_key: str) -> None:
    """Add a teammate: PUBLIC_KEY is an age key (age1 and 58 characters), an ssh-ed25519 or
    ssh-rsa public key line, or a file of keys (an id_ed25519.pub, a GitHub NAME.keys download).

    \b
    Example:
      dango team add bob "$(cat bob_id_ed25519.pub)"
    """
    report = team_members.add(project_from(ctx), name, public_key)
    for kind in report.skipped:
        warn(f"skipped a {kind} key: age cannot encrypt to it.")
    shown = ", ".join(recipients.short(k) for k in report.keys)
    say(f"Added {report.name} ({shown}).")
    if report.rekeyed:
        say("The team file now opens for them too; commit .sops.yaml and .dango/.")
    else:
        say("Run `dango team push` to write the team file.")


@team_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List the teammates who can read the team file, and their keys.

    \b
    Example:
      dango team list
    """
    found = team_members.members(project_from(ctx))
    if as_json:
        emit_json([{"name": m.name, "keys": m.keys, "you": m.you} for m in found])
        return
    table(["name", "keys", "you"], [(m.name, ", ".join(recipients.short(k) for k in m.keys),
                                     "yes" if m.you else "") for m in found])


@team_group.command("remove")
@click.argument("name")
@click.pass_context
def remove_command(ctx: click.Context, name: str) -> None:
    """Remove a teammate: the team file gets a new data key they cannot open, and every
    credential they could read is listed with the command that rotates it.

    \b
    Example:
      dango team remove bob
    """
    report = team_members.remove(project_from(ctx), name)
    say(f"Removed {report.name}; "
        + ("the team file has a new data key they cannot open." if report.rotated
           else "there is no team file yet."))
    if report.to_rotate:
        say(f"{report.name} could read these credentials: rotate each at its provider.")
        for path, command in report.to_rotate:
            say(f"  {path}: {command}")


def _changes(report: workflow.SyncReport) -> None:
    for change in report.changes:
        mark = f" (fingerprint {change.fingerprint})" if change.fingerprint else ""
        say(f"  {change.kind:8} {change.path}{mark}")


@team_group.command("push")
@click.pass_context
def push_command(ctx: click.Context) -> None:
    """Write your credentials (sources, OAuth tokens, destination, the fingerprint key) into
    .dango/team.sops.yaml, encrypted for every teammate; prints what changed, never a value.

    \b
    Example:
      dango team push && git add .dango/team.sops.yaml && git commit -m "update credentials"
    """
    report = workflow.push(project_from(ctx))
    if report.changes:
        say(f"{len(report.changes)} change(s) written to .dango/team.sops.yaml:")
        _changes(report)
    else:
        say(".dango/team.sops.yaml already holds your credentials.")
    if report.other_side:
        note(f"{len(report.other_side)} value(s) changed in the team file that you have not pulled; "
             "run `dango team pull`.")


@team_group.command("pull")
@click.option("--ours", "prefer", flag_value="ours", help="In a conflict, keep the value of .dlt/secrets.toml.")
@click.option("--theirs", "prefer", flag_value="theirs", help="In a conflict, take the team file's value.")
@click.pass_context
def pull_command(ctx: click.Context, prefer: str | None) -> None:
    """Merge .dango/team.sops.yaml into .dlt/secrets.toml (encrypted if the project is).

    A value changed both here and in the team file since the last pull is a conflict:
    nothing is written until --ours or --theirs says which wins. A team file that git could
    not merge (two teammates pushed at once) is merged value by value from both sides.

    \b
    Example:
      dango team pull
      dango team pull --theirs
    """
    report = workflow.pull(project_from(ctx), prefer)
    if report.merged_file:
        say("Merged both sides of the git conflict in .dango/team.sops.yaml and encrypted it again; "
            "commit it (git add .dango/team.sops.yaml) to finish the merge.")
    if report.changes:
        say(f"{len(report.changes)} change(s) written to .dlt/secrets.toml:")
        _changes(report)
    else:
        say(".dlt/secrets.toml is up to date with the team file.")
    for path in report.kept_ours:
        say(f"  kept yours {path} (`dango team push` shares it)")
    if report.other_side:
        note(f"{len(report.other_side)} value(s) changed here that the team file lacks; "
             "run `dango team push` to share them.")
