"""Credential commands stay fast: no dlt, duckdb, sqlalchemy or keyring on their path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("dlt", "duckdb", "sqlalchemy", "keyring", "cryptography", "pyarrow", "psycopg2", "pymysql",
         "httpx", "rich", "hyperscan", "boto3", "botocore")


def modules_after(code: str, cwd, env) -> set[str]:
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_importing_the_cli_imports_nothing_heavy(project_dir, env):
    assert heavy_in(modules_after("import dango, dango.cli.main", project_dir, env)) == []


@pytest.mark.parametrize("args", [
    ["config", "show"], ["validate"], ["source", "list"], ["source", "list", "--json"],
    ["source", "add", "stripe", "--name", "pay", "--no-input"],
    ["secrets", "set", "pay.stripe_secret_key", "--ref", "K"],
])
def test_credential_commands_import_nothing_heavy(project_dir, env, args):
    subprocess.run([sys.executable, "-m", "dango", "source", "add", "stripe", "--name", "pay", "--no-input"],
                   cwd=project_dir, env=env, capture_output=True)
    code = ("import sys\nfrom dango.cli.main import cli\n"
            f"try:\n    cli.main(args={args!r}, standalone_mode=False)\nexcept BaseException:\n    pass\n")
    assert heavy_in(modules_after(code, project_dir, env)) == []
