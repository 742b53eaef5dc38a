"""`dango migrate`: the plan, applying it, --move-secrets, undo, and failures part-way."""

from __future__ import annotations

import os
import stat
import tomllib

import pytest

from dango import migrate
from dango.migrate.errors import MigrationFailed, NoBackup, NotUpstream
from dango.migrate.steps import STEP_NAMES
from dango.sources import load_sources
from dango.project import load_project
from tests.conftest import changes_between, run_dango, snapshot, tree_state
from tests.migrate.helpers import (CLIENT_SECRET, FB_TOKEN, HUBSPOT_KEY, PG_URL, REFRESH_TOKEN, SECRETS,
                                   STRIPE_KEY, upstream_project)


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_pending_plans_every_source_and_writes_nothing(tmp_path):
    root = upstream_project(tmp_path)
    before = tree_state(root)
    plan = migrate.pending(root)
    assert plan.steps == list(STEP_NAMES)
    text = "\n".join(line for _, line in plan.lines)
    assert "stripe_secret_key_env STRIPE_API_KEY -> [sources.stripe_payments] stripe_secret_key = ${STRIPE_API_KEY}" in text
    assert "credentials_env SHOP_DB_URL -> [sources.shop_db] credentials = ${SHOP_DB_URL}" in text
    assert "crm (hubspot -> hubspot): disabled, dango cannot load it yet" in text
    assert "[sources.google_sheets] -> [sources.budget_sheet] (credentials: client_id, client_secret = GOCSPX-***************" in text
    assert "[sources.facebook_ads] -> [sources.ads] (access_token = ***************, credentials:" in text
    assert "rm .env.env.backup" in text
    assert ".dlt: 755 -> 700" in text and ".dlt/secrets.toml: 644 -> 600" in text
    assert not any(secret in text for secret in SECRETS)
    moving = "\n".join(line for _, line in migrate.pending(root, move_secrets=True).lines)
    assert "[sources.stripe_payments] stripe_secret_key = sk_test_*************** (moved from .env STRIPE_API_KEY)" in moving
    assert ".env: STRIPE_API_KEY removed once .dlt/secrets.toml is written and read back" in moving
    assert ".env: HUBSPOT_API_KEY" not in moving  # a kept source's variable is never touched
    assert not any(secret in moving for secret in SECRETS)
    assert changes_between(before, tree_state(root)) == []


def test_apply_converts_sources_secrets_oauth_gitignore_and_permissions(tmp_path):
    root = upstream_project(tmp_path)
    env_before = (root / ".env").read_bytes()
    done = migrate.apply(root)
    project = load_project(root)  # ours now: no OldProjectFormat
    assert project.settings["format_version"] == 2
    assert project.settings["migrations"] == list(STEP_NAMES)
    assert project.settings["upstream"]["project"]["name"] == "Full"
    sources = {s.name: s for s in load_sources(project)}
    assert sources["stripe_payments"].description == "Card payments"
    assert sources["stripe_payments"].tags == ["finance", "revenue"]
    # upstream's default endpoints, named, so the tables keep upstream's names (customer, ...)
    assert sources["stripe_payments"].options == {
        "start_date": "2024-01-01",
        "resources": ["Subscription", "Account", "Coupon", "Customer", "Invoice", "Product", "Price"]}
    assert sources["orders"].type == "local_files"
    assert sources["orders"].options == {"directory": "data/uploads/orders", "file_pattern": "*.csv"}
    assert sources["budget_sheet"].options["range_names"] == ["Budget", "Actuals"]
    crm = sources["crm"]
    assert not crm.enabled and crm.kept == {"hubspot": {"api_key_env": "HUBSPOT_API_KEY",
                                                        "resources": ["contacts", "deals"]}}
    assert "dango cannot load hubspot sources yet" in crm.why_disabled
    secrets = tomllib.loads((root / ".dlt/secrets.toml").read_text())
    assert secrets["sources"]["stripe_payments"] == {"stripe_secret_key": "${STRIPE_API_KEY}"}
    assert secrets["sources"]["shop_db"] == {"credentials": "${SHOP_DB_URL}"}
    creds = secrets["sources"]["budget_sheet"]["credentials"]
    assert creds["refresh_token"] == REFRESH_TOKEN and creds["client_secret"] == CLIENT_SECRET
    assert creds["account"] == "analyst@example.com"
    assert creds["scopes"] == ["https://www.googleapis.com/auth/spreadsheets.readonly"]
    assert "google_sheets" not in secrets["sources"] and "facebook_ads" not in secrets["sources"]
    ads = secrets["sources"]["ads"]  # upstream's flat, type-keyed token, on the source now
    assert ads["access_token"] == FB_TOKEN and ads["credentials"]["account"] == "act_123456789"
    assert ads["credentials"]["scopes"] == ["ads_read"]
    assert secrets["dango"]["oauth"]["google_sheets"]["identifier"] == "analyst@example.com"  # kept
    assert secrets["dango"]["fingerprint_key"]
    assert (root / ".env").read_bytes() == env_before  # values stay in .env
    assert _mode(root / ".dlt") == 0o700 and _mode(root / ".dlt/secrets.toml") == 0o600
    ignored = (root / ".gitignore").read_text().splitlines()
    assert ".dango/backup/" in ignored and ".env" in ignored and ".dango/.lock" in ignored
    backup = root / done.backup
    assert _mode(backup) == 0o700 and _mode(backup.parent) == 0o700
    assert all(_mode(p) == 0o600 for p in backup.rglob("*") if p.is_file())
    assert all(_mode(p) == 0o700 for p in backup.rglob("*") if p.is_dir())
    # rerunning finds nothing to do
    with pytest.raises(NotUpstream):
        migrate.pending(root)


