"""`${VAR}` references and the resolution order (SPEC section 2)."""

from __future__ import annotations

import pytest

from dango.credentials import Resolver
from dango.errors import MalformedFile, UnsetVariable
from dango.project import init_project
from dango.sources import SourcesFile
from dango.store.references import BadReference, escape, interpolate, references


def lookup(values):
    return values.get


def fail(name):
    raise KeyError(name)


@pytest.mark.parametrize("text, env, expected", [
    ("${A}", {"A": "1"}, "1"),
    ("x-${A}-${B}", {"A": "1", "B": "2"}, "x-1-2"),
    ("${A:-fallback}", {}, "fallback"),
    ("${A:-}", {}, ""),
    ("${A:-fallback}", {"A": ""}, ""),
    ("$${A}", {"A": "1"}, "${A}"),
    ("$$${A}", {"A": "1"}, "$${A}"),  # a lone $, then the escape
    ("plain $ text", {}, "plain $ text"),
    ("postgresql://u:${PW}@h/db", {"PW": "s3cr:t"}, "postgresql://u:s3cr:t@h/db"),
])
def test_interpolate(text, env, expected):
    assert interpolate(text, lookup(env), fail) == expected


def test_unset_without_default_is_reported_not_guessed():
    with pytest.raises(KeyError):
        interpolate("${MISSING}", lookup({}), fail)


@pytest.mark.parametrize("text", ["${", "${1A}", "${A", "${A-b}", "pre ${ post"])
def test_stray_dollar_brace_is_an_error(text):
    with pytest.raises(BadReference):
        references(text)


@pytest.mark.parametrize("literal", ["${A}", "a$${b", "x${", "$", "${A:-b}c", "$$"])
def test_escape_round_trips(literal):
    assert interpolate(escape(literal), lookup({"A": "no"}), fail) == literal


@pytest.fixture
def project(tmp_path):
    project = init_project(tmp_path / "p").project
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n")
    return project


def resolved(project, environ):
    return Resolver(project, environ=environ).resolved_config(SourcesFile(project).get("pay"))


def test_environment_wins_over_dotenv(project):
    project.secrets_path.write_text('[sources.pay]\nstripe_secret_key = "${KEY}"\n')
    project.env_path.write_text("KEY=from_dotenv\n")
    assert resolved(project, {})["stripe_secret_key"] == "from_dotenv"
    assert resolved(project, {"KEY": "from_env"})["stripe_secret_key"] == "from_env"


def test_dotenv_interpolation_and_quotes(project):
    project.secrets_path.write_text('[sources.pay]\nstripe_secret_key = "${KEY}"\n')
    project.env_path.write_text('BASE=sk_test\nKEY="${BASE}_x # not a comment"\n')
    assert resolved(project, {})["stripe_secret_key"] == "sk_test_x # not a comment"


def test_dlt_env_override_wins_over_the_file(project):
    project.secrets_path.write_text('[sources.pay]\nstripe_secret_key = "sk_test_file"\n')
    config = resolved(project, {"SOURCES__PAY__STRIPE_SECRET_KEY": "sk_test_env"})
    assert config["stripe_secret_key"] == "sk_test_env"


def test_defaults_and_sources_yml_values(project):
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n    start_date: '2024-01-01'\n")
    config = resolved(project, {})
    assert config["base_url"] == "https://api.stripe.com"
    assert config["start_date"] == "2024-01-01"
    assert "stripe_secret_key" not in config


def test_unset_variable_names_variable_key_and_file_line(project):
    project.secrets_path.write_text('# c\n[sources.pay]\nstripe_secret_key = "${STRIPE_API_KEY}"\n')
    with pytest.raises(UnsetVariable) as err:
        resolved(project, {})
    message = str(err.value)
    assert "STRIPE_API_KEY" in message
    assert "sources.pay.stripe_secret_key" in message
    assert ".dlt/secrets.toml:3" in message
    assert err.value.exit_code == 2


def test_stray_reference_in_the_file_is_a_located_error(project):
    project.secrets_path.write_text('[sources.pay]\nstripe_secret_key = "abc${oops"\n')
    with pytest.raises(MalformedFile) as err:
        resolved(project, {})
    assert ".dlt/secrets.toml:2" in str(err.value) and "$${" in str(err.value)
    assert "abc" not in str(err.value)
