"""`dango config show`: masking exactly as SPEC section 3."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE

STARS = "*" * 15


@pytest.fixture
def configured(dango, project_dir):
    dango("source", "add", "stripe", "--name", "stripe_payments", "--no-input")
    dango("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=db.internal",
          "--set", "database=analytics", "--set", "username=loader")
    dango("source", "add", "rest_api", "--name", "api", "--no-input", "--set", "base_url=https://x.test",
          "--ref", "api_key=PROD_API_KEY")
    dango("secrets", "set", "stripe_payments.stripe_secret_key", input=CANARY_STRIPE)
    dango("secrets", "set", "db.password", input=CANARY_PASSWORD)
    return dango


def fields(data, source):
    entry = next(s for s in data["sources"] if s["name"] == source)
    return {f["field"]: f for f in entry["fields"]}


def test_masking_keeps_only_the_public_prefix_and_fifteen_stars(configured):
    data = json.loads(configured("config", "show", "--json").out)
    pay = fields(data, "stripe_payments")
    assert pay["stripe_secret_key"]["value"] == "sk_live_" + STARS
    assert pay["base_url"]["value"] == "https://api.stripe.com" and pay["base_url"]["origin"] == "default"
    db = fields(data, "db")
    assert db["password"]["value"] == STARS
    assert db["host"]["value"] == "db.internal" and db["username"]["value"] == "loader"
    assert db["port"]["value"] == 5432


def test_references_show_as_written_with_whether_they_are_set(configured):
    unset = fields(json.loads(configured("config", "show", "--json").out), "api")["api_key"]
    assert unset["value"] == "${PROD_API_KEY}"
    assert unset["references"] == [{"variable": "PROD_API_KEY", "set": False, "default": False}]
    is_set = configured("config", "show", "--json", env_extra={"PROD_API_KEY": "k"})
    assert fields(json.loads(is_set.out), "api")["api_key"]["references"][0]["set"] is True
    text = configured("config", "show", "--source", "api").out
    assert "${PROD_API_KEY} (PROD_API_KEY NOT SET)" in text


def test_a_reference_whose_default_is_used_is_not_shown_as_set(configured, project_dir):
    """`${VAR:-default}` with VAR unset uses the default: saying 'VAR set' hid that the value
    in use is the one typed into the file, not the variable the user thinks they exported."""
    path = project_dir / ".dlt" / "secrets.toml"
    path.write_text(path.read_text().replace('"${PROD_API_KEY}"', '"${PROD_API_KEY:-fallback-key-0123456789}"'))  # dango:allow
    text = configured("config", "show", "--source", "api").out
    assert "(PROD_API_KEY not set: default used)" in text, text
    unset = fields(json.loads(configured("config", "show", "--json").out), "api")["api_key"]
    assert unset["references"] == [{"variable": "PROD_API_KEY", "set": False, "default": True}]
    is_set = configured("config", "show", "--source", "api", env_extra={"PROD_API_KEY": "k"}).out
    assert "(PROD_API_KEY set)" in is_set, is_set


def test_text_output_is_plain_whole_lines(configured):
    result = configured("config", "show")
    assert result.code == 0
    assert "stripe_payments (stripe)" in result.out
    line = next(l for l in result.out.splitlines() if l.startswith("stripe_secret_key"))
    assert line.split() == ["stripe_secret_key", "sk_live_" + STARS, "secrets"]
    assert CANARY_STRIPE not in result.output and CANARY_PASSWORD not in result.output


def test_dotenv_makes_a_reference_set(configured, project_dir):
    (project_dir / ".env").write_text("PROD_API_KEY=abc\n")
    data = json.loads(configured("config", "show", "--json", "--source", "api").out)
    assert data["sources"][0]["fields"][2]["references"] == [{"variable": "PROD_API_KEY", "set": True, "default": False}]


def test_dlt_env_override_is_masked_and_named(configured):
    result = configured("config", "show", "--json", "--source", "stripe_payments",
                        env_extra={"SOURCES__STRIPE_PAYMENTS__STRIPE_SECRET_KEY": "sk_test_fromenv"})
    key = fields(json.loads(result.out), "stripe_payments")["stripe_secret_key"]
    assert key["value"] == "sk_test_" + STARS and key["origin"] == "env"
    assert "SOURCES__STRIPE_PAYMENTS__STRIPE_SECRET_KEY" in key["note"]
    assert "fromenv" not in result.output


def test_oauth_tokens_are_masked_but_scopes_are_not(dango, project_dir):
    dango("source", "add", "google_sheets", "--name", "sheet", "--no-input", "--set", "spreadsheet_url_or_id=x")
    with open(project_dir / ".dlt/secrets.toml", "a") as handle:
        handle.write('\n[sources.sheet.credentials]\nclient_id = "123.apps.googleusercontent.com"\n'
                     'client_secret = "GOCSPX-abcdef"\nrefresh_token = "1//0gabc"\n'
                     'scopes = ["https://www.googleapis.com/auth/spreadsheets.readonly"]\n')
    data = json.loads(dango("config", "show", "--json").out)
    creds = fields(data, "sheet")["credentials"]["value"]
    assert creds["client_secret"] == "GOCSPX-" + STARS
    assert creds["refresh_token"] == "1//" + STARS
    assert creds["scopes"] == ["https://www.googleapis.com/auth/spreadsheets.readonly"]


def test_unknown_source(dango, project_dir):
    result = dango("config", "show", "--source", "nope")
    assert result.code == 2 and "No source named 'nope'" in result.err


def test_oauth_credentials_show_as_rows_and_set_fields_are_never_not_set(dango, project_dir):
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--set", "spreadsheet_url_or_id=abc",
                 "--no-input").code == 0
    with (project_dir / ".dlt" / "secrets.toml").open("a") as handle:
        handle.write('[sources.sheet.credentials]\nclient_id = "1234-abc.apps.googleusercontent.com"\n'
                     'client_secret = "GOCSPX-s3cr3tValueForShowTest"\nrefresh_token = "1//0refreshValue42424242"\n'  # dango:allow (a test fake)
                     'expiry = "2026-12-01T00:00:00+00:00"\naccount = "me@example.com"\n'
                     'scopes = ["https://www.googleapis.com/auth/spreadsheets.readonly"]\n')
    out = dango("config", "show").out
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith("credentials.")}
    assert rows == {"credentials.client_id": "1234-abc.apps.googleusercontent.com",
                    "credentials.client_secret": "GOCSPX-***************",
                    "credentials.refresh_token": "1//***************",
                    "credentials.expiry": "2026-12-01T00:00:00+00:00",
                    "credentials.account": "me@example.com",
                    "credentials.scopes": "https://www.googleapis.com/auth/spreadsheets.readonly"}
    assert "(not set)" not in out and "missing" not in out
    assert max(len(line) for line in out.splitlines()) < 120


def test_optional_fields_that_are_not_set_are_optional_not_missing(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    out = dango("config", "show").out
    assert "start_date" not in out  # optional and not set: left out
    assert "stripe_secret_key  (not set)" in out and "missing" in out  # required: missing
    every = dango("config", "show", "--all").out
    assert "start_date" in every and "(optional, not set)" in every


def test_columns_are_laid_out_after_masking_so_padding_gives_no_length_away(dango):
    """A 5-character password that is also the database name: both cells are masked, and the
    next column starts where it would after any 15-star mask."""
    assert dango("source", "add", "postgres", "--name", "pg", "--set", "host=db", "--set", "database=Cx7Q9",
                 "--set", "username=postgres", "--no-input").code == 0
    assert dango("secrets", "set", "pg.password", input="Cx7Q9").code == 0  # dango:allow
    shown = dango("config", "show", "--source", "pg")
    assert shown.code == 0, shown
    assert "database  ***************  secrets" in shown.out, shown.out
    assert "password  ***************  secrets" in shown.out, shown.out
