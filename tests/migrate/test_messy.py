"""Hand-edited upstream sources.yml: read the way upstream read it (PyYAML's `no`/`off`,
pydantic's "false", names lowercased), and what upstream itself refused is one sentence
naming the line, with nothing written."""

from __future__ import annotations

import pytest

from dango import migrate
from dango.errors import DangoError, MalformedFile
from dango.sources import SourcesFile
from dango.project import Project
from tests.conftest import changes_between, run_dango, tree_state
from tests.migrate.helpers import upstream_project


def _add(root, text: str) -> None:
    with open(root / ".dango/sources.yml", "a", encoding="utf-8") as handle:
        handle.write(text)


def _local(name: str, extra: str = "") -> str:
    return f"- name: {name}\n  type: local_files\n{extra}  local_files:\n    directory: data/uploads\n"


@pytest.mark.parametrize("written", ["off", "'False'"])
def test_a_source_upstream_disabled_stays_disabled(tmp_path, written):
    root = upstream_project(tmp_path)
    _add(root, _local("paused", f"  enabled: {written}\n"))
    migrate.apply(root)
    paused = next(s for s in SourcesFile(Project(root=root)).sources if s.name == "paused")
    assert paused.enabled is False


def test_a_mixed_case_name_is_lowercased_as_upstream_did(tmp_path):
    root = upstream_project(tmp_path)
    _add(root, _local("Inbox_Files"))
    migrate.apply(root)
    assert "inbox_files" in SourcesFile(Project(root=root)).names()


@pytest.mark.parametrize("extra, problem", [
    (_local("shop_db"), "source name 'shop_db' is used twice"),
    (_local("Orders"), "source name 'orders' is used twice"),
    (_local("extra", "  enabled: maybe\n"), "enabled of 'extra' must be true or false"),
    (_local("extra", "  tags: finance\n"), "tags of 'extra' must be a list of words"),
    (_local("extra", "  description: 12\n"), "description of 'extra' must be text"),
    ("- type: local_files\n", "source 7 has no name"),
    ("- just a line\n", "each source must be a mapping with name and type"),
])
def test_what_upstream_refused_is_one_sentence_and_nothing_written(tmp_path, env, extra, problem):
    root = upstream_project(tmp_path)
    _add(root, extra)
    before = tree_state(root)
    with pytest.raises(MalformedFile) as raised:
        migrate.pending(root)
    assert str(raised.value).startswith(f"{root / '.dango/sources.yml'}:"), raised.value
    assert f": {problem}" in str(raised.value)
    assert "nothing was written" in str(raised.value)
    if problem.endswith("'shop_db' is used twice"):  # the command, end to end
        result = run_dango("migrate", "--yes", cwd=root, env=env)
        assert result.code == 2 and problem in result.err and result.out == "", result
    assert changes_between(before, tree_state(root)) == []


def test_move_secrets_keeps_a_variable_another_value_refers_to(tmp_path, env):
    """`.env` values may refer to each other (`STRIPE_API_KEY=${STRIPE_BASE}`): a variable
    still referred to stays in .env, the plan shows the reference unmasked, and validate is
    clean afterwards."""
    from dango.project import load_project
    from dango.validate import validate
    from tests.migrate.helpers import STRIPE_KEY

    root = upstream_project(tmp_path)
    dotenv = root / ".env"
    dotenv.write_text(dotenv.read_text().replace(
        f"STRIPE_API_KEY={STRIPE_KEY}", f"STRIPE_BASE={STRIPE_KEY}\nSTRIPE_API_KEY=${{STRIPE_BASE}}"))
    _add(root, "- name: pay2\n  type: stripe\n  stripe:\n    stripe_secret_key_env: STRIPE_BASE\n")
    shown = run_dango("migrate", "--dry-run", "--move-secrets", cwd=root, env=env)
    assert shown.code == 0, shown
    assert "stripe_secret_key = ${STRIPE_BASE} (moved from .env STRIPE_API_KEY)" in shown.out
    assert ".env: STRIPE_BASE stays (a value moved to .dlt/secrets.toml refers to it)" in shown.out
    assert "[sources.pay2] stripe_secret_key = sk_test_*" in shown.out  # the secret is masked
    assert STRIPE_KEY not in shown.out + shown.err
    assert shown.out.count("*" * 15) == 5, shown.out  # shop_db, pay2 and three tokens; no name
    migrate.apply(root, move_secrets=True)
    assert f"STRIPE_BASE={STRIPE_KEY}\n" in dotenv.read_text()
    assert "STRIPE_API_KEY=" not in dotenv.read_text()
    problems = [p.message for p in validate(load_project(root)).problems if "STRIPE" in p.message]
    assert problems == []


