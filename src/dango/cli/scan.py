"""`dango secrets scan` and `dango secrets hook install`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import DangoError, ProjectNotFound
from .groups import LazyGroup
from .output import note, say, warn

# Exit code when findings remain (SPEC section 3: the command ran and found a problem).
FOUND = 1


def _project(ctx: click.Context):
    from .output import project_from

    try:
        return project_from(ctx)
    except ProjectNotFound:
        if (ctx.find_root().obj or {}).get("project_dir"):
            raise
        return None


@click.command("scan")
@click.option("--history", is_flag=True, help="Scan every commit reachable from every ref.")
@click.option("--staged", is_flag=True, help="Scan the staged changes (what the pre-commit hook runs).")
@click.option("--path", "paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Scan this file or folder (repeatable) instead of the whole working tree.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Report format.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Baseline file (default: .dango/scan-baseline.json).")
@click.option("--update-baseline", is_flag=True,
              help="Accept every current finding: write their fingerprints to the baseline.")
@click.option("--enable", multiple=True, metavar="RULE", help="Turn on a rule that is off by default (or all).")
@click.option("--disable", multiple=True, metavar="RULE",
              help="Turn off a rule (e.g. generic-secret-assignment); see --list-rules.")
@click.option("--list-rules", is_flag=True, help="List the rules (id, what it finds, documentation) and exit.")
@click.option("--no-project-secrets", is_flag=True,
              help="Provider rules only: do not read this project's secrets (CI without the key).")
@click.pass_context
def scan_command(ctx: click.Context, history: bool, staged: bool, paths: tuple[Path, ...], fmt: str,
                 as_json: bool, baseline: Path | None, update_baseline: bool, enable: tuple[str, ...],
                 disable: tuple[str, ...], list_rules: bool, no_project_secrets: bool) -> None:
    """Find leaked secrets in the working tree, staged changes or the whole git history.

    It looks for this project's own values (also base64, URL- or JSON-encoded), credentials
    of about 400 documented formats (cloud, version control, CI, chat, payment, AI and
    more), private keys, URLs with passwords and random-looking values assigned to
    secret-looking names. A .gitleaks.toml at the root adds its rules and allowlists. Exit
    1 on findings, 0 when clean, 2 on error.

    \b
    Examples:
      dango secrets scan
      dango secrets scan --history --format sarif > scan.sarif
      dango secrets scan --path logs/
      dango secrets scan --update-baseline
    """
    from ..errors import UsageError
    from ..scan.run import ScanOptions, run_scan

    if list_rules:
        from ..scan.report import rule_list

        for line in rule_list():
            say(line)
        return
    if history and staged:
        raise UsageError("Give --history or --staged, not both.")
    if paths and (history or staged):
        raise UsageError("--path scans files on disk; it cannot be combined with --history or --staged.")
    fmt = "json" if as_json else fmt
    project = _project(ctx)
    options = ScanOptions(root=project.root if project else Path(os.getcwd()), project=project,
                          history=history, staged=staged, paths=list(paths), baseline=baseline,
                          update_baseline=update_baseline, enable=enable, disable=disable,
                          project_secrets=not no_project_secrets)
    result = run_scan(options)
    for message in result.warnings:  # may quote a cloned repository's .gitleaks.toml: `warn` escapes
        warn(message)
    if result.baseline_written is not None:
        say(f"Baseline written: {result.baseline_written} accepted finding"
            f"{'s' if result.baseline_written != 1 else ''} "
            f"({result.files} files read in the {result.scope}). Commit it with your change.")
        return
    from ..scan import report

    if fmt == "json":
        say(report.json_report(result))
    elif fmt == "sarif":
        from importlib.metadata import PackageNotFoundError, version

        try:
            own_version = version("dango")
        except PackageNotFoundError:
            own_version = ""
        say(report.sarif_report(result, own_version))
    else:
        for line in report.text_report(result):
            say(line)
        note(report.summary(result))
        if result.findings:
            note("Accept a finding that is not a secret with `dango:allow` on its line, or with "
                 "`dango secrets scan --update-baseline`.")
    if result.findings:
        sys.exit(FOUND)
    if result.incomplete:
        raise DangoError("The scan is incomplete: a secret of this project could not be decrypted, "
                         "so its value was not searched for (see the warning above); make the key "
                         "available, or run with --no-project-secrets to use the provider rules only.")


@click.group("hook", cls=LazyGroup, lazy={})
def hook_group() -> None:
    """Git hooks that keep secrets out of commits.

    \b
    Example:
      dango secrets hook install
    """


@hook_group.command("install")
@click.pass_context
def hook_install_command(ctx: click.Context) -> None:
    """Install a git pre-commit hook running `dango secrets scan --staged`; an existing
    pre-commit hook is kept and runs first.

    \b
    Example:
      dango secrets hook install
    """
    from ..scan.gitio import git_root
    from ..scan.hook import install_hook

    project = _project(ctx)
    start = project.root if project else Path(os.getcwd())
    root = git_root(start)
    if root is None:
        raise DangoError(f"{start} is not in a git repository; run `git init` first.")
    hook, state = install_hook(root, project.root if project else None)
    messages = {
        "installed": f"Installed the pre-commit hook {hook}.",
        "chained": f"Installed the pre-commit hook {hook}; the hook that was there runs first.",
        "unchanged": f"The pre-commit hook {hook} is already installed; nothing changed.",
    }
    say(messages[state])


# A command for the redaction tests only: it plants the project's secrets in an exception,
# an HTTP error body, a log record, a warning and plain prints, as third-party libraries do.
# It refuses to run unless DANGO_TEST_LEAK=1 is set, and is hidden from --help.
@click.command("leak-test", hidden=True)
@click.argument("how", type=click.Choice(["print", "log", "warning", "exception", "dlt", "http", "dango"]))
@click.pass_context
def leak_test_command(ctx: click.Context, how: str) -> None:
    if os.environ.get("DANGO_TEST_LEAK") != "1":
        raise DangoError("This command exists for dango's own tests only.")
    from ..credentials import Resolver
    from ..sources import load_sources
    from .output import project_from

    project = project_from(ctx)
    resolver = Resolver(project)
    values = [str(value) for source in load_sources(project)
              for value in resolver.resolved_config(source).values()]
    text = " ".join(values)
    if how == "print":
        print(f"connecting with {text}")
        sys.stdout.buffer.write(f"bytes: {text}\n".encode())
        from rich.console import Console

        Console().print(f"rich: {text}")
    elif how == "log":
        import logging

        logging.basicConfig()
        logging.getLogger("dlt").error("pipeline failed: %s", text)
        try:
            raise ValueError(f"inner {text}")
        except ValueError:
            logging.getLogger("sqlalchemy").exception("with traceback")
    elif how == "warning":
        import warnings

        warnings.warn(f"insecure request with {text}", stacklevel=1)
    elif how == "exception":
        try:
            raise ConnectionError(f"could not connect to postgresql://u:{text}@db.test:5432/x")
        except ConnectionError as err:
            raise RuntimeError(f"dlt pipeline failed at extract: {text}") from err
    elif how == "dlt":  # a real dlt exception (and dlt's own logger), the value in its message
        from dlt.common import logger
        from dlt.common.exceptions import PipelineException

        logger.warning(f"extract of source with {text} is retrying")
        try:
            raise ConnectionError(f"connection to postgresql://u:{text}@db.test failed")
        except ConnectionError as err:
            raise PipelineException("leak_test", f"Pipeline execution failed at stage extract: {text}") from err
    elif how == "http":
        import httpx

        request = httpx.Request("POST", f"https://oauth.test/token?refresh_token={text}")
        response = httpx.Response(400, request=request, text=f'{{"error": "invalid_grant", "got": "{text}"}}')
        raise httpx.HTTPStatusError(f"token endpoint said {response.text}", request=request,
                                    response=response)
    elif how == "dango":
        try:
            raise KeyError(text)
        except KeyError as err:
            raise DangoError(f"failed while using {text}") from err
