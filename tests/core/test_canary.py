"""A canary secret never appears in any output of any command, errors included."""

from __future__ import annotations

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN, files_containing


def test_no_command_prints_a_canary(dango, project_dir):
    outputs = []

    def run(*args, **kwargs):
        result = dango(*args, **kwargs)
        outputs.append(result)
        return result

    run("source", "add", "stripe", "--name", "pay", "--no-input", "--set", f"stripe_secret_key={CANARY_STRIPE}")
    run("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=h", "--set", "database=d",
        "--set", "username=u", "--set", f"password={CANARY_PASSWORD}")
    run("source", "add", "rest_api", "--name", "api", "--no-input", "--set", "base_url=https://x.test",
        "--ref", "api_key=API_TOKEN")
    run("secrets", "set", "db.password", input=CANARY_PASSWORD)
    run("secrets", "set", "db.port", input=CANARY_PASSWORD)  # error: not a number
    run("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE)
    (project_dir / ".env").write_text(f"API_TOKEN={CANARY_TOKEN}\n")
    (project_dir / ".env").chmod(0o600)
    for args in (["config", "show"], ["config", "show", "--json"], ["validate"], ["validate", "--json"],
                 ["source", "list"], ["source", "list", "--json"], ["config", "show", "--debug"],
                 ["source", "add", "stripe", "--name", "pay", "--set", f"stripe_secret_key={CANARY_STRIPE}"],
                 ["source", "add", "postgres", "--name", "p2", "--set", f"port={CANARY_PASSWORD}"],
                 ["source", "add", "csv", "--name", "c", "--set", f"header={CANARY_TOKEN}"],
                 ["source", "add", "stripe", "--name", "s2", "--set", f"api_key={CANARY_STRIPE}", "--ref", f"api_key={CANARY_TOKEN}"],
                 ["secrets", "set", "db.password", "--ref", CANARY_TOKEN]):
        run(*args)
    # a malformed file that holds a canary on the broken line
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text() + f'broken = "{CANARY_TOKEN}\n')
    for args in (["config", "show"], ["validate"], ["secrets", "unset", "db.password"]):
        run(*args)
    assert any(r.code == 2 for r in outputs)
    for result in outputs:
        for canary in (CANARY_STRIPE, CANARY_PASSWORD, CANARY_TOKEN):
            assert canary not in result.output, result
    # on disk: only the secrets file (and .env, where the user put one) hold them
    assert files_containing(project_dir, CANARY_STRIPE) == [".dlt/secrets.toml"]
    assert files_containing(project_dir, CANARY_PASSWORD) == [".dlt/secrets.toml"]
    assert files_containing(project_dir, CANARY_TOKEN) == [".dlt/secrets.toml", ".env"]