def test_move_secrets_puts_values_in_secrets_toml_and_removes_them_from_env(tmp_path):
    root = upstream_project(tmp_path)
    migrate.apply(root, move_secrets=True)
    secrets = tomllib.loads((root / ".dlt/secrets.toml").read_text())
    assert secrets["sources"]["stripe_payments"]["stripe_secret_key"] == STRIPE_KEY
    assert secrets["sources"]["shop_db"]["credentials"] == PG_URL
    env = (root / ".env").read_text()
    assert STRIPE_KEY not in env and PG_URL not in env
    assert f"HUBSPOT_API_KEY={HUBSPOT_KEY}" in env  # a kept source still names it
    assert _mode(root / ".env") == 0o600


def test_undo_restores_every_file_byte_for_byte(tmp_path):
    """... with modes never looser than migrate sets: secrets 0600, .dlt/ 0700."""
    root = upstream_project(tmp_path)
    before = snapshot(root)
    modes = {".dlt": 0o700, ".dlt/secrets.toml": 0o600, ".env": 0o600}
    migrate.apply(root, move_secrets=True)
    assert snapshot(root) != before
    name, restored = migrate.undo(root)
    assert ".env" in restored and ".dlt/secrets.toml.example" in restored
    after = snapshot(root)
    assert after == before
    assert {rel: _mode(root / rel) for rel in modes} == modes
    assert not (root / ".dango/backup" / name).exists()
    with pytest.raises(NoBackup):
        migrate.undo(root)


@pytest.mark.parametrize("fail_on", [3, 6])
def test_a_write_failing_part_way_leaves_the_project_as_it_was(tmp_path, monkeypatch, fail_on):
    """The 3rd rename fails inside the first batch; the 6th, at the .env write that follows
    the read-back of --move-secrets."""
    root = upstream_project(tmp_path)
    before = tree_state(root)
    real = os.replace
    calls = [0]

    def flaky(src, dst, *args, **kwargs):
        calls[0] += 1
        if calls[0] == fail_on:
            raise OSError(28, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises((OSError, MigrationFailed)):
        migrate.apply(root, move_secrets=True)
    monkeypatch.setattr(os, "replace", real)
    assert calls[0] >= fail_on
    after = tree_state(root)  # no backup (a plaintext copy of the secrets), no lock file left
    assert [c for c in changes_between(before, after) if "(mtime)" not in c] == []


def test_cli_apply_validates_clean_lists_why_and_prints_no_secret(tmp_path, env):
    root = upstream_project(tmp_path)
    refused = run_dango("migrate", cwd=root, env=env)
    assert refused.code == 2 and "--yes" in refused.err, refused
    result = run_dango("migrate", "--yes", "--move-secrets", cwd=root, env=env)
    assert result.code == 0, result
    assert "rm .env.env.backup" in result.out
    assert not any(secret in result.output for secret in SECRETS)
    validate = run_dango("validate", cwd=root, env=env)
    assert validate.code == 0, validate
    listed = run_dango("source", "list", cwd=root, env=env)
    assert "crm is disabled: dango cannot load hubspot sources yet" in listed.out
    as_json = run_dango("source", "list", "--json", cwd=root, env=env)
    assert '"tags": [\n        "finance"' in as_json.out
    again = run_dango("migrate", "--dry-run", cwd=root, env=env)
    assert again.code == 0 and "nothing to migrate" in again.out, again
    before_undo = tree_state(root)
    preview = run_dango("migrate", "--undo", "--dry-run", cwd=root, env=env)
    assert preview.code == 0 and "Would restore 6 file(s)" in preview.out, preview
    assert changes_between(before_undo, tree_state(root)) == []
    undone = run_dango("migrate", "--undo", cwd=root, env=env)
    assert undone.code == 0, undone
    assert run_dango("source", "list", cwd=root, env=env).code == 2


def test_encrypting_a_migrated_project_names_the_plaintext_copies_its_backup_keeps(tmp_path, env):
    """The backup `--undo` restores from holds upstream's secrets.toml and .env as they were:
    after `secrets encrypt` they are the values' last plaintext copies on disk."""
    import base64

    root = upstream_project(tmp_path)
    assert run_dango("migrate", "--yes", "--move-secrets", cwd=root, env=env).code == 0
    [stamp] = os.listdir(root / ".dango" / "backup")
    copies = [f".dango/backup/{stamp}/files/{name}" for name in (".dlt/secrets.toml", ".env")]
    keyed = {**env, "DANGO_MASTER_KEY": base64.b64encode(b"k" * 32).decode()}
    encrypted = run_dango("secrets", "encrypt", cwd=root, env=keyed)
    assert encrypted.code == 0, encrypted
    status = run_dango("secrets", "status", cwd=root, env=keyed)
    assert status.code == 0, status
    for result in (encrypted, status):
        assert all(copy in result.err for copy in copies), result
        assert f"delete .dango/backup/{stamp}" in result.err, result
        assert not any(secret in result.output for secret in SECRETS)


def test_secrets_scan_after_migrate_finds_only_upstreams_plaintext_copy(tmp_path, env):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        from tests.conftest import skip_or_fail

        skip_or_fail("git is not installed")
    root = upstream_project(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "upstream project"], cwd=root, check=True)
    assert run_dango("migrate", "--yes", cwd=root, env=env).code == 0
    scan = run_dango("secrets", "scan", "--format", "json", cwd=root, env=env)
    import json

    found = {item["path"] for item in json.loads(scan.out)["findings"]}
    assert found == {".env.env.backup"}, scan  # upstream's copy, reported by migrate; nothing new


