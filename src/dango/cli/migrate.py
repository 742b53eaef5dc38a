"""`dango migrate`: convert a project made by upstream Dango 1.0.x (library: dango.migrate)."""

from __future__ import annotations

from pathlib import Path

import click

from .output import confirm, say


def _root(ctx: click.Context) -> Path:
    from ..project import find_root

    directory = (ctx.find_root().obj or {}).get("project_dir")
    return find_root(Path(directory) if directory else None)


def _show(plan) -> None:
    current = None
    for step, text in plan.lines:
        if step != current:
            say(f"{step}:")
            current = step
        say(f"  {text}")
    say("files the migration changes: " + ", ".join(plan.touched))


@click.command("migrate")
@click.option("--dry-run", is_flag=True, help="Print the whole plan (or, with --undo, what it "
              "would restore) and write nothing.")
@click.option("--move-secrets", is_flag=True,
              help="Move the .env values the sources use into .dlt/secrets.toml (removed from "
                   ".env only after they read back).")
@click.option("--undo", is_flag=True, help="Restore the newest backup of .dango/backup/ byte for byte.")
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.pass_context
def migrate_command(ctx: click.Context, dry_run: bool, move_secrets: bool, undo: bool, yes: bool) -> None:
    """Convert a project made by Dango 1.0.x (getdango) to this Dango.

    Every file it changes is first copied to .dango/backup/<timestamp>/; `--undo` puts
    them back.

    \b
    Example:
      dango migrate --dry-run
      dango migrate --yes
      dango migrate --undo
    """
    from .. import migrate

    root = _root(ctx)
    if undo and dry_run:
        name, files, changed = migrate.undo_plan(root)
        say(f"Would restore {len(files)} file(s) from .dango/backup/{name}: {', '.join(files)}.")
        if changed:
            say(f"Changed since the migration (undo discards that work; it needs --yes): "
                f"{', '.join(changed)}.")
        say("Dry run: nothing was written.")
        return
    if undo:
        name, restored = migrate.undo(root, discard_changes=yes)
        say(f"Restored {len(restored)} file(s) from .dango/backup/{name}: {', '.join(restored)}.")
        return
    from ..migrate.errors import NotUpstream

    try:
        plan = migrate.pending(root, move_secrets=move_secrets)
    except NotUpstream as done:  # a rerun: nothing left to do is not a failure
        say(str(done))
        return
    _show(plan)
    if dry_run:
        say("Dry run: nothing was written. Run `dango migrate` to apply this plan.")
        return
    if not yes:
        confirm("Apply this migration?", "dango migrate changes project files; run it with --yes "
                "to apply the plan shown (or --dry-run to only see it).")
    done = migrate.apply(root, move_secrets=move_secrets)
    say(f"Migrated. The files as they were are in {done.backup}/ (`dango migrate --undo` restores them).")
    for name in (p for p in (".env.env.backup", ".env.backup") if (root / p).is_file()):
        say(f"{name} still holds a plaintext copy of your .env; delete it when you no longer need it: rm {name}")
