"""`dango secrets set | unset`."""

from __future__ import annotations

import sys

import click

from ..errors import UsageError
from ..manage import secret_target, set_secret, unset_secret
from .groups import LazyGroup
from .output import note, project_from, say, warn

# Subcommands that live in their own modules: name -> "module:attribute" under dango.cli.
SECRETS_COMMANDS: dict[str, str] = {
    "rotate": "lifecycle:rotate_command",
    "scan": "scan:scan_command",
    "hook": "scan:hook_group",
    "leak-test": "scan:leak_test_command",  # hidden; only for tests, under DANGO_TEST_LEAK=1
    "encrypt": "crypto:encrypt_command",
    "decrypt": "crypto:decrypt_command",
    "status": "crypto:status_command",
    "rotate-key": "crypto:rotate_key_command",
    "key": "crypto:key_group",
    "export": "crypto:export_command",
}


@click.group("secrets", cls=LazyGroup, lazy=SECRETS_COMMANDS)
def secrets_group() -> None:
    """Store, remove and protect credentials in .dlt/secrets.toml.

    \b
    Example:
      dango secrets set stripe_payments.stripe_secret_key
    """


def read_secret_value(prompt: str) -> str:
    """The value from standard input when piped, else from a hidden prompt."""
    if sys.stdin.isatty():
        value = click.prompt(prompt, hide_input=True, err=True)
    else:
        try:
            value = sys.stdin.buffer.read().decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise UsageError("The value on standard input is not UTF-8 text; nothing was changed. "
                             "Convert it (for example with iconv) and pipe it again.") from None
        if value.endswith("\r\n"):
            value = value[:-2]
        elif value.endswith("\n"):
            value = value[:-1]
    if value == "":
        raise UsageError("No value given (standard input was empty); nothing was changed.")
    return value


@secrets_group.command("set")
@click.argument("target", metavar="NAME.FIELD")
@click.option("--ref", "ref", metavar="ENV_VAR|ref+…",
              help="Store ${ENV_VAR}, or a reference to a secret store (ref+awssecrets://…, "
                   "ref+awsssm://…, ref+sops://…, ref+keyring://…, ref+file://…), instead of a value.")
@click.pass_context
def set_command(ctx: click.Context, target: str, ref: str | None) -> None:
    """Store a credential; the value comes from standard input or a hidden prompt.

    \b
    Examples:
      dango secrets set stripe_payments.stripe_secret_key
      printf %s "$KEY" | dango secrets set stripe_payments.stripe_secret_key
      dango secrets set stripe_payments.stripe_secret_key --ref STRIPE_API_KEY
      dango secrets set stripe_payments.stripe_secret_key --ref 'ref+awssecrets://prod/stripe#/api_key'
    """
    project = project_from(ctx)
    if ref is None:
        secret_target(project, target)  # a typo fails before the user types a secret
        warnings = set_secret(project, target, value=read_secret_value(f"{target}"))
    else:
        warnings = set_secret(project, target, ref=ref)
    for message in warnings:
        warn(message)
    if ref is not None and ref.startswith("ref+"):
        from ..vaults import BACKENDS

        backend = BACKENDS.get(ref[4:].partition(":")[0], "a secret store")
        say(f"Stored {target} as a reference to {backend}; it is fetched when used.")
        return
    say(f"Stored {target}" + (f" as a reference to ${{{ref}}}." if ref else "."))


@secrets_group.command("unset")
@click.argument("target", metavar="NAME.FIELD")
@click.pass_context
def unset_command(ctx: click.Context, target: str) -> None:
    """Delete a credential from .dlt/secrets.toml.

    \b
    Example:
      dango secrets unset stripe_payments.stripe_secret_key
    """
    project = project_from(ctx)
    if unset_secret(project, target):
        say(f"Removed {target}.")
    else:
        note(f"{target} was not set; nothing changed.")
