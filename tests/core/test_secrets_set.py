"""`dango secrets set | unset`."""

from __future__ import annotations

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE, DANGO_SECTION, snapshot


@pytest.fixture
def with_sources(dango):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=h",
                 "--set", "database=d", "--set", "username=u").code == 0
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--no-input",
                 "--set", "spreadsheet_url_or_id=abc").code == 0


def secrets_text(project_dir) -> str:
    return (project_dir / ".dlt/secrets.toml").read_text()


def test_set_from_stdin(dango, project_dir, with_sources):
    result = dango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE + "\n")
    assert result.code == 0, result
    assert result.out.strip() == "Stored pay.stripe_secret_key."
    assert f'stripe_secret_key = "{CANARY_STRIPE}"' in secrets_text(project_dir)
    assert CANARY_STRIPE not in result.output


def test_set_keeps_values_with_quotes_hashes_and_dollar_braces_exactly(dango, project_dir, with_sources):
    tricky = 'p"a#s\\s ${NOT_A_REF} ünï'
    assert dango("secrets", "set", "db.password", input=tricky).code == 0
    from dango.credentials import Resolver
    from dango.project import load_project
    from dango.sources import SourcesFile

    project = load_project(project_dir)
    source = SourcesFile(project).get("db")
    assert Resolver(project, environ={}).resolved_config(source)["password"] == tricky


def test_set_a_reference(dango, project_dir, with_sources):
    result = dango("secrets", "set", "db.password", "--ref", "PG_PASSWORD")
    assert result.code == 0, result
    assert 'password = "${PG_PASSWORD}"' in secrets_text(project_dir)


def test_set_nested_oauth_key(dango, project_dir, with_sources):
    assert dango("secrets", "set", "sheet.credentials.client_secret", input="GOCSPX-abc").code == 0
    assert '[sources.sheet.credentials]\nclient_secret = "GOCSPX-abc"' in secrets_text(project_dir)


def test_set_through_an_alias_writes_the_key_in_use(dango, project_dir, with_sources):
    (project_dir / ".dlt/secrets.toml").write_text('[sources.pay]\napi_key = "sk_test_old"\n' + DANGO_SECTION)
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_new").code == 0
    assert secrets_text(project_dir) == '[sources.pay]\napi_key = "sk_test_new"\n' + DANGO_SECTION


def test_set_preserves_comments_and_layout(dango, project_dir, with_sources):
    original = ("# header comment\n\n[sources.pay]  # the shop\n"
                "stripe_secret_key = \"sk_test_old\"   # rotated in May\n\n"
                "[sources.db]\nhost = 'h'\n" + DANGO_SECTION)
    (project_dir / ".dlt/secrets.toml").write_text(original)
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_new").code == 0
    assert secrets_text(project_dir) == original.replace("sk_test_old", "sk_test_new")


def test_unset(dango, project_dir, with_sources):
    dango("secrets", "set", "db.password", input=CANARY_PASSWORD)
    result = dango("secrets", "unset", "db.password")
    assert result.code == 0 and result.out.strip() == "Removed db.password."
    assert "password" not in secrets_text(project_dir)
    again = dango("secrets", "unset", "db.password")
    assert again.code == 0 and "was not set; nothing changed" in again.err


@pytest.mark.parametrize("args, message", [
    (["secrets", "set", "ghost.api_key"], "No source named 'ghost'"),
    (["secrets", "set", "pay.colour"], "A stripe source has no field 'colour'"),
    (["secrets", "set", "pay"], "Expected NAME.FIELD"),
    (["secrets", "set", "sheet.spreadsheet_url_or_id"], "is not a secret; it lives in .dango/sources.yml"),
    (["secrets", "set", "pay.stripe_secret_key", "--ref", "bad-name"], "environment variable name given is not valid"),
    (["secrets", "set", "pay.stripe_secret_key", "--ref", CANARY_STRIPE], "looks like a credential, not a variable's name"),
    (["secrets", "set", "db.port"], "port must be a whole number"),
    (["secrets", "unset", "pay.nothing"], "A stripe source has no field 'nothing'"),
])
def test_bad_input_changes_nothing(dango, project_dir, with_sources, args, message):
    before = snapshot(project_dir)
    result = dango(*args, input="not-a-number")
    assert result.code == 2, result
    assert message in result.err
    assert CANARY_STRIPE[len("sk_live_"):] not in result.output
    assert snapshot(project_dir) == before


def test_empty_stdin_is_refused(dango, project_dir, with_sources):
    before = snapshot(project_dir)
    result = dango("secrets", "set", "pay.stripe_secret_key", input="")
    assert result.code == 2 and "standard input was empty" in result.err
    assert snapshot(project_dir) == before


@pytest.mark.parametrize("target, piped, stored, edge", [
    ("pay.stripe_secret_key", CANARY_STRIPE + " \r\n", CANARY_STRIPE + " ", "ends with a space"),  # Windows echo
    ("db.password", "\t" + CANARY_PASSWORD, "\\t" + CANARY_PASSWORD, "starts with a tab"),
])
def test_a_value_with_space_at_an_end_is_kept_and_warned_about(dango, project_dir, with_sources,
                                                              target, piped, stored, edge):
    field = target.split(".")[1]
    result = dango("secrets", "set", target, input=piped)
    assert result.code == 0, result
    assert f'{field} = "{stored}"\n' in secrets_text(project_dir)  # byte for byte
    assert result.err == (f"warning: {field}: the value given {edge}; it is stored as given, "
                          "so if that is not part of it, store it again without.\n")
    assert piped.strip() not in result.output
    plain = dango("secrets", "set", target, input=piped.strip() + "\r\n")
    assert plain.code == 0 and plain.err == "", plain


