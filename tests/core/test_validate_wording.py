"""`dango validate`: a credential past the rotation policy is a warning (SPEC section 6),
and loose permissions name who can read the file."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from tests.conftest import changes_between, tree_state


def test_an_overdue_credential_is_a_warning_not_a_problem(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_fake0123456789\n").code == 0  # dango:allow
    path = project_dir / ".dango/credentials.yml"
    old = (datetime.now(timezone.utc) - timedelta(days=120, hours=1)).isoformat()
    path.write_text(re.sub(r"(created|changed|rotated): .*", f"\\1: '{old}'", path.read_text()))
    before = tree_state(project_dir)
    warning = ("pay.stripe_secret_key is 120 days old, past the rotation policy of 90 days; "
               "rotate it: dango secrets rotate pay.stripe_secret_key")
    result = dango("validate")
    assert result.code == 0, result
    assert result.out.strip() == "No problems found."
    assert warning in result.err
    report = json.loads(dango("validate", "--json").out)
    assert report == {"ok": True, "problems": [], "warnings": [warning]}
    assert changes_between(before, tree_state(project_dir)) == []


def test_permissions_name_the_group_or_other_users(dango, project_dir):
    secrets = project_dir / ".dlt/secrets.toml"
    env = project_dir / ".env"
    env.write_text("A=1\n")
    secrets.chmod(0o640)
    env.chmod(0o604)
    before = tree_state(project_dir)
    result = dango("validate")
    assert result.code == 1, result
    lines = result.out.splitlines()
    assert ".dlt/secrets.toml: permissions are 640, readable by the group; fix: chmod 600 .dlt/secrets.toml" in lines
    assert ".env: permissions are 604, readable by other users; fix: chmod 600 .env" in lines
    assert changes_between(before, tree_state(project_dir)) == []