def test_a_project_without_dlt_folder_or_env_migrates_and_undoes(tmp_path):
    import shutil

    root = upstream_project(tmp_path)
    shutil.rmtree(root / ".dlt")
    (root / ".env").unlink()
    before = tree_state(root)
    migrate.apply(root)
    assert _mode(root / ".dlt") == 0o700 and _mode(root / ".dlt/secrets.toml") == 0o600
    secrets = tomllib.loads((root / ".dlt/secrets.toml").read_text())
    assert secrets["sources"]["stripe_payments"] == {"stripe_secret_key": "${STRIPE_API_KEY}"}
    assert "budget_sheet" not in secrets["sources"]  # no tokens upstream: nothing invented
    migrate.undo(root)
    assert [c for c in changes_between(before, tree_state(root))  # content and modes as before
            if ".dango/.lock" not in c and "(mtime)" not in c] == []


def test_a_source_name_this_dango_cannot_address_stops_before_any_write(tmp_path):
    root = upstream_project(tmp_path)
    path = root / ".dango/sources.yml"
    path.write_text(path.read_text().replace("name: crm", "name: status"))
    before = tree_state(root)
    from dango.errors import InvalidSourceName

    with pytest.raises(InvalidSourceName, match="'status' cannot be a source name"):
        migrate.apply(root)
    assert [c for c in changes_between(before, tree_state(root)) if ".dango/.lock" not in c] == []


def test_a_sources_table_upstream_already_had_is_kept_and_merged(tmp_path):
    root = upstream_project(tmp_path)
    with open(root / ".dlt/secrets.toml", "a") as handle:
        handle.write('\n[sources.shop_db]\ncredentials = "postgresql://u:OwnTablePass01@h/db"  # dango:allow\n'
                     'sslmode = "require"\n\n[sources.stripe_payments]\nsslmode = "off"\n')
    plan = "\n".join(line for _, line in migrate.pending(root, move_secrets=True).lines)
    assert "[sources.shop_db] credentials = " in plan and "kept as .dlt/secrets.toml had it" in plan
    assert "[sources.shop_db] sslmode = ***************: kept as .dlt/secrets.toml had it" in plan
    assert "OwnTablePass01" not in plan
    migrate.apply(root, move_secrets=True)
    secrets = tomllib.loads((root / ".dlt/secrets.toml").read_text())
    assert secrets["sources"]["shop_db"] == {"credentials": "postgresql://u:OwnTablePass01@h/db",  # dango:allow
                                             "sslmode": "require"}
    assert secrets["sources"]["stripe_payments"] == {"sslmode": "off", "stripe_secret_key": STRIPE_KEY}
    assert PG_URL in (root / ".env").read_text()  # not moved, so it stays where it was


