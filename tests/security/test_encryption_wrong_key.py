"""A wrong key never writes: every command that saves secrets.toml on an encrypted project
checks the key at hand against the project's key id (.dango/project.yml) first, and with
a wrong DANGO_MASTER_KEY or a keyring that lacks the project's key (or holds another key
under its name) it exits 2 with one sentence naming the key ids and the fix, leaving every
file of the project (audit.log and project.yml included) and the keyring byte-for-byte as
they were. Reading commands that need no key keep working."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest

from tests.conftest import CANARIES, CANARY_STRIPE
from tests.crypto.conftest import (API_TOKEN, CLIENT_SECRET, SECRETS_TOML, SOURCES_YML, cdango,  # noqa: F401
                                   kenv, keyring_env, rich_project)
from tests.lifecycle.conftest import STRIPE_KEY, stripe_api  # noqa: F401 - fixture
from tests.security.encryption_checks import (assert_unchanged, differences, project_id, recorded_kid,
                                              tree)

EXPORT = ("secrets", "export", "--format", "env", "--reveal")
OTHER_KEY = base64.b64encode(b"w" * 32).decode()
PREVIOUS = "previous-value-kept-by-rotate-01"

# (what, arguments, standard input): every kind of command that saves secrets.toml.
WRITERS = [
    ("secrets set", ("secrets", "set", "pay.stripe_secret_key"), "a-new-value-that-must-not-land-42"),
    ("secrets set --ref", ("secrets", "set", "pg.password", "--ref", "PG_PASSWORD"), None),
    ("secrets unset", ("secrets", "unset", "pg.password"), None),
    ("source add (a secret)", ("source", "add", "stripe", "--name", "pay2", "--no-input",
                               "--set", "stripe_secret_key=added-with-a-wrong-key-0001"), None),
    ("source add (no secret)", ("source", "add", "postgres", "--name", "pg2", "--no-input", "--set",
                                "host=db2.internal", "--set", "database=d", "--set", "username=u"), None),
    ("source add (sources.yml only)", ("source", "add", "csv", "--name", "more", "--no-input", "--set",
                                       "file_path=more.csv"), None),
    ("source remove", ("source", "remove", "pg", "--yes"), None),
    ("auth remove", ("auth", "remove", "gs", "--yes"), None),
    ("secrets rotate", ("secrets", "rotate", "shop.stripe_secret_key"), STRIPE_KEY),
    ("secrets rotate --confirm", ("secrets", "rotate", "pay.stripe_secret_key", "--confirm"), None),
    ("secrets rotate --rollback", ("secrets", "rotate", "pay.stripe_secret_key", "--rollback"), None),
    ("secrets encrypt", ("secrets", "encrypt"), None),
    ("secrets encrypt NAME.FIELD", ("secrets", "encrypt", "api.password"), None),
    ("secrets decrypt", ("secrets", "decrypt", "--yes"), None),
    ("secrets rotate-key", ("secrets", "rotate-key"), None),
]


def kid_of(key_b64: str) -> str:
    from dango.crypto.cipher import key_id

    return key_id(base64.b64decode(key_b64))


@pytest.fixture
def project(rich_project, cdango, stripe_api):  # noqa: F811
    """An encrypted project (its key in the test keyring) whose Stripe sources answer on a
    local server, `pay` with a previous key kept by a rotation, and one secret left in
    plaintext so that `secrets encrypt` has something to do."""
    (rich_project / ".dango" / "sources.yml").write_text(SOURCES_YML.replace(
        "    type: stripe\n    enabled: true\n",
        f"    type: stripe\n    enabled: true\n    base_url: {stripe_api.url}\n", 1)
        + f"  - name: shop\n    type: stripe\n    enabled: true\n    base_url: {stripe_api.url}\n")
    (rich_project / ".dlt" / "secrets.toml").write_text(SECRETS_TOML.replace(
        "  # rotated in May\n", f'  # rotated in May\nstripe_secret_key__previous = "{PREVIOUS}"\n', 1)
        .replace("\n[sources.pg]\n", f'\n[sources.shop]\nstripe_secret_key = "{CANARY_STRIPE}9"\n\n[sources.pg]\n', 1))
    for target in ("pay", "shop", "pg", "gs"):  # sources.api.password stays plaintext
        result = cdango("secrets", "encrypt", target)
        assert result.code == 0, result
    assert recorded_kid(rich_project) is not None
    return rich_project


def wrong_keyring(kind: str, project_dir, home, tmp_path, cdango, env) -> dict[str, str]:  # noqa: F811
    """The environment of a machine whose key is wrong in the way `kind` says."""
    if kind == "env":
        return {"DANGO_MASTER_KEY": OTHER_KEY}
    if kind == "keyring-without-the-key":  # another machine: a key of its own, not the project's
        laptop = tmp_path / "laptop"
        laptop.mkdir()
        elsewhere = keyring_env(laptop)
        imported = cdango("secrets", "key", "import", input=OTHER_KEY + "\n", env_extra=elsewhere)
        assert imported.code == 0, imported
        return elsewhere
    # the keyring entry named after the project's key id holds another key
    entry = f"{project_id(project_dir)}:{recorded_kid(project_dir)}"
    code = f"import keyring; keyring.set_password('dango', {entry!r}, {OTHER_KEY!r})"
    done = subprocess.run([sys.executable, "-c", code], env=dict(env, **keyring_env(home)),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return {}


@pytest.mark.parametrize("kind", ["env", "keyring-without-the-key", "keyring-entry-holds-another-key"])
def test_every_writing_command_refuses_a_wrong_key_and_changes_nothing(project, cdango, home, tmp_path,
                                                                       env, kind):
    kid = recorded_kid(project)
    expected = cdango(*EXPORT)
    assert expected.code == 0, expected
    wrong = wrong_keyring(kind, project, home, tmp_path, cdango, env)
    before = tree(project, home)
    failures = []
    for what, args, stdin in WRITERS:
        result = cdango(*args, input=stdin, env_extra=wrong)
        errors = [line for line in result.err.splitlines() if line.startswith("error:")]
        err = errors[0] if errors else result.err.strip()
        problems = []
        if result.code != 2:
            problems.append(f"exit {result.code}")
        if len(errors) != 1 or "Traceback" in result.err:
            problems.append("not one sentence")
        if kid not in err:
            problems.append(f"the project's key id {kid} is not named")
        if kind == "env" and kid_of(OTHER_KEY) not in err:
            problems.append(f"the key id {kid_of(OTHER_KEY)} of DANGO_MASTER_KEY is not named")
        if "DANGO_MASTER_KEY" not in err or ("dango secrets key" not in err and kind != "env"):
            problems.append("no fix named")
        if any(c in result.output for c in CANARIES + (CLIENT_SECRET, STRIPE_KEY, PREVIOUS)):
            problems.append("a secret in the output")
        now = tree(project, home)
        if now != before:
            problems.append("; ".join(differences(before, now)))
        if problems:
            failures.append(f"{what}: {', '.join(problems)} | {err[:300]}")
    assert not failures, "\n".join(failures)

    # reading commands that need no key work as before, and change nothing either
    listed = cdango("source", "list", env_extra=wrong)
    assert listed.code == 0 and "pay" in listed.out, listed
    status = cdango("secrets", "status", "--json", env_extra=wrong)
    assert status.code == 1 and '"reachable": false' in status.out, status
    assert_unchanged(before, tree(project, home), "a reading command")
    # and with the right key, nothing was lost
    if kind == "keyring-entry-holds-another-key":
        return  # this machine's keyring has lost the key itself: the export below needs it
    again = cdango(*EXPORT)
    assert again.code == 0 and again.out == expected.out, again


def test_a_secrets_write_with_the_right_key_still_works_after_a_refused_one(project, cdango):
    refused = cdango("secrets", "unset", "pg.password", env_extra={"DANGO_MASTER_KEY": OTHER_KEY})
    assert refused.code == 2, refused
    for args, stdin in [(("secrets", "unset", "pg.password"), None),
                        (("secrets", "set", "pay.stripe_secret_key"), CANARY_STRIPE + "2"),
                        (("source", "remove", "gs", "--yes"), None)]:
        result = cdango(*args, input=stdin)
        assert result.code == 0, result
    exported = cdango(*EXPORT)
    assert f"SOURCES__PAY__STRIPE_SECRET_KEY='{CANARY_STRIPE}2'" in exported.out.splitlines(), exported


def test_encrypt_with_a_wrong_key_in_the_environment_keeps_the_projects_key_id(rich_project, cdango, home):  # noqa: F811
    """The reported bug: `secrets encrypt` rewrote project.yml's key id to the wrong key."""
    right = base64.b64encode(b"r" * 32).decode()
    first = cdango("secrets", "encrypt", "pg", env_extra={"DANGO_MASTER_KEY": right})
    assert first.code == 0, first
    before = tree(rich_project, home)
    result = cdango("secrets", "encrypt", env_extra={"DANGO_MASTER_KEY": OTHER_KEY})
    assert result.code == 2, result
    assert f"key with id {kid_of(OTHER_KEY)}" in result.err and f"key {kid_of(right)}" in result.err, result
    assert "nothing was changed" in result.err, result
    assert_unchanged(before, tree(rich_project, home), "secrets encrypt with a wrong key")
    assert recorded_kid(rich_project) == kid_of(right)
    done = cdango("secrets", "encrypt", env_extra={"DANGO_MASTER_KEY": right})
    assert done.code == 0, done


