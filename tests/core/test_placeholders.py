"""A teammate who clones a project and copies `.dlt/secrets.toml.example` to
`.dlt/secrets.toml` (or keeps the `<configure me>` that `dlt init` wrote) has placeholders,
not values: they are reported as such, never used as a credential, a secret or a key."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import sys

from tests.conftest import snapshot


def _clone_with_the_example(dango, project_dir):
    assert dango("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=db.internal",
                 "--set", "database=crm", "--set", "username=loader").code == 0
    assert dango("secrets", "set", "db.password", input="a-long-database-password").code == 0
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--no-input",
                 "--set", "spreadsheet_url_or_id=abc").code == 0
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text() + '\n[sources.sheet.credentials]\nclient_id = "1.apps.googleusercontent.com"\n'
                       'refresh_token = "1//refresh-token-of-the-owner"\n')  # dango:allow
    assert dango("secrets", "set", "db.password", input="a-long-database-password").code == 0  # the example follows
    (project_dir / ".dango/credentials.yml").unlink()
    shutil.copy(project_dir / ".dlt/secrets.toml.example", secrets)
    assert 'password = "<password>"' in secrets.read_text()
    assert 'refresh_token = "<refresh_token>"' in secrets.read_text()
    assert 'fingerprint_key = "<fingerprint_key>"' in secrets.read_text()


def test_placeholders_of_the_example_are_reported_shown_and_never_used(dango, project_dir):
    _clone_with_the_example(dango, project_dir)
    before = snapshot(project_dir)

    result = dango("validate")
    assert result.code == 1, result
    lines = result.out.splitlines()
    assert any(line.endswith("sources.db.password still holds the placeholder <password>, not a value; "
                             "fix: run `dango secrets set db.password`") for line in lines), lines
    assert any("sources.db.host still holds the placeholder <host>" in line for line in lines), lines
    assert "sheet: has no OAuth tokens yet, so it cannot sync; fix: run `dango auth sheet`" in lines
    assert any("holds the placeholder <fingerprint_key> as [dango] fingerprint_key" in line for line in lines)

    shown = dango("config", "show", "--source", "db")
    assert shown.code == 0, shown
    assert "password  <password> (a placeholder: not set)  placeholder" in shown.out
    assert "***" not in shown.out  # no placeholder is taken for a secret (or masks a field's name)

    handed = dango("exec", "--", sys.executable, "-c",
                   "import os; print(sorted(k for k in os.environ if k.startswith('SOURCES__DB__')))")
    assert handed.code == 0 and handed.out.strip() == "[]", handed  # no placeholder handed on as a value

    status = dango("auth", "status")
    assert status.code == 1 and "sheet (google_sheets, google): missing" in status.out, status
    assert snapshot(project_dir) == before

    # the example's public fingerprint key is replaced by the first change, never used
    assert dango("secrets", "set", "db.password", input="the-teammates-own-password").code == 0
    text = (project_dir / ".dlt/secrets.toml").read_text()
    assert "<fingerprint_key>" not in text
    recorded = (project_dir / ".dango/credentials.yml").read_text()
    public = hmac.new(b"<fingerprint_key>", b"the-teammates-own-password", hashlib.sha256).hexdigest()[:12]
    assert "fingerprint:" in recorded and public not in recorded
    assert public not in (project_dir / ".dango/audit.log").read_text()


def test_dlt_inits_configure_me_is_not_a_value(dango, project_dir):
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text() + '\n[sources.stripe]\nstripe_secret_key = "<configure me>"\n')
    added = dango("source", "add", "stripe", "--no-input")
    assert added.code == 0, added
    assert "stripe_secret_key is not set; store it with: dango secrets set stripe.stripe_secret_key" in added.err
    result = dango("validate")
    assert result.code == 1
    assert "sources.stripe.stripe_secret_key still holds the placeholder <configure me>" in result.out
