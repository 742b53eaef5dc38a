"""What `dango auth` leaves in secrets.toml: readable by dlt, by Dango's resolver, and
commands that only read it stay light."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.servers.oauth_server import GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET

HEAVY = ("dlt", "duckdb", "sqlalchemy", "httpx", "rich", "keyring", "pyarrow")


def test_dlt_gcp_oauth_credentials_parse_the_stored_section(connect, project_dir, sheet):
    connect("sheet")
    script = (
        "import dlt, json\n"
        "from dlt.common.configuration import resolve_configuration\n"
        "from dlt.common.configuration.specs import GcpOAuthCredentials\n"
        "c = resolve_configuration(GcpOAuthCredentials(), sections=('sources', 'sheet'))\n"
        "print(json.dumps({'client_id': c.client_id, 'secret': c.client_secret == %r,\n"
        "  'refresh': c.refresh_token.startswith('1//'), 'project_id': c.project_id,\n"
        "  'scopes': list(c.scopes)}))\n" % GOOGLE_CLIENT_SECRET)
    proc = subprocess.run([sys.executable, "-c", script], cwd=project_dir, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "RUNTIME__DLTHUB_TELEMETRY": "false",
                               "HOME": str(project_dir)})
    assert proc.returncode == 0, proc.stderr
    parsed = json.loads(proc.stdout.splitlines()[-1])
    assert parsed["client_id"] == GOOGLE_CLIENT_ID and parsed["secret"] and parsed["refresh"]
    assert parsed["project_id"] == "123456789012"
    assert "https://www.googleapis.com/auth/spreadsheets.readonly" in parsed["scopes"]


def test_a_client_stored_as_references_stays_a_reference(dango, connect, project_dir, sheet):
    path = project_dir / ".dlt/secrets.toml"
    path.write_text(path.read_text() + '\n[sources.sheet.credentials]\nclient_id = "${GOOGLE_CLIENT_ID}"\n'
                    'client_secret = "${GOOGLE_CLIENT_SECRET}"\n')
    connect("sheet")
    text = path.read_text()
    assert 'client_secret = "${GOOGLE_CLIENT_SECRET}"' in text and GOOGLE_CLIENT_SECRET not in text
    assert "refresh_token = " in text


def test_list_and_status_import_nothing_heavy(dango, project_dir, env, sheet):
    for args in (["auth", "list"], ["auth", "list", "--json"], ["auth", "status"], ["oauth", "status"]):
        code = ("import sys, json\nfrom dango.cli.main import cli\n"
                f"try:\n    cli.main(args={args!r}, standalone_mode=False)\nexcept BaseException:\n    pass\n"
                "print(json.dumps(sorted(sys.modules)))\n")
        proc = subprocess.run([sys.executable, "-c", code], cwd=project_dir, env=env,
                              capture_output=True, text=True)
        modules = json.loads(proc.stdout.splitlines()[-1])
        assert [m for m in modules if m.split(".")[0] in HEAVY] == [], args


def test_a_client_in_the_secrets_file_needs_no_environment(start, browser, project_dir, sheet):
    """The docs' manual layout: client_id/client_secret right in [sources.<name>]."""
    path = project_dir / ".dlt/secrets.toml"
    path.write_text(path.read_text() + f'\n[sources.sheet]\nclient_id = "{GOOGLE_CLIENT_ID}"\n'
                    f'client_secret = "{GOOGLE_CLIENT_SECRET}"\n')
    run = start("auth", "sheet", "--no-browser",
                env_extra={"GOOGLE_CLIENT_ID": "", "GOOGLE_CLIENT_SECRET": ""})
    browser.approve(run.url())
    result = run.finish()
    assert result.code == 0, result
    import tomllib

    creds = tomllib.loads(path.read_text())["sources"]["sheet"]["credentials"]
    assert creds["client_id"] == GOOGLE_CLIENT_ID and creds["client_secret"] == GOOGLE_CLIENT_SECRET