@pytest.mark.parametrize("limit", ["fifty", "2.5", "[1]"])
def test_a_paginator_limit_that_is_no_number_is_one_sentence(tmp_path, env, limit):
    root = upstream_project(tmp_path, "rest")
    sources = root / ".dango/sources.yml"
    sources.write_text(sources.read_text().replace(
        "data_selector: data", f"data_selector: data\n      paginator: {{type: offset, limit: {limit}}}", 1))
    before = tree_state(root)
    result = run_dango("migrate", "--dry-run", cwd=root, env=env) if limit == "fifty" else None
    if result is not None:
        assert result.code == 2 and result.out == "", result
        assert "unexpected" not in result.err and result.err.count("\n") == 1, result
        assert ("error: .dango/sources.yml, source 'keyed', endpoint 2: the paginator's limit must "
                "be a whole number (upstream could not use it either); fix it and run `dango "
                "migrate` again (nothing was written).") in result.err, result
    with pytest.raises(DangoError, match="paginator's limit must be a whole number"):
        migrate.pending(root)
    assert changes_between(before, tree_state(root)) == []


def test_the_plan_masks_secrets_but_not_words_a_username_shares(tmp_path, env):
    """A basic-auth username or an OAuth client id is no secret: registering it hid every
    word sharing 8 characters with it ('upstream-loader' masked 'upstream' in the plan)."""
    from tools.make_upstream_fixtures import REST_STATIC_HEADER, REST_VALUES

    root = upstream_project(tmp_path, "rest")
    result = run_dango("migrate", "--dry-run", cwd=root, env=env)
    assert result.code == 0, result
    assert "(from upstream's sources.yml)" in result.out and "under upstream" in result.out
    assert "files written" not in result.out  # a dry run writes none
    assert "files the migration changes: .dango/project.yml, .dango/sources.yml" in result.out
    assert f"X-Static = {'*' * 15}" in result.out
    for value in (*REST_VALUES.values(), REST_STATIC_HEADER):
        assert value not in result.out + result.err


@pytest.mark.parametrize("rel, text, problem", [
    (".dlt/secrets.toml", 'sources = "x"\n', "[sources] must be a table"),
    (".dlt/secrets.toml", "[[sources]]\na = 1\n", "[sources] must be a table"),
    (".dlt/secrets.toml", "dango = 5\n", "[dango] must be a table"),
    (".dlt/secrets.toml", '[dango]\noauth = "x"\n', "[dango.oauth] must be a table"),
    (".dlt/secrets.toml", '[dango.oauth]\ngoogle_sheets = "x"\n', "[dango.oauth.google_sheets] must be a table"),
    (".dlt/secrets.toml", '[dango.oauth.x]\nmetadata = "x"\n', "[dango.oauth.x.metadata] must be a table"),
    (".dango/project.yml", "project: {name: x}\nplatform: here\n", "platform: must be a mapping"),
])
def test_a_table_of_another_shape_is_one_sentence_and_nothing_written(tmp_path, env, rel, text, problem):
    root = upstream_project(tmp_path)
    (root / rel).write_text(text)
    before = tree_state(root)
    with pytest.raises(MalformedFile) as raised:
        migrate.pending(root)
    assert str(raised.value).startswith(f"{root / rel}: {problem}; "), raised.value
    if problem.startswith("[dango]"):
        result = run_dango("migrate", "--yes", cwd=root, env=env)
        assert result.code == 2 and "unexpected" not in result.err and problem in result.err, result
    assert changes_between(before, tree_state(root)) == []


