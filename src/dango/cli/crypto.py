"""`dango secrets encrypt | decrypt | status | rotate-key | key export | key import | export`."""

from __future__ import annotations

import sys

import click

from ..errors import UsageError
from .groups import LazyGroup
from .output import confirm, emit_json, note, project_from, say, table, warn


def check_private_output() -> None:
    """Refuse (before anything is printed or recorded) to reveal secrets into a file that other
    users can read: `> creds.env` under the usual umask 022 creates it 0644."""
    import os
    import stat

    raw = sys.__stdout__ if sys.__stdout__ is not None else sys.stdout
    try:
        info = os.fstat(raw.fileno())
    except (AttributeError, OSError, ValueError):
        return  # not a file descriptor: nothing another user could open
    if not stat.S_ISREG(info.st_mode) or not info.st_mode & 0o077:
        return
    try:
        name = os.readlink(f"/proc/self/fd/{raw.fileno()}")
    except OSError:
        name = "the file standard output goes to"
    raise UsageError(f"standard output is {name}, which other users of this machine can read "
                     f"(mode {stat.S_IMODE(info.st_mode):04o}), so nothing secret was written to it; "
                     f"make it private first (`chmod 600 {name}`, or `umask 077` before creating it) "
                     "and run the command again.")


def reveal(text: str) -> None:
    """Print what the user explicitly asked to see, past the redaction layer (which would
    otherwise mask the very values asked for); never into a file others can read."""
    check_private_output()
    sys.stdout.flush()
    raw = sys.__stdout__ if sys.__stdout__ is not None else sys.stdout
    raw.write(text)
    raw.flush()


@click.command("encrypt")
@click.argument("target", required=False, metavar="[NAME[.FIELD]]")
@click.pass_context
def encrypt_command(ctx: click.Context, target: str | None) -> None:
    """Encrypt secret values in .dlt/secrets.toml (AES-256-GCM, key in the OS keyring).

    \b
    Sections, keys and comments stay readable; references (${VAR}, ref+...) and non-secret
    fields (host, port, client_id...) are left as they are, but a reference with a default
    (${VAR:-default}) is encrypted whole. New values are encrypted from now on.
    Examples:
      dango secrets encrypt
      dango secrets encrypt stripe_payments
      DANGO_MASTER_KEY=... dango secrets encrypt    # CI / headless: key from the variable
    """
    from ..crypto.operations import encrypt
    from ..crypto.status import backup_copies_warnings

    project = project_from(ctx)
    if target is not None:  # a typo is an error, not a silent no-op
        from ..manage import secret_target
        from ..sources import SourcesFile

        SourcesFile(project).get(target) if "." not in target else secret_target(project, target)
    outcome = encrypt(project, target)
    count = len(outcome.changed)
    say(f"Encrypted {count} value{'s' if count != 1 else ''} with key {outcome.key_id}"
        + (" (nothing left in plaintext)." if count == 0 else "."))
    for key_path in outcome.whole_references:
        note(f"{key_path} is a ${{VAR}} reference with a default or text beside it: encrypted "
             "whole, so that text is no longer in plaintext; the variable still wins when set "
             "(`dango config show` now shows the value masked).")
    for warning in backup_copies_warnings(outcome.backup_copies):
        warn(warning)
    warn_if_plaintext_backend()


PLAINTEXT_BACKEND = ("the keyring backend {backend} keeps the encryption key unencrypted in {file}, "
                     "so anyone who can read that file can decrypt "
                     ".dlt/secrets.toml; use the system keyring where there is one (GNOME Keyring, "
                     "KWallet, macOS Keychain), or keep the key in DANGO_MASTER_KEY from a secret "
                     "store and delete it from that file.")


NO_BACKEND_HELP = ("install one (`pip install keyrings.alt` on a machine without a desktop keyring) "
                   "or set DANGO_MASTER_KEY to the key (base64)")


