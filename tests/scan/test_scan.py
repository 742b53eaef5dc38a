"""`dango secrets scan`: planted secrets are found wherever they hide, masked, with exit 1."""

from __future__ import annotations

import json

from tests.conftest import CANARIES, CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN, changes_between, tree_state
from tests.scan.conftest import as_json, b64, commit_all, git

AWS_KEY = "AKIA" + "Q3PLANTED7TESTKEY"[:16]
GOOGLE_SECRET = "GOCSPX-" + "pl4nted_client_secret_v4lue"


def no_canary(result) -> None:
    for canary in (*CANARIES, AWS_KEY, GOOGLE_SECRET):
        assert canary not in result.output, result


def test_a_clean_project_exits_0(repo, dango):
    result = dango("secrets", "scan")
    assert result.code == 0, result
    assert "0 findings in the working tree" in result.err


def test_planted_secrets_in_history_are_all_found(repo, dango):
    # 1. in a file that a later commit deletes
    (repo / "settings.py").write_text(f'STRIPE = "{CANARY_STRIPE}"\n')
    commit_all(repo, "settings")
    git(repo, "rm", "-q", "settings.py")
    commit_all(repo, "oops, remove settings")
    # 2. in an old commit on another branch (not checked out)
    git(repo, "checkout", "-q", "-b", "experiment")
    (repo / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={AWS_KEY}\n")
    commit_all(repo, "deploy script")
    (repo / "deploy.sh").write_text("export AWS_ACCESS_KEY_ID=$FROM_VAULT\n")
    commit_all(repo, "deploy script from the vault")
    git(repo, "checkout", "-q", "main")
    # 3. base64-encoded inside a JSON file
    (repo / "fixtures.json").write_text(as_json(b64(f"user:{CANARY_PASSWORD}")) + "\n")
    # 4. in a log
    (repo / "run.log").write_text(f"GET /items?token={CANARY_TOKEN} 401\nclient secret {GOOGLE_SECRET}\n")
    commit_all(repo, "fixtures and a log")

    result = dango("secrets", "scan", "--history", "--format", "json")
    assert result.code == 1, result
    no_canary(result)
    findings = json.loads(result.out)["findings"]
    by_path = {(f["path"], f["rule"]): f for f in findings}
    assert by_path[("settings.py", "dango-project-secret")]["credential"] == "pay.stripe_secret_key"
    assert by_path[("deploy.sh", "aws-access-key-id")]["secret"] == "AKIA***************"
    assert by_path[("fixtures.json", "dango-project-secret")]["encoding"] == "base64"
    assert by_path[("fixtures.json", "dango-project-secret")]["credential"] == "db.password"
    assert by_path[("run.log", "dango-project-secret")]["credential"] == "api.api_key"
    assert ("run.log", "google-oauth-client-secret") in by_path
    commits = {f["path"]: f["commit"] for f in findings}
    settings_commit = git(repo, "log", "--all", "--format=%H", "-1", "--", "settings.py").stdout.split()
    assert commits["settings.py"] in git(repo, "log", "--all", "--format=%H").stdout.split()
    assert settings_commit and commits["deploy.sh"] is not None

    text = dango("secrets", "scan", "--history")
    assert text.code == 1
    no_canary(text)
    assert "rotate it: dango secrets rotate pay.stripe_secret_key" in text.out
    assert "rotate it: dango secrets rotate db.password" in text.out
    assert "(commit " in text.out


def test_working_tree_finds_a_log_and_encodings_even_when_ignored(repo, dango):
    (repo / ".gitignore").write_text((repo / ".gitignore").read_text() + "logs/\n*.log\n")
    (repo / "logs").mkdir()
    (repo / "logs" / "sync.log").write_text(f"connecting to postgresql://loader:{CANARY_PASSWORD}@db/shop\n")
    (repo / "notes.md").write_text("url-encoded: " + CANARY_STRIPE.replace("_", "%5F") + "\n"
                                   + json.dumps({"k": CANARY_TOKEN}) + "\n")
    result = dango("secrets", "scan")
    assert result.code == 1, result
    no_canary(result)
    assert "logs/sync.log:1: dango-project-secret" in result.out
    assert "the value of db.password" in result.out
    assert "notes.md:2: dango-project-secret" in result.out


def test_a_utf16_file_is_read_in_the_working_tree_and_in_history(repo, dango):
    # Windows PowerShell's `>` and Notepad's "Unicode" write UTF-16 with a byte order mark,
    # so `dango secrets export --format env --reveal > creds.env` there is such a file: it
    # was skipped as binary (a NUL in every other byte) and the leak went unreported
    text = f"SOURCES__DB__PASSWORD='{CANARY_PASSWORD}'\r\nSOURCES__PAY__X='{CANARY_STRIPE}'\r\n"
    (repo / "creds.env").write_bytes(text.encode("utf-16"))
    (repo / "creds-be.env").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (repo / "image.bin").write_bytes(b"\x89PNG\0\0" + CANARY_PASSWORD.encode())  # binary: own values only

    result = dango("secrets", "scan", "--format", "json")
    assert result.code == 1, result
    no_canary(result)
    found = {(f["path"], f["line"], f["credential"]) for f in json.loads(result.out)["findings"]
             if f["rule"] == "dango-project-secret"}
    assert found == {("creds.env", 1, "db.password"), ("creds.env", 2, "pay.stripe_secret_key"),
                     ("creds-be.env", 1, "db.password"), ("creds-be.env", 2, "pay.stripe_secret_key"),
                     ("image.bin", 1, "db.password")}

    commit_all(repo, "exported credentials")
    (repo / "creds.env").unlink()
    (repo / "creds-be.env").unlink()
    commit_all(repo, "oops")
    history = dango("secrets", "scan", "--history", "--format", "json")
    assert history.code == 1, history
    no_canary(history)
    assert {f["path"] for f in json.loads(history.out)["findings"]} >= {"creds.env", "creds-be.env"}


def test_allowlisted_findings_are_not_reported(repo, dango):
    (repo / "docs.md").write_text(f"example key {AWS_KEY}  <!-- dango:allow -->\n")
    assert dango("secrets", "scan").code == 0
    (repo / "test_data.py").write_text(f'FAKE = "{GOOGLE_SECRET}"\n')
    assert dango("secrets", "scan").code == 1
    written = dango("secrets", "scan", "--update-baseline")
    assert written.code == 0, written
    baseline = (repo / ".dango" / "scan-baseline.json").read_text()
    assert GOOGLE_SECRET not in baseline and "GOCSPX" not in baseline
    assert json.loads(baseline)["kdf"]["name"] == "scrypt"
    clean = dango("secrets", "scan")
    assert clean.code == 0, clean
    assert "1 accepted by the baseline" in clean.err
    # the accepted value is accepted wherever it moves; a new secret still is a finding
    (repo / "test_data.py").write_text(f'\n\nFAKE = "{GOOGLE_SECRET}"\nOTHER = "{AWS_KEY}"\n')
    moved = dango("secrets", "scan", "--format", "json")
    assert moved.code == 1
    assert [f["rule"] for f in json.loads(moved.out)["findings"]] == ["aws-access-key-id"]


def test_designated_stores_only_count_when_tracked_copied_or_committed(repo, dango):
    assert dango("secrets", "scan").code == 0  # .dlt/secrets.toml is ignored and never committed
    (repo / ".env").write_text(f"API_TOKEN={CANARY_TOKEN}\n")
    assert dango("secrets", "scan").code == 0
    (repo / ".env.old").write_text(f"API_TOKEN={CANARY_TOKEN}\n")
    (repo / ".dlt" / "secrets.toml.bak").write_bytes((repo / ".dlt" / "secrets.toml").read_bytes())
    copied = dango("secrets", "scan", "--format", "json")
    assert copied.code == 1, copied
    paths = {f["path"] for f in json.loads(copied.out)["findings"]}
    assert paths == {".env.old", ".dlt/secrets.toml.bak"}
    (repo / ".env.old").unlink()
    (repo / ".dlt" / "secrets.toml.bak").unlink()
    git(repo, "add", "-f", ".dlt/secrets.toml")
    staged = dango("secrets", "scan", "--staged")
    assert staged.code == 1, staged
    assert ".dlt/secrets.toml" in staged.out
    git(repo, "commit", "-q", "--no-verify", "-m", "oops")
    git(repo, "rm", "-q", "--cached", ".dlt/secrets.toml")
    git(repo, "commit", "-q", "--no-verify", "-m", "untrack")
    tracked_once = dango("secrets", "scan")  # ignored and untracked again, but a commit holds it
    assert tracked_once.code == 1, tracked_once
    no_canary(tracked_once)


def test_sarif_and_json_reports(repo, dango):
    (repo / "app.py").write_text(f'KEY = "{CANARY_STRIPE}"\n')
    sarif = dango("secrets", "scan", "--format", "sarif")
    assert sarif.code == 1
    no_canary(sarif)
    data = json.loads(sarif.out)
    assert data["version"] == "2.1.0"
    (run,) = data["runs"]
    (result,) = run["results"]
    assert result["ruleId"] == "dango-project-secret"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app.py" and location["region"]["startLine"] == 1
    assert "dango secrets rotate pay.stripe_secret_key" in result["message"]["text"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "dango-project-secret"
    (repo / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={AWS_KEY}\n")
    provider = json.loads(dango("secrets", "scan", "--format", "sarif").out)["runs"][0]
    (rule,) = [r for r in provider["tool"]["driver"]["rules"] if r["id"] == "aws-access-key-id"]
    assert rule["helpUri"].startswith("https://docs.aws.amazon.com/") and "Revoke or rotate" in rule["help"]["text"]
    assert rule["shortDescription"]["text"] == "AWS access key id"


def test_path_and_errors(repo, dango, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "dump.txt").write_text(f"{AWS_KEY}\n")
    result = dango("secrets", "scan", "--path", str(outside))
    assert result.code == 1 and "dump.txt:1: aws-access-key-id" in result.out, result
    assert dango("secrets", "scan", "--path", str(tmp_path / "missing")).code == 2
    assert dango("secrets", "scan", "--history", "--staged").code == 2
    (repo / ".dango" / "scan-baseline.json").write_text("{not json")
    broken = dango("secrets", "scan")
    assert broken.code == 2 and "scan-baseline.json" in broken.err, broken


def test_generic_rule_is_on_by_default_and_can_be_turned_off(repo, dango):
    value = "Zx8q2LmP" + "0vRt7YwB3nKd"
    (repo / "conf.py").write_text(f'API_SECRET = "{value}"\nservice_token: ${{TOKEN}}\n')
    found = dango("secrets", "scan")
    assert found.code == 1 and "conf.py:1: generic-secret-assignment" in found.out, found
    assert value not in found.output and "conf.py:2" not in found.out
    assert dango("secrets", "scan", "--disable", "generic-secret-assignment").code == 0


def test_a_copied_store_is_a_finding_whatever_it_holds(repo, dango):
    (repo / ".env.backup").write_text("# old settings\nLEGACY_DB_PASSWORD=n0t-a-kn0wn-v4lue\n")
    (repo / ".env.example").write_text("LEGACY_DB_PASSWORD=change-me-please\n")
    result = dango("secrets", "scan")
    assert result.code == 1, result
    assert ".env.backup:2: secrets-store-file" in result.out
    assert ".env.example" not in result.out and "n0t-a-kn0wn-v4lue" not in result.output


def test_a_value_that_cannot_be_decrypted_makes_the_scan_incomplete(project_dir, dango):
    import base64
    import os

    (project_dir / ".dango" / "sources.yml").write_text("sources:\n  - name: db\n    type: postgres\n")
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text() + '\n[sources.db]\nhost = "h"\ndatabase = "x"\nusername = "u"\n'
                       'password = "ENC[v1,AES256_GCM,kid:0011aabb,AAAAAAAAAAAAAAAA,BBBBBBBBBBBBBBBBBBBBBBBB]"\n')
    wrong_key = {"DANGO_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    result = dango("secrets", "scan", env_extra=wrong_key)
    assert result.code == 2 and "--no-project-secrets" in result.err, result
    assert dango("secrets", "scan", "--no-project-secrets", env_extra=wrong_key).code == 0


def test_the_projects_encryption_key_is_one_of_its_secrets(repo, dango, home):
    """The key that opens .dlt/secrets.toml, saved from `dango secrets key export` or pasted
    into a CI file as DANGO_MASTER_KEY and committed, is the project's most important secret."""
    from tests.crypto.conftest import keyring_env

    keyring = keyring_env(home)
    assert dango("secrets", "encrypt", env_extra=keyring).code == 0
    (repo / "key.txt").write_text(dango("secrets", "key", "export", env_extra=keyring).out.splitlines()[-1] + "\n")
    key = (repo / "key.txt").read_text().strip()
    (repo / "ci.yml").write_text(f"env:\n  DANGO_MASTER_KEY: {key}\n")
    commit_all(repo, "ci")
    (repo / "key.txt").unlink()
    commit_all(repo, "remove the key")
    before = tree_state(repo), tree_state(home)
    result = dango("secrets", "scan", "--history", env_extra=keyring)
    assert result.code == 1, result
    assert [changes_between(b, tree_state(p)) for b, p in zip(before, (repo, home))] == [[], []]  # read only
    for path in ("key.txt:1", "ci.yml:2"):
        assert f"{path} (commit" in result.out, result
    assert "the value of the project's encryption key; replace it: dango secrets rotate-key" in result.out
    assert key not in result.output and key[:8] not in result.output


def test_outside_git_the_stores_are_not_findings_but_copies_are(project_dir, dango):
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text() + f'\n[sources.pay]\nstripe_secret_key = "{CANARY_STRIPE}"\n')
    (project_dir / ".env").write_text(f"KEY={CANARY_STRIPE}\n")
    assert dango("secrets", "scan").code == 0
    (project_dir / "secrets.toml.bak").write_bytes(secrets.read_bytes())
    result = dango("secrets", "scan")
    assert result.code == 1 and "secrets.toml.bak" in result.out and ".env:" not in result.out, result


def test_the_rules_can_be_listed(dango):
    listed = dango("secrets", "scan", "--list-rules")
    assert listed.code == 0 and len(listed.out.splitlines()) >= 200, listed
    assert "github-pat: GitHub personal access token (classic)  https://" in listed.out
