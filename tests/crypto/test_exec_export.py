"""`dango exec` (a real dlt script reads every credential through dlt's env provider) and
`dango secrets export` / `key export` / `key import`."""

from __future__ import annotations

import json
import sys

from tests.conftest import CANARIES, CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN, snapshot
from tests.crypto.conftest import API_TOKEN, CLIENT_SECRET, keyring_env

DLT_SCRIPT = f"""\
import dlt

checks = {{
    "sources.pay.stripe_secret_key": {CANARY_STRIPE!r},
    "sources.pg.password": {CANARY_PASSWORD!r},
    "sources.gs.credentials.refresh_token": "1//" + {CANARY_TOKEN!r},
    "sources.gs.credentials.client_secret": {CLIENT_SECRET!r},
    "sources.gs.credentials.client_id": "1234.apps.googleusercontent.com",
    "sources.api.api_key": {API_TOKEN!r},
    "sources.api.password": "pa${{not_a_ref}}word-9911",
}}
for key, expected in checks.items():
    assert dlt.secrets[key] == expected, key
assert str(dlt.secrets["sources.pg.port"]) == "5432"
print("ok")
"""


def test_a_dlt_script_reads_decrypted_values_and_references_through_exec(encrypted, cdango):
    script = encrypted.parent / "pipeline.py"  # outside the project: the snapshot is the project
    script.write_text(DLT_SCRIPT)
    before = snapshot(encrypted)
    result = cdango("exec", "--", sys.executable, str(script))
    assert result.code == 0, result
    assert result.out.strip() == "ok"
    assert snapshot(encrypted) == before  # nothing written: no temp file, no decrypted copy


def test_exec_keeps_an_existing_override_and_passes_the_exit_code(encrypted, cdango):
    code = ("import os, sys; print(os.environ['SOURCES__PAY__STRIPE_SECRET_KEY']); "
            "print('SOURCES__API__API_KEY' in os.environ); sys.exit(3)")
    result = cdango("exec", "--", sys.executable, "-c", code,
                    env_extra={"SOURCES__PAY__STRIPE_SECRET_KEY": "from-the-environment"})
    assert result.code == 3, result
    assert result.out.splitlines() == ["from-the-environment", "True"]
    missing = cdango("exec", "--", "no-such-program-here")
    assert missing.code == 2 and "Command not found: no-such-program-here" in missing.err, missing


def test_exec_leaves_out_a_reference_whose_variable_is_unset(encrypted, dango, kenv):
    result = dango("exec", "--", sys.executable, "-c",
                   "import os; print('SOURCES__API__API_KEY' in os.environ, 'SOURCES__PG__PASSWORD' in os.environ)",
                   env_extra=kenv)  # API_TOKEN not set
    assert result.code == 0, result
    assert result.out.strip() == "False True"
    assert "sources.api.api_key is left out" in result.err and "API_TOKEN" in result.err


def test_export_needs_reveal_and_is_audited(encrypted, cdango):
    refused = cdango("secrets", "export", "--format", "env")
    assert refused.code == 2 and "--reveal" in refused.err, refused
    assert not any(c in refused.output for c in CANARIES)
    shown = cdango("secrets", "export", "--format", "env", "--reveal")
    assert shown.code == 0, shown
    lines = shown.out.splitlines()
    assert f"SOURCES__PAY__STRIPE_SECRET_KEY='{CANARY_STRIPE}'" in lines
    assert f"SOURCES__GS__CREDENTIALS__REFRESH_TOKEN='1//{CANARY_TOKEN}'" in lines
    assert """SOURCES__GS__CREDENTIALS__SCOPES='["https://www.googleapis.com/auth/spreadsheets.readonly"]'""" in lines
    audit = [json.loads(line) for line in (encrypted / ".dango" / "audit.log").read_text().splitlines()]
    revealed = [entry for entry in audit if entry["event"] == "revealed"]
    assert len(revealed) == 1 and revealed[0]["format"] == "env"
    assert not any(c in json.dumps(audit) for c in CANARIES + (CLIENT_SECRET,))