def plaintext_warning(backend: str) -> str:
    """The warning for a plaintext keyring, naming the file the backend writes (keyrings.alt's
    `file_path`), or "a file" when the backend does not say."""
    from ..crypto import keyring_io

    try:
        instance = keyring_io.backend()
        parts = getattr(instance, "backends", None) or [instance]
        path = next((str(p) for p in (getattr(part, "file_path", None) for part in parts) if p), None)
    except Exception:  # only the wording depends on it
        path = None
    return PLAINTEXT_BACKEND.format(backend=backend, file=f"the file {path}" if path else "a file")


def warn_if_plaintext_backend() -> None:
    """Say at once when the key just stored or used sits in a plaintext keyring file."""
    from ..crypto.keys import where

    place = where()
    if place.kind == "keyring" and place.plaintext:
        warn(plaintext_warning(place.backend))


@click.command("decrypt")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def decrypt_command(ctx: click.Context, yes: bool) -> None:
    """Decrypt every value back to plaintext and stop encrypting new ones.

    \b
    Example:
      dango secrets decrypt --yes
    """
    from ..crypto.operations import decrypt

    project = project_from(ctx)
    if not yes:
        confirm("Write every secret of .dlt/secrets.toml in plaintext?",
                "`dango secrets decrypt` writes every secret in plaintext; run it with --yes to confirm.")
    outcome = decrypt(project)
    count = len(outcome.changed)
    say(f"Decrypted {count} value{'s' if count != 1 else ''}; the project is no longer encrypted.")
    warn_keys_left(project, outcome.keys_left)


