"""`dango source add | list | remove`."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CANARY_STRIPE, snapshot


def test_add_stripe_writes_secret_and_source(dango, project_dir):
    result = dango("source", "add", "stripe", "--name", "stripe_payments", "--no-input",
                   "--set", f"stripe_secret_key={CANARY_STRIPE}")
    assert result.code == 0, result
    assert "Added source stripe_payments (stripe)." in result.out
    assert "shell history" in result.err  # a secret on the command line is warned about
    secrets = (project_dir / ".dlt/secrets.toml").read_text()
    assert f'[sources.stripe_payments]\nstripe_secret_key = "{CANARY_STRIPE}"' in secrets
    sources = (project_dir / ".dango/sources.yml").read_text()
    assert "name: stripe_payments" in sources and "type: stripe" in sources
    assert CANARY_STRIPE not in sources
    example = (project_dir / ".dlt/secrets.toml.example").read_text()
    assert "[sources.stripe_payments]" in example and CANARY_STRIPE not in example


def test_add_with_ref_stores_the_reference(dango, project_dir):
    result = dango("source", "add", "stripe", "--name", "stripe_payments", "--no-input",
                   "--ref", "stripe_secret_key=STRIPE_API_KEY")
    assert result.code == 0, result
    assert 'stripe_secret_key = "${STRIPE_API_KEY}"' in (project_dir / ".dlt/secrets.toml").read_text()
    assert "warning" not in result.err


def test_no_input_leaves_a_missing_secret_unset_and_says_how_to_set_it(dango, project_dir):
    result = dango("source", "add", "stripe", "--name", "pay", "--no-input")
    assert result.code == 0, result
    assert "stripe_secret_key is not set; store it with: dango secrets set pay.stripe_secret_key" in result.err
    validate = dango("validate")
    assert validate.code == 1
    assert "pay: required field stripe_secret_key is not set" in validate.out


def test_non_secret_fields_go_to_sources_yml(dango, project_dir):
    result = dango("source", "add", "csv", "--name", "orders", "--no-input",
                   "--set", "file_path=data/orders.csv", "--set", "delimiter=;", "--set", "header=false")
    assert result.code == 0, result
    sources = (project_dir / ".dango/sources.yml").read_text()
    assert "file_path: data/orders.csv" in sources
    assert "delimiter: ;" in sources and "header: false" in sources
    assert "orders" not in (project_dir / ".dlt/secrets.toml").read_text()


def test_database_connection_fields_go_to_secrets(dango, project_dir):
    result = dango("source", "add", "postgres", "--name", "warehouse", "--no-input",
                   "--set", "host=db.internal", "--set", "port=6543", "--set", "database=analytics",
                   "--set", "username=loader", "--ref", "password=PG_PASSWORD", "--set", "schema=public")
    assert result.code == 0, result
    secrets = (project_dir / ".dlt/secrets.toml").read_text()
    assert 'host = "db.internal"' in secrets and "port = 6543" in secrets
    assert 'password = "${PG_PASSWORD}"' in secrets
    assert "schema: public" in (project_dir / ".dango/sources.yml").read_text()


def test_postgres_needs_its_connection_or_a_url(dango, project_dir):
    before = snapshot(project_dir)
    result = dango("source", "add", "postgres", "--name", "db", "--no-input")
    assert result.code == 2
    assert "missing: host, database, username" in result.err
    assert snapshot(project_dir) == before
    ok = dango("source", "add", "postgres", "--name", "db", "--no-input",
               "--ref", "credentials=DATABASE_URL")
    assert ok.code == 0, ok
    assert "not set" not in ok.err  # the URL alternative needs no password


def test_stripe_key_format_is_checked_with_a_warning(dango):
    result = dango("source", "add", "stripe", "--name", "pay", "--no-input",
                   "--set", "stripe_secret_key=pk_live_publishable")
    assert result.code == 0
    assert "does not look like a Stripe secret key" in result.err
    assert "pk_live_publishable" not in result.output


def test_alias_api_key_is_accepted_for_stripe(dango, project_dir):
    result = dango("source", "add", "stripe", "--name", "pay", "--no-input", "--set", "api_key=sk_test_1")
    assert result.code == 0, result
    assert 'stripe_secret_key = "sk_test_1"' in (project_dir / ".dlt/secrets.toml").read_text()


@pytest.mark.parametrize("args, message", [
    (["source", "add", "salesforce", "--name", "crm"], "Unknown source type 'salesforce'"),
    (["source", "add", "stripe", "--name", "pay", "--set", "colour=blue"], "A stripe source has no field 'colour'"),
    (["source", "add", "stripe", "--name", "Pay-Ments"], "'Pay-Ments' cannot be a source name"),
    (["source", "add", "stripe", "--name", "status"], "`dango auth` uses that word"),
    (["source", "add", "csv", "--name", "c", "--set", "header=maybe"], "header must be true or false"),
    (["source", "add", "postgres", "--name", "p", "--set", "port=abc"], "port must be a whole number"),
    (["source", "add", "stripe", "--name", "p", "--ref", "stripe_secret_key=1BAD"], "environment variable name given is not valid"),
    # --ref given the key itself instead of a variable's name: stored as ${sk_live_...}, it
    # showed in every output and went into the committed example
    (["source", "add", "stripe", "--name", "p", "--ref", f"stripe_secret_key={CANARY_STRIPE}"],
     "looks like a credential, not a variable's name"),
    (["source", "add", "csv", "--name", "c", "--ref", "file_path=X"], "--ref works for fields kept in .dlt/secrets.toml"),
    (["source", "add", "google_sheets", "--name", "g", "--set", "credentials=x"], "written by `dango auth`"),
    (["source", "add", "stripe", "--name", "p", "--set", "novalue"], "--set expects FIELD=VALUE"),
    (["source", "add", "csv", "--name", "c", "--set", "file_path="], "--set file_path= gives no value; give one"),
    (["source", "add", "postgres", "--name", "p", "--set", "host=h", "--set", "database=d", "--set", "username=u",
      "--set", "password="], "--set password= gives no value"),
])
def test_bad_input_is_one_sentence_exit_2_and_changes_nothing(dango, project_dir, args, message):
    before = snapshot(project_dir)
    result = dango(*args, "--no-input")
    assert result.code == 2, result
    assert message in result.err
    assert result.err.startswith("error: ") and "Traceback" not in result.err
    assert CANARY_STRIPE[len("sk_live_"):] not in result.output
    assert snapshot(project_dir) == before


def test_duplicate_name_is_refused(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    before = snapshot(project_dir)
    result = dango("source", "add", "csv", "--name", "pay", "--no-input", "--set", "file_path=x.csv")
    assert result.code == 2
    assert "A source named 'pay' already exists" in result.err
    assert snapshot(project_dir) == before


def test_an_existing_secrets_section_is_reused(dango, project_dir):
    (project_dir / ".dlt/secrets.toml").write_text('[sources.pay]\nstripe_secret_key = "sk_test_9"\n')
    result = dango("source", "add", "stripe", "--name", "pay", "--no-input")
    assert result.code == 0, result
    assert "not set" not in result.err
    assert 'stripe_secret_key = "sk_test_9"' in (project_dir / ".dlt/secrets.toml").read_text()


def test_list_json_and_text(dango):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    dango("source", "add", "csv", "--name", "orders", "--no-input", "--set", "file_path=o.csv")
    data = json.loads(dango("source", "list", "--json").out)
    assert [(s["name"], s["type"], s["enabled"]) for s in data["sources"]] == [
        ("pay", "stripe", True), ("orders", "csv", True)]
    assert data["sources"][1]["options"] == {"file_path": "o.csv"}
    text = dango("source", "list").out.splitlines()
    assert text[0].split() == ["NAME", "TYPE", "ENABLED"]
    assert text[1].split() == ["pay", "stripe", "yes"]


def test_list_on_an_empty_project(dango):
    assert "No sources yet" in dango("source", "list").out
    assert json.loads(dango("source", "list", "--json").out) == {"sources": []}


SECRETS_WITH_COMMENTS = """\
# Team secrets - do not commit
# (rotated quarterly)