def test_move_secrets_removes_a_multi_line_value_whole(tmp_path):
    root = upstream_project(tmp_path)
    env_path = root / ".env"
    text = env_path.read_text().replace(f"SHOP_DB_URL={PG_URL}\n",
                                        'SHOP_DB_URL="postgresql://loader:UPSTREAMmultiLine01\n'  # dango:allow
                                        'TAILofTheSecret0000000001@db/shop"\nAFTER=1\n')  # dango:allow
    env_path.write_text(text)
    migrate.apply(root, move_secrets=True)
    env = env_path.read_text()
    assert "UPSTREAMmultiLine01" not in env and "TAILofTheSecret" not in env
    assert "AFTER=1\n" in env and f"HUBSPOT_API_KEY={HUBSPOT_KEY}" in env
    stored = tomllib.loads((root / ".dlt/secrets.toml").read_text())["sources"]["shop_db"]["credentials"]
    assert stored.endswith("TAILofTheSecret0000000001@db/shop")


@pytest.mark.parametrize("content, problem", [
    (b"STRIPE_API_KEY=sk_test_caf\xe9\n", ".env:1: is not UTF-8 text; save it as UTF-8"),
    (b"# ok\nSTRIPE_API_KEY=x\nthis is not a setting\n", ".env:3: is not a NAME=value line; fix or remove")])
def test_an_env_that_cannot_be_read_is_one_sentence_and_nothing_written(tmp_path, env, content, problem):
    root = upstream_project(tmp_path)
    (root / ".env").write_bytes(content)
    before = tree_state(root)
    result = run_dango("migrate", "--yes", cwd=root, env=env)
    assert result.code == 2 and problem in result.err, result
    assert "Traceback" not in result.err and "UnicodeDecodeError" not in result.err
    assert changes_between(before, tree_state(root)) == []


def test_tokens_of_a_type_with_no_source_are_kept_where_validate_accepts_them(tmp_path, env):
    root = upstream_project(tmp_path)
    with open(root / ".dlt/secrets.toml", "a") as handle:
        handle.write('\n[sources.hubspot]\napi_key = "pat-na1-UPSTREAMcanaryHubspotTok01"  # dango:allow\n'
                     '\n[sources.google_analytics.credentials]\n'
                     'refresh_token = "1//UPSTREAMcanaryGaRefresh00001"  # dango:allow\n')
    plan = "\n".join(line for _, line in migrate.pending(root).lines)
    assert "[sources.hubspot] matches no source this Dango loads: kept whole, unused, as " \
           "[dango.upstream.sources.hubspot]" in plan
    migrate.apply(root)
    secrets = tomllib.loads((root / ".dlt/secrets.toml").read_text())
    kept = secrets["dango"]["upstream"]["sources"]
    assert kept["hubspot"]["api_key"] == "pat-na1-UPSTREAMcanaryHubspotTok01"  # dango:allow
    assert kept["google_analytics"]["credentials"]["refresh_token"] == "1//UPSTREAMcanaryGaRefresh00001"  # dango:allow
    assert "hubspot" not in secrets["sources"] and "google_analytics" not in secrets["sources"]
    result = run_dango("validate", cwd=root, env=env)
    assert result.code == 0 and "matches no source" not in result.output, result


def test_move_secrets_keeps_a_reference_in_env_a_reference(tmp_path, monkeypatch):
    """`.env` may say `PG_URL=postgresql://u:${PG_PW}@h/db`: upstream resolved that when it
    ran; moved, it stays `${PG_PW}`, not the migrating shell's value (or nothing)."""
    root = upstream_project(tmp_path)
    env = root / ".env"
    env.write_text(env.read_text().replace(f"SHOP_DB_URL={PG_URL}",
                                           "SHOP_DB_URL=postgresql://loader:${PG_PW}@db.example.internal:5432/shop"))
    monkeypatch.setenv("PG_PW", "the-migrating-shells-value")  # dango:allow
    migrate.apply(root, move_secrets=True)
    secrets = tomllib.loads((root / ".dlt/secrets.toml").read_text())
    assert secrets["sources"]["shop_db"]["credentials"] == "postgresql://loader:${PG_PW}@db.example.internal:5432/shop"
    assert "the-migrating-shells-value" not in (root / ".dlt/secrets.toml").read_text()


def test_move_secrets_keeps_a_literal_dollar_brace_literal(tmp_path):
    root = upstream_project(tmp_path)
    env = root / ".env"
    odd = "sk_test_UPSTREAM${half"  # dango:allow
    env.write_text(env.read_text().replace(f"STRIPE_API_KEY={STRIPE_KEY}", f"STRIPE_API_KEY={odd}"))
    migrate.apply(root, move_secrets=True)
    from dango.credentials import Resolver
    from dango.project import load_project
    from dango.sources import load_sources

    project = load_project(root)
    source = next(s for s in load_sources(project) if s.name == "stripe_payments")
    assert Resolver(project).resolved_config(source)["stripe_secret_key"] == odd