@pytest.mark.parametrize("rel", [".dango/sources.yml", ".dango/project.yml"])
@pytest.mark.parametrize("encoding, problem", [("cp1252", "is not UTF-8 text"), ("utf-16", "is UTF-16 text")])
def test_a_settings_file_saved_in_another_encoding_is_one_sentence(tmp_path, env, rel, encoding, problem):
    """Notepad's "ANSI" (cp1252) or "Unicode" (UTF-16) save of an upstream YAML file."""
    root = upstream_project(tmp_path)
    path = root / rel
    path.write_bytes((path.read_text() + "# Café\n").encode(encoding))
    before = tree_state(root)
    with pytest.raises(MalformedFile) as raised:
        migrate.pending(root)
    assert str(raised.value).startswith(f"{path}:"), raised.value
    assert f": {problem}; save it as UTF-8" in str(raised.value)
    assert str(raised.value).endswith("run `dango migrate` again (nothing was written).")
    if rel == ".dango/sources.yml" and encoding == "cp1252":
        result = run_dango("migrate", "--dry-run", cwd=root, env=env)
        assert result.code == 2 and "unexpected" not in result.err and problem in result.err, result
    assert changes_between(before, tree_state(root)) == []


def test_two_sources_of_one_oauth_type_each_keep_their_own_account(tmp_path):
    """Upstream's facebook_ads token table holds the account_id of the grant; upstream used
    it only for a source that named none. A second source with its own account keeps it
    (the table's copy in secrets.toml would win over sources.yml and load the other account)."""
    from dango.credentials import Resolver
    from dango.project import load_project
    from dango.sources import load_sources

    root = upstream_project(tmp_path)
    _add(root, "- name: ads_eu\n  type: facebook_ads\n  facebook_ads:\n    account_id: act_999999999\n"
               "- name: ads_any\n  type: facebook_ads\n")
    migrate.apply(root)
    project = load_project(root)
    resolver = Resolver(project, environ={})
    accounts = {s.name: resolver.resolved_config(s).get("account_id")
                for s in load_sources(project) if s.type == "facebook_ads"}
    assert accounts == {"ads": "act_123456789", "ads_eu": "act_999999999", "ads_any": "act_123456789"}
    assert all(resolver.resolved_config(s).get("access_token")
               for s in load_sources(project) if s.type == "facebook_ads")


def test_other_dango_keys_of_upstreams_secrets_are_kept(tmp_path, env):
    """Keys under [dango] beside upstream's oauth records (a hand-added one, a tool's) were
    dropped: no value of upstream's secrets.toml is lost."""
    import tomllib

    root = upstream_project(tmp_path)
    path = root / ".dlt/secrets.toml"
    path.write_text(path.read_text().replace(
        "[dango.oauth.google_sheets]\n",
        '[dango]\nnote = "kept-note-value"\n\n[dango.cloud]\napi_token = "UPSTREAMcanaryCloudTok01"\n\n'  # dango:allow
        "[dango.oauth.google_sheets]\n", 1))
    plan = "\n".join(text for _, text in migrate.pending(root).lines)
    assert "[dango] cloud: kept, unused, as [dango.upstream.cloud]" in plan
    assert "UPSTREAMcanaryCloudTok01" not in plan
    migrate.apply(root)
    kept = tomllib.loads(path.read_text())["dango"]
    assert kept["upstream"]["note"] == "kept-note-value"
    assert kept["upstream"]["cloud"] == {"api_token": "UPSTREAMcanaryCloudTok01"}  # dango:allow
    assert kept["oauth"]["google_sheets"]["identifier"] == "analyst@example.com"
    # kept, yet a credential like any other: encrypted with the rest, masked, searched for
    result = run_dango("secrets", "encrypt", cwd=root, env=env)
    assert result.code == 0, result
    assert "UPSTREAMcanaryCloudTok01" not in path.read_text()


@pytest.mark.parametrize("expires, status", [("2025-01-02T09:30:00", "expired"),
                                             ("2999-01-02T09:30:00", "valid")])
def test_a_facebook_grant_keeps_the_expiry_upstream_recorded(tmp_path, expires, status):
    """Upstream records when a Facebook token (60 days, never renewed) expires, in local
    time without an offset; without it `auth status` called an expired token valid."""
    from datetime import datetime

    from dango.credentials import Resolver
    from dango.oauth.tokens import read_grant
    from dango.project import load_project
    from dango.sources import load_sources

    root = upstream_project(tmp_path)
    path = root / ".dlt/secrets.toml"
    path.write_text(path.read_text().replace(
        'identifier = "act_123456789"\n', f'identifier = "act_123456789"\nexpires_at = "{expires}"\n', 1))
    migrate.apply(root)
    project = load_project(root)
    ads = next(s for s in load_sources(project) if s.name == "ads")
    grant = read_grant(Resolver(project, environ={}), ads)
    assert grant.expires_at == datetime.fromisoformat(expires).astimezone()  # local time, as upstream
    assert grant.status()[0] == status


