"""A secret the source's own settings call for (rest_api's api_key for bearer or api_key
auth, username and password for basic) is reported by `validate` and shown as missing by
`config show`; with auth_type none it is not needed and nothing is said."""

from __future__ import annotations

import json

from tests.conftest import changes_between, tree_state


def add_rest_api(dango, name, *sets):
    result = dango("source", "add", "rest_api", "--name", name, "--no-input",
                   "--set", "base_url=https://api.example.com", *(a for s in sets for a in ("--set", s)))
    assert result.code == 0, result
    return result


def shown(dango, name):
    result = dango("config", "show", "--source", name, "--json")
    assert result.code == 0, result
    fields = json.loads(result.out)["sources"][0]["fields"]
    return {f["field"]: f["origin"] for f in fields}


def test_a_bearer_source_without_its_key_is_a_problem(dango, project_dir):
    added = add_rest_api(dango, "a3")
    assert "api_key is not set; store it with: dango secrets set a3.api_key" in added.err
    before = tree_state(project_dir)
    result = dango("validate")
    assert result.code == 1, result
    assert result.out.splitlines() == [
        "a3: required field api_key is not set; fix: run `dango secrets set a3.api_key`"]
    assert shown(dango, "a3")["api_key"] == "missing"
    assert changes_between(before, tree_state(project_dir)) == []
    assert dango("secrets", "set", "a3.api_key", input="fake-api-key-0123456789\n").code == 0  # dango:allow
    assert dango("validate").code == 0


def test_basic_auth_needs_a_username_and_a_password(dango, project_dir):
    add_rest_api(dango, "b", "auth_type=basic", "username=ada")
    before = tree_state(project_dir)
    result = dango("validate")
    assert result.code == 1, result
    assert result.out.splitlines() == [
        "b: required field password is not set; fix: run `dango secrets set b.password`"]
    fields = shown(dango, "b")
    assert fields["password"] == "missing" and fields["api_key"] == "optional"
    assert changes_between(before, tree_state(project_dir)) == []


def test_no_auth_needs_no_secret(dango, project_dir):
    added = add_rest_api(dango, "open", "auth_type=none")
    assert "not set" not in added.err
    result = dango("validate")
    assert result.code == 0 and result.out.strip() == "No problems found.", result
    assert "missing" not in shown(dango, "open").values()
