"""A `${VAR:-default}` in a secret field holds its default as written, and text beside a
reference may be part of the secret: both are masked, kept out of the committed example and
searched for by the scan."""

from __future__ import annotations

import subprocess

from dango.store.references import written_parts
from dango.store.secrets_file import example_text
from tests.conftest import run_dango

DEFAULT = "fallback-Uu56-pw"  # dango:allow
LITERAL = "mixedLiteral-Ww34"  # dango:allow
SECRETS = f'[sources.api]\napi_key = "{LITERAL}${{SUFFIX_VAR}}"\npassword = "${{PW_VAR:-{DEFAULT}}}"\n'


def test_written_parts_are_the_defaults_and_the_text_between_references():
    assert written_parts("a$${b}${X:-dflt}c${Y}") == ["a${b}", "dflt", "c"]
    assert written_parts("${X}") == [] and written_parts("bad ${") == []
    from dango.secrecy import written_secrets

    # a connection URL's literal parts are a scheme, a user and a host: only a default counts
    assert written_secrets("postgresql://loader:${PG_PW}@db.internal/crm") == []
    assert written_secrets("postgresql://loader:${PG_PW:-devpass99}@db/crm") == ["devpass99"]


def test_the_example_keeps_only_the_variables():
    text = example_text({"sources": {"api": {"api_key": f"{LITERAL}${{SUFFIX_VAR}}",
                                             "password": f"${{PW_VAR:-{DEFAULT}}}",
                                             "token": "ref+keyring://svc/user", "other": "plain"}}})
    assert 'api_key = "${SUFFIX_VAR}"' in text and 'password = "${PW_VAR}"' in text
    assert 'token = "ref+keyring://svc/user"' in text and 'other = "<other>"' in text
    assert DEFAULT not in text and LITERAL not in text


def test_config_show_masks_them_and_the_scan_finds_a_committed_default(project_dir, env):
    def dango(*args, extra=None):
        return run_dango(*args, cwd=project_dir, env={**env, **(extra or {})})

    assert dango("source", "add", "rest_api", "--name", "api", "--set", "base_url=http://127.0.0.1:9",
                 "--no-input").code == 0
    path = project_dir / ".dlt" / "secrets.toml"
    path.write_text(path.read_text().replace("[sources.api]\n", "") + "\n" + SECRETS)
    shown = dango("config", "show", "--source", "api")
    assert shown.code == 0, shown
    assert DEFAULT not in shown.output and LITERAL not in shown.output
    assert "${PW_VAR:-***************}" in shown.out

    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=project_dir, check=True)
    (project_dir / "notes.txt").write_text(f"the fallback is {DEFAULT}\n")
    subprocess.run([*git, "add", "notes.txt"], cwd=project_dir, check=True)
    subprocess.run([*git, "commit", "-qm", "notes"], cwd=project_dir, check=True)
    scan = dango("secrets", "scan", "--history", extra={"PW_VAR": "set-in-the-shell-1234"})
    assert scan.code == 1 and "notes.txt" in scan.output, scan
    assert DEFAULT not in scan.output