def test_an_empty_env_placeholder_does_not_hide_the_token_upstream_stored(tmp_path):
    """Upstream's .env template writes `FB_ACCESS_TOKEN=` for the user to fill; upstream
    then used the token its OAuth flow stored (an empty value counted as unset)."""
    from dango.credentials import Resolver
    from dango.project import load_project
    from dango.sources import load_sources
    from tests.migrate.helpers import FB_TOKEN

    root = upstream_project(tmp_path)
    with open(root / ".env", "a", encoding="utf-8") as handle:
        handle.write("# FB_ACCESS_TOKEN\nFB_ACCESS_TOKEN=\n")
    migrate.apply(root)
    project = load_project(root)
    ads = next(s for s in load_sources(project) if s.name == "ads")
    assert Resolver(project, environ={}).resolved_config(ads).get("access_token") == FB_TOKEN


def test_a_csv_source_without_a_pattern_reads_only_csv_files_as_upstream_did(tmp_path):
    """Upstream's `csv` type read `*.csv` when sources.yml named no file_pattern; our
    local_files reads every CSV, JSON and Parquet file (`*`)."""
    root = upstream_project(tmp_path)
    _add(root, "- name: exports\n  type: csv\n  csv:\n    directory: data/uploads\n")
    migrate.apply(root)
    exports = next(s for s in SourcesFile(Project(root=root)).sources if s.name == "exports")
    assert exports.type == "local_files" and exports.options["file_pattern"] == "*.csv"


@pytest.mark.parametrize("line, problem", [
    ("extra = " + "[" * 5000 + "]" * 5000, ": its values are nested too deeply to read"),
    ('path = "C:\\Users\\me\\key.json"', ":29:13: a backslash in a \"...\" value starts an escape"),
])
def test_an_upstream_secrets_toml_it_cannot_read_is_one_sentence_with_its_line(tmp_path, line, problem):
    root = upstream_project(tmp_path)
    path = root / ".dlt/secrets.toml"
    path.write_text(path.read_text() + "\n" + line + "\n")
    assert path.read_text().count("\n") == 29
    before = tree_state(root)
    with pytest.raises(MalformedFile) as raised:
        migrate.pending(root)
    assert str(raised.value).startswith(f"{path}{problem}"), raised.value
    assert changes_between(before, tree_state(root)) == []


@pytest.mark.parametrize("setting, expected", [
    ("auth_type: digest", None),  # upstream sent no auth for a type it did not know
    ("auth_type: api_key\n    auth_token_env: REST_API_KEY\n    api_key_location: cookie",
     "api_key_location of source 'odd' must be one of header, query"),
])
def test_a_converted_source_this_dango_would_refuse_stops_the_plan(tmp_path, setting, expected):
    """The converted sources.yml is read back with this Dango's own rules before anything is
    written: a project migrate leaves behind always loads."""
    from dango.migrate.errors import WouldNotLoad

    root = upstream_project(tmp_path, "rest")
    _add(root, f"- name: odd\n  type: rest_api\n  rest_api:\n    base_url: https://api.example.invalid\n"
               f"    {setting}\n    endpoints: [users]\n")
    before = tree_state(root)
    if expected is None:
        plan = "\n".join(text for _, text in migrate.pending(root).lines)
        assert "auth_type: 'digest' is not one upstream sent credentials for, so auth_type none" in plan
        migrate.apply(root)
        odd = next(s for s in SourcesFile(Project(root=root)).sources if s.name == "odd")
        assert odd.options["auth_type"] == "none"
        return
    with pytest.raises(WouldNotLoad) as raised:
        migrate.pending(root)
    assert str(raised.value).startswith("The .dango/sources.yml dango migrate would write does not "
                                        f"load here: {expected}"), raised.value
    assert str(raised.value).endswith("; change source 'odd' in the Dango 1.0 .dango/sources.yml and "
                                      "run `dango migrate` again (nothing was written).")
    assert changes_between(before, tree_state(root)) == []