def warn_keys_left(project, kids: list[str]) -> None:
    """The change is written; only the removal of old keys failed: say so, exit 1."""
    if kids:
        from ..crypto.operations import left_in_keyring

        warn(left_in_keyring(project, kids))
        sys.exit(1)  # the command ran and found a problem


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def status_command(ctx: click.Context, as_json: bool) -> None:
    """Which values are encrypted, which backend holds the key, whether it is reachable.

    \b
    Example:
      dango secrets status --json
    """
    from ..crypto.status import backup_copies_warnings, project_status

    status = project_status(project_from(ctx))
    if status.plaintext_backend:
        warn(plaintext_warning(status.backend))
    for warning in backup_copies_warnings(status.backup_copies if status.encrypted else []):
        warn(warning)
    for leftover in status.leftovers:
        warn(f"{leftover} is a copy of secrets.toml left by an interrupted write and may hold "
             f"plaintext credentials; delete it (`rm {leftover}`), or run any command that changes "
             "a credential, which removes it.")
    counts = status.counts
    failed = status.reachable is False or bool(counts.get("damaged")) or bool(status.leftovers)
    if as_json:
        emit_json(status.to_json())
        if failed:
            sys.exit(1)
        return
    say(f"Encryption: {'on, key ' + str(status.key_id) if status.encrypted else 'off'}")
    if status.key_store == "env":
        say("Key from: DANGO_MASTER_KEY")
    elif status.usable_backend is False:
        say(f"Key from: nowhere: no usable keyring backend on this machine (only {status.backend}); "
            f"{NO_BACKEND_HELP}")
    elif status.backend:
        say(f"Key from: keyring ({status.backend})")
    if status.reachable is not None:
        say(f"Key reachable: {'yes' if status.reachable else 'no'}")
    say("Values: " + (", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "none"))
    if status.values:
        table(["key", "state", "key id"],
              [(v["key_path"], v["state"], v.get("key_id", "")) for v in status.values])
    if status.problem:
        warn(status.problem)
    if status.encrypted and counts.get("plaintext"):
        note("Run `dango secrets encrypt` to encrypt the values still in plaintext.")
    if failed:
        sys.exit(1)  # the command ran and found a problem


@click.command("rotate-key")
@click.pass_context
def rotate_key_command(ctx: click.Context) -> None:
    """Re-encrypt every value under a new key in one atomic write; the old key is removed after.

    With the key in DANGO_MASTER_KEY, the new key is printed once: put it in the variable.

    \b
    Example:
      dango secrets rotate-key
    """
    from ..crypto.operations import rotate_key

    def announce(new_key: str) -> None:
        check_private_output()  # before a word about a key that will not be shown
        note("The new key (shown once; put it in DANGO_MASTER_KEY wherever this project runs):")
        reveal(new_key + "\n")

    project = project_from(ctx)
    outcome = rotate_key(project, announce)
    count = len(outcome.changed)
    say(f"Re-encrypted {count} value{'s' if count != 1 else ''} with the new key {outcome.key_id}.")
    if outcome.new_key is None:
        warn_if_plaintext_backend()
    if outcome.new_key is not None:
        warn("update DANGO_MASTER_KEY to the new key printed above; the old key no longer "
             "decrypts this file.")
    warn_keys_left(project, outcome.keys_left)


@click.group("key", cls=LazyGroup, lazy={})
def key_group() -> None:
    """Move the project's encryption key to another machine.

    \b
    Example:
      dango secrets key export          # on the old laptop, once
      dango secrets key import          # on the new one, paste it at the prompt
    """


@key_group.command("export")
@click.pass_context
def key_export_command(ctx: click.Context) -> None:
    """Print the project's key (base64) once, for `dango secrets key import` elsewhere.

    \b
    Example:
      dango secrets key export
    """
    from ..crypto.operations import export_key

    check_private_output()  # before the export is recorded as a reveal
    kid, text = export_key(project_from(ctx))
    note(f"Key {kid} of this project; whoever holds it can decrypt .dlt/secrets.toml. "
         "Pass it on through a password manager, never by chat or e-mail.")
    reveal(text + "\n")


@key_group.command("import")
@click.pass_context
def key_import_command(ctx: click.Context) -> None:
    """Store a key (base64, from standard input or a hidden prompt) in this machine's keyring.

    \b
    Example:
      dango secrets key import < key.txt
    """
    from ..crypto.operations import import_key

    project = project_from(ctx)
    if sys.stdin.isatty():
        text = click.prompt("Key (base64)", hide_input=True, err=True)
    else:
        text = sys.stdin.buffer.read().decode("utf-8", "replace")  # not a key unless base64
    kid, warnings = import_key(project, text)
    for message in warnings:
        warn(message)
    say(f"Stored key {kid} in the keyring.")
    warn_if_plaintext_backend()


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["env", "toml"]), required=True,
              help="env: NAME='value' lines as dlt names them, read alike by a shell and python-dotenv; "
                   "toml: the secrets.toml layout.")
@click.option("--reveal", "do_reveal", is_flag=True, help="Required: print the decrypted values.")
@click.pass_context
def export_command(ctx: click.Context, fmt: str, do_reveal: bool) -> None:
    """Print every credential decrypted and resolved, to move it into a vault (audited).

    \b
    Example:
      (umask 077; dango secrets export --format env --reveal > creds.env)
    """
    if not do_reveal:
        raise UsageError("`dango secrets export` prints every secret in plaintext; add --reveal "
                         "to confirm (the reveal is recorded in .dango/audit.log).")
    from ..crypto.exporting import as_env_file, as_toml, resolved_values
    from ..lifecycle import audit

    check_private_output()  # before the export is recorded as a reveal
    project = project_from(ctx)
    values, _ = resolved_values(project)
    audit.record(project, "revealed", field="all", format=fmt, values=len(values))
    if fmt == "toml":
        reveal(as_toml(values))
        return
    text, shell_only = as_env_file(values)
    reveal(text)
    for name in shell_only:
        warn(f"{name} holds characters that python-dotenv reads otherwise than a shell (a quote or "
             "backslash with $ or `, or ${); its line is written for a shell (source the file).")