# Stripe API
[sources.pay]
stripe_secret_key = "sk_test_a"  # live key in prod

# The warehouse
[sources.db]
host = "localhost"   # keep
database = "x"
username = "u"
password = "p"

[sources.db_two]
host = "h"
database = "x"
username = "u"

[sources.db_two.credentials]
client_id = "x"

# Destination
[destination.postgres.credentials]
host = "localhost"

[dango]
fingerprint_key = "dGVzdC1maW5nZXJwcmludC1rZXktMzItYnl0ZXMhIQ=="
"""


def test_remove_deletes_exactly_that_source_and_keeps_every_other_comment(dango, project_dir):
    (project_dir / ".dlt/secrets.toml").write_text(SECRETS_WITH_COMMENTS)
    for name, type_ in (("pay", "stripe"), ("db", "postgres"), ("db_two", "postgres")):
        assert dango("source", "add", type_, "--name", name, "--no-input").code == 0
    result = dango("source", "remove", "db_two", "--yes")
    assert result.code == 0, result
    assert "Removed source db_two and its credentials." in result.out
    expected = SECRETS_WITH_COMMENTS.replace(
        '[sources.db_two]\nhost = "h"\ndatabase = "x"\nusername = "u"\n\n'
        '[sources.db_two.credentials]\nclient_id = "x"\n\n', "")
    assert (project_dir / ".dlt/secrets.toml").read_text() == expected
    result = dango("source", "remove", "db", "--yes")
    text = (project_dir / ".dlt/secrets.toml").read_text()
    assert "# The warehouse" not in text and "[sources.db]" not in text
    assert "# Stripe API\n[sources.pay]" in text and "# Destination\n[destination" in text
    assert "# live key in prod" in text
    names = [s["name"] for s in json.loads(dango("source", "list", "--json").out)["sources"]]
    assert names == ["pay"]


def test_remove_needs_yes_when_it_cannot_ask(dango, project_dir):
    dango("source", "add", "stripe", "--name", "pay", "--no-input")
    before = snapshot(project_dir)
    result = dango("source", "remove", "pay")
    assert result.code == 2
    assert "--yes" in result.err
    assert snapshot(project_dir) == before


def test_remove_an_unknown_source(dango, project_dir):
    before = snapshot(project_dir)
    result = dango("source", "remove", "ghost", "--yes")
    assert result.code == 2
    assert "No source named 'ghost'" in result.err
    assert snapshot(project_dir) == before


def test_comments_in_sources_yml_survive_edits(dango, project_dir):
    path = project_dir / ".dango/sources.yml"
    path.write_text("# our sources\nsources:\n  # the shop\n  - name: shop\n    type: csv\n"
                    "    file_path: shop.csv  # nightly export\n")
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    assert dango("source", "remove", "pay", "--yes").code == 0
    text = path.read_text()
    assert "# our sources" in text and "# the shop" in text and "# nightly export" in text