def test_a_plaintext_project_writes_whatever_key_is_in_the_environment(rich_project, cdango):  # noqa: F811
    """No key id to check against: DANGO_MASTER_KEY only matters once a project is encrypted."""
    result = cdango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE + "3",
                    env_extra={"DANGO_MASTER_KEY": OTHER_KEY})
    assert result.code == 0, result
    assert f'"{CANARY_STRIPE}3"' in (rich_project / ".dlt" / "secrets.toml").read_text()


@pytest.fixture
def auth_env(env, server, kenv):  # noqa: F811 - the OAuth fixtures, with the test keyring
    return dict(env, **server.env(), **kenv, API_TOKEN=API_TOKEN,
                NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")


from tests.oauth.conftest import server, sheet  # noqa: E402,F401 - fixtures


def test_auth_with_a_wrong_key_stores_no_token(dango, auth_env, project_dir, sheet, home):  # noqa: F811
    encrypted = dango("secrets", "encrypt", env_extra=auth_env)
    assert encrypted.code == 0, encrypted
    kid = recorded_kid(project_dir)
    before = tree(project_dir, home)
    # refused before any authorization address is shown: the user never consents for nothing
    result = dango("auth", "sheet", "--no-browser", env_extra={**auth_env, "DANGO_MASTER_KEY": OTHER_KEY})
    assert result.code == 2, result
    assert "http" not in result.out, result
    assert kid in result.err and kid_of(OTHER_KEY) in result.err, result
    assert_unchanged(before, tree(project_dir, home), "auth with a wrong key")