@pytest.mark.parametrize("value, warning", [
    ("pw5ch", "shorter than 8 characters, so Dango masks it only where it stands as a whole word, and "
              "then also where that word is part of its own output; use a credential of 8 characters or more."),
    ("pw3", "shorter than 4 characters, too short for Dango to mask in what it prints; use a credential "
            "of 8 characters or more."),
])
def test_a_short_secret_is_stored_with_a_warning_about_masking(dango, project_dir, with_sources, value, warning):
    result = dango("secrets", "set", "db.password", input=value)
    assert result.code == 0, result
    assert f'password = "{value}"\n' in secrets_text(project_dir)
    assert result.err == f"warning: password: the value given is {warning}\n"
    long_enough = dango("secrets", "set", "db.password", input="pw8chars")
    assert long_enough.code == 0 and long_enough.err == "", long_enough


@pytest.mark.parametrize("char", ["\u200b", "\u00a0", "\ufeff"])
def test_an_invisible_character_from_a_copy_is_kept_and_warned_about(dango, project_dir, with_sources, char):
    value = CANARY_PASSWORD[:6] + char + CANARY_PASSWORD[6:]
    result = dango("secrets", "set", "db.password", input=value)
    assert result.code == 0, result
    assert f'password = "{value}"\n' in secrets_text(project_dir)  # byte for byte
    assert result.err == (f"warning: password: the value given holds an invisible character "
                          f"(U+{ord(char):04X}) at position 7; it is stored as given, so if it came with a "
                          "copy, store the value again without it.\n")
    assert CANARY_PASSWORD[:8] not in result.output


EXPANDED_KEY = "sk_live_51HexpandedByTheShell0123456789"  # dango:allow
PASTED_KEY = "aB3dE5gH7jK9mN1pQ3sT5vW7xY"  # dango:allow


REF_VALUE_CASES = [
    # `--ref stripe_secret_key=$STRIPE_API_KEY`: the shell put the key where its name belongs
    (["source", "add", "stripe", "--name", "pay2", "--no-input", "--ref", f"stripe_secret_key={EXPANDED_KEY}"],
     "is the value of $STRIPE_API_KEY, not a name (the shell expanded $STRIPE_API_KEY); "
     "give the name: --ref FIELD=STRIPE_API_KEY."),
    (["secrets", "set", "pay.stripe_secret_key", "--ref", EXPANDED_KEY], "is the value of $STRIPE_API_KEY"),
    (["secrets", "rotate", "pay.stripe_secret_key", "--ref", EXPANDED_KEY], "is the value of $STRIPE_API_KEY"),
    (["secrets", "set", "pay.stripe_secret_key", "--ref", PASTED_KEY], "looks like a credential"),
    # the variable is only in .env, so the shell expanded it to nothing
    (["source", "add", "stripe", "--name", "pay2", "--no-input", "--ref", "stripe_secret_key="],
     "none was given: did the shell expand a $VARIABLE to nothing?"),
    (["secrets", "set", "pay.stripe_secret_key", "--ref", "$STRIPE_API_KEY"],
     "starts with $; give the name alone, without $ or braces (--ref FIELD=STRIPE_API_KEY)."),
    # and what an OAuth table cannot hold (a pasted JSON key file, a typo in a token's key)
    (["secrets", "set", "sheet.credentials"], "sheet.credentials is the table of OAuth tokens that `dango auth "
     "sheet` writes, not one value (a service account's JSON key is not supported)"),
    (["secrets", "set", "sheet.credentials.refesh_token"], "An OAuth credentials table has no key "
     "'refesh_token'; its keys are: access_token, account, client_id, client_secret, created_at, expires_at, "
     "expiry, granted_scopes, project_id, refresh_token, revoked, scopes, token, token_type, token_uri. "
     "Did you mean 'refresh_token'? Nothing was changed."),
]


def test_values_where_they_cannot_go_are_refused_and_never_stored(dango, project_dir, with_sources):
    before = snapshot(project_dir)
    for args, message in REF_VALUE_CASES:  # one project for all: each case changes nothing
        result = dango(*args, input="piped-value-0123456789", env_extra={"STRIPE_API_KEY": EXPANDED_KEY})
        assert result.code == 2, result
        assert message in result.err and "Nothing was changed." in result.err, result
        assert EXPANDED_KEY[8:16] not in result.output and PASTED_KEY[:8] not in result.output
        assert snapshot(project_dir) == before
    # a variable whose value happens to be another variable's name is still a name
    result = dango("secrets", "set", "db.password", "--ref", "PG_PASSWORD",
                   env_extra={"PG_PASSWORD": "x", "WHICH": "PG_PASSWORD"})
    assert result.code == 0, result
    assert 'password = "${PG_PASSWORD}"' in secrets_text(project_dir)