def test_key_export_and_import_move_the_key_to_another_machine(encrypted, cdango, tmp_path):
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    elsewhere = keyring_env(laptop)
    before = snapshot(encrypted)
    locked_out = cdango("config", "show", env_extra=elsewhere)
    assert locked_out.code == 2 and "dango secrets key import" in locked_out.err, locked_out

    exported = cdango("secrets", "key", "export")
    assert exported.code == 0, exported
    key = exported.out.strip()
    assert len(key) == 44 and "password manager" in exported.err
    bad = cdango("secrets", "key", "import", input="bm90IGEga2V5", env_extra=elsewhere)
    assert bad.code == 2 and "not a key" in bad.err and "bm90IGEga2V5" not in bad.output, bad
    imported = cdango("secrets", "key", "import", input=key + "\n", env_extra=elsewhere)
    assert imported.code == 0 and "Stored key" in imported.out, imported
    assert key not in imported.output
    works = cdango("config", "show", env_extra=elsewhere)
    assert works.code == 0, works
    assert snapshot(encrypted) == {**before, ".dango/audit.log": snapshot(encrypted)[".dango/audit.log"]}
    assert '"field": "encryption_key"' in (encrypted / ".dango" / "audit.log").read_text()


def test_exec_with_the_key_in_the_environment_does_not_pass_the_key_on(rich_project, cdango):
    import base64

    key = {"DANGO_MASTER_KEY": base64.b64encode(b"e" * 32).decode()}
    assert cdango("secrets", "encrypt", env_extra=key).code == 0
    result = cdango("exec", "--", sys.executable, "-c",
                    "import os; print('DANGO_MASTER_KEY' in os.environ, os.environ['SOURCES__PG__PASSWORD'])",
                    env_extra=key)
    assert result.code == 0, result
    assert result.out.strip() == f"False {CANARY_PASSWORD}"


def test_key_export_never_passes_off_a_stale_master_key_as_the_projects(encrypted, cdango):
    """A DANGO_MASTER_KEY left from another project (or before a rotate-key) is not the key
    that decrypts this file: exporting it would send a teammate a useless key."""
    import base64

    stale = base64.b64encode(b"s" * 32).decode()
    before = snapshot(encrypted)
    result = cdango("secrets", "key", "export", env_extra={"DANGO_MASTER_KEY": stale})
    assert result.code == 2, result
    assert result.out == "" and stale not in result.output
    assert "DANGO_MASTER_KEY holds the key with id" in result.err and "encrypted with key" in result.err
    assert snapshot(encrypted) == before  # nothing recorded as revealed either

    assert cdango("secrets", "decrypt", "--yes").code == 0
    plain = cdango("secrets", "key", "export", env_extra={"DANGO_MASTER_KEY": stale})
    assert plain.code == 2 and plain.out == "" and "not encrypted" in plain.err, plain


def test_secrets_are_never_revealed_into_a_file_other_users_can_read(encrypted, env, kenv, tmp_path):
    """`> creds.env` under the usual umask creates a 0644 file: every secret (or the key) would
    be readable by every user of the machine. Refused before anything is written or audited."""
    import subprocess

    audit = encrypted / ".dango" / "audit.log"
    for args in (("secrets", "export", "--format", "env", "--reveal"), ("secrets", "key", "export")):
        before = audit.read_bytes()
        shared = tmp_path / "shared.out"
        shared.write_bytes(b"")
        shared.chmod(0o644)
        with open(shared, "ab") as out:
            proc = subprocess.run([sys.executable, "-m", "dango", *args], cwd=encrypted, stdout=out,
                                  stderr=subprocess.PIPE, text=False, env={**env, **kenv, "API_TOKEN": API_TOKEN},
                                  stdin=subprocess.DEVNULL, timeout=60)
        err = proc.stderr.decode()
        assert proc.returncode == 2, err
        assert shared.read_bytes() == b"" and audit.read_bytes() == before
        assert f"standard output is {shared}, which other users of this machine can read (mode 0644)" in err
        assert f"chmod 600 {shared}" in err

        shared.chmod(0o600)  # the fix named works
        with open(shared, "ab") as out:
            proc = subprocess.run([sys.executable, "-m", "dango", *args], cwd=encrypted, stdout=out,
                                  stderr=subprocess.PIPE, env={**env, **kenv, "API_TOKEN": API_TOKEN},
                                  stdin=subprocess.DEVNULL, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert shared.stat().st_size > 0 and audit.read_bytes() != before
