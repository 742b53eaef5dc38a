"""A git repository around the test's Dango project, with the project's secrets stored."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=check)


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)


SOURCES = """\
sources:
  - name: pay
    type: stripe
  - name: db
    type: postgres
  - name: api
    type: rest_api
    base_url: https://api.test
"""


@pytest.fixture
def repo(project_dir: Path) -> Path:
    """The test project as a git repository with a first commit and three stored secrets:
    pay.stripe_secret_key, db.password and api.api_key (written directly, for speed)."""
    git(project_dir, "init", "-q", "-b", "main")
    git(project_dir, "config", "user.email", "dev@example.test")
    git(project_dir, "config", "user.name", "Dev")
    git(project_dir, "config", "commit.gpgsign", "false")
    (project_dir / ".dango" / "sources.yml").write_text(SOURCES)
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text() + f"""
[sources.pay]
stripe_secret_key = "{CANARY_STRIPE}"

[sources.db]
host = "db.internal"
database = "shop"
username = "loader"
password = "{CANARY_PASSWORD}"

[sources.api]
api_key = "{CANARY_TOKEN}"
""")
    commit_all(project_dir, "a dango project")
    return project_dir


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def as_json(text: str) -> str:
    return json.dumps({"config": {"blob": text}})
