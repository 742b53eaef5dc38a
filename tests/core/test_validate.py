"""`dango validate`: one line per problem with its fix, exit 1."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import DANGO_SECTION, snapshot


def test_a_fresh_project_is_valid(dango):
    result = dango("validate")
    assert result.code == 0, result
    assert result.out.strip() == "No problems found."
    assert json.loads(dango("validate", "--json").out) == {"ok": True, "problems": [], "warnings": []}


def test_name_matching_both_ways_and_required_fields(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    (project_dir / ".dlt/secrets.toml").write_text(
        '# old\n\n\n\n[sources.old_stripe]\nstripe_secret_key = "sk_test_x"\n' + DANGO_SECTION)
    before = snapshot(project_dir)
    result = dango("validate")
    assert result.code == 1
    lines = result.out.splitlines()
    assert "pay: required field stripe_secret_key is not set; fix: run `dango secrets set pay.stripe_secret_key`" in lines
    assert any(l.startswith(".dlt/secrets.toml:5: [sources.old_stripe] matches no source") and
               "dango source add TYPE --name old_stripe" in l for l in lines), lines
    assert snapshot(project_dir) == before


def test_an_empty_required_field_is_a_problem_as_sync_finds_it(dango, project_dir):
    (project_dir / ".dango/sources.yml").write_text(
        'sources:\n  - name: orders\n    type: csv\n    file_path:\n'
        '  - name: blank\n    type: csv\n    file_path: "  "\n  - name: db\n    type: postgres\n')
    (project_dir / ".dlt/secrets.toml").write_text(
        '[sources.db]\nhost = ""\ndatabase = "crm"\nusername = "loader"\n' + DANGO_SECTION)
    before = snapshot(project_dir)

    result = dango("validate")

    assert result.code == 1, result
    assert result.out.splitlines() == [
        "orders: required field file_path is empty; fix: give `file_path:` a value in the orders entry "
        "of .dango/sources.yml",
        "blank: required field file_path is empty; fix: give `file_path:` a value in the blank entry "
        "of .dango/sources.yml",
        "db: required field host is empty; fix: run `dango secrets set db.host`",
    ]
    assert snapshot(project_dir) == before


def test_unresolvable_reference(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input", "--ref", "stripe_secret_key=STRIPE_KEY")
    result = dango("validate")
    assert result.code == 1
    assert (".dlt/secrets.toml:5: sources.pay.stripe_secret_key refers to ${STRIPE_KEY}, which is not set; "
            "fix: export STRIPE_KEY=... or add it to .env") in result.out
    assert dango("validate", env_extra={"STRIPE_KEY": "sk_test_1"}).code == 0


def test_unknown_key_in_a_section(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input", "--set", "stripe_secret_key=sk_test_1")
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text().replace("[dango]", 'secret_kee = "typo"\n\n[dango]'))
    problems = json.loads(dango("validate", "--json").out)["problems"]
    assert problems[0]["message"].startswith("secret_kee is not a field of a stripe source")


def test_loose_permissions(dango, project_dir):
    (project_dir / ".dlt/secrets.toml").chmod(0o644)
    (project_dir / ".env").write_text("A=1\n")
    (project_dir / ".env").chmod(0o664)
    result = dango("validate")
    assert result.code == 1
    assert ".dlt/secrets.toml: permissions are 644, readable by the group and other users; fix: chmod 600 .dlt/secrets.toml" in result.out
    assert ".env: permissions are 664, readable by the group and other users; fix: chmod 600 .env" in result.out


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@x", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


def test_git_tracked_or_not_ignored_secrets(dango, project_dir):
    git(project_dir, "init", "-q")
    assert dango("validate").code == 0
    (project_dir / ".gitignore").write_text("data/\n")
    (project_dir / ".env").write_text("A=1\n")
    (project_dir / ".env").chmod(0o600)
    result = dango("validate")
    assert result.code == 1
    assert ".dlt/secrets.toml: is not ignored by git; fix: add .dlt/secrets.toml to .gitignore" in result.out
    assert ".env: is not ignored by git" in result.out
    git(project_dir, "add", "-f", ".dlt/secrets.toml")
    result = dango("validate")
    assert ".dlt/secrets.toml: is tracked by git, so every clone holds its credentials; fix: git rm --cached" in result.out


def test_without_git_the_gitignore_is_read(dango, project_dir):
    (project_dir / ".gitignore").write_text("data/\n")
    result = dango("validate")
    assert result.code == 1
    assert ".dlt/secrets.toml: is not listed in .gitignore" in result.out


def test_a_google_client_in_the_sources_own_section_is_accepted(dango, project_dir):
    """The layout the credential-management page shows for a manual Google OAuth setup."""
    dango("source", "add", "google_sheets", "--name", "google_sheets", "--no-input",
          "--set", "spreadsheet_url_or_id=abc")
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text('[sources.google_sheets]\nclient_id = "123.apps.googleusercontent.com"\n'
                       'client_secret = "GOCSPX-abc"\n' + DANGO_SECTION)
    result = dango("validate")  # the layout is fine; only the tokens `dango auth` writes are missing
    assert result.out.strip() == ("google_sheets: has no OAuth tokens yet, so it cannot sync; "
                                  "fix: run `dango auth google_sheets`"), result
    shown = json.loads(dango("config", "show", "--json").out)["sources"][0]["fields"]
    values = {f["field"]: f["value"] for f in shown}
    assert values["client_id"] == "123.apps.googleusercontent.com"
    assert values["client_secret"] == "GOCSPX-***************"


def test_an_oauth_source_without_tokens_is_a_problem(dango, project_dir):
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--set", "spreadsheet_url_or_id=abc",
                 "--no-input").code == 0
    result = dango("validate")
    assert result.code == 1
    assert "sheet: has no OAuth tokens yet, so it cannot sync; fix: run `dango auth sheet`" in result.out


def test_a_missing_fingerprint_key_is_a_problem_with_what_recreating_it_does(dango, project_dir):
    path = project_dir / ".dlt" / "secrets.toml"
    path.write_text(path.read_text().split("[dango]")[0])
    result = dango("validate")
    assert result.code == 1
    assert ".dlt/secrets.toml: has no [dango] fingerprint_key" in result.out
    assert "fingerprints recorded under the old key then stop matching" in result.out


def test_a_plaintext_value_in_an_encrypted_project_is_a_problem(dango, project_dir):
    key = {"DANGO_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_0123456789abcdef",  # dango:allow (a test fake)
                 env_extra=key).code == 0
    assert dango("secrets", "encrypt", env_extra=key).code == 0
    assert dango("validate", env_extra=key).code == 0
    path = project_dir / ".dlt" / "secrets.toml"
    path.write_text(path.read_text() + '\n[sources.hand]\napi_key = "typed-in-by-hand-0123"\n')
    result = dango("validate", env_extra=key)
    assert result.code == 1
    assert "sources.hand.api_key is stored in plaintext although the project is encrypted; " \
           "fix: dango secrets encrypt" in result.out


def test_a_references_default_in_an_encrypted_project_is_a_problem(dango, project_dir):
    """Encryption keeps `${VAR}` references as written: a default beside one stays plaintext."""
    key = {"DANGO_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}
    assert dango("secrets", "encrypt", env_extra=key).code == 0
    path = project_dir / ".dlt" / "secrets.toml"
    path.write_text(path.read_text() + '\n[sources.hand]\napi_key = "${HAND_KEY:-typed-default-0123}"\n')  # dango:allow
    result = dango("validate", env_extra=key)
    assert result.code == 1, result
    assert ("sources.hand.api_key holds a default or text beside its ${VAR} reference, stored in "
            "plaintext although the project is encrypted") in result.out, result.out
    assert "typed-default-0123" not in result.output


def test_credentials_sent_over_plain_http_to_another_machine_are_a_warning(dango, project_dir):
    for name, url, key in (("remote", "http://api.example.com/v1", "--set"),
                           ("local", "http://127.0.0.1:8080", "--set"),
                           ("secure", "https://api.example.com", "--set"),
                           ("open", "http://data.example.com", None)):
        args = ["source", "add", "rest_api", "--name", name, "--set", f"base_url={url}", "--no-input"]
        if key is None:
            args += ["--set", "auth_type=none"]
        assert dango(*args).code == 0
        if key is not None:
            assert dango("secrets", "set", f"{name}.api_key", input="key-0123456789abcdef").code == 0
    result = dango("validate", "--json")
    warnings = json.loads(result.out)["warnings"]
    plain = [w for w in warnings if "unencrypted" in w]
    assert plain == ["base_url of source 'remote' is http://api.example.com: the source's credentials "
                     "would travel unencrypted; use https:// if the server offers it"], warnings
