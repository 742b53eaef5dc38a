"""`ref+` references through the commands: which ones fetch, exit codes, and rotation into
the store. Subprocess runs (exit codes, imports, files); the stores are moto's server, a
private file in the project and a port that never answers."""

from __future__ import annotations

import json
import shutil
import sys
import tomllib

import pytest

from tests.conftest import changes_between, snapshot, tree_state
from tests.crypto.conftest import REPO
from tests.lifecycle.conftest import STRIPE_KEY
from tests.servers.stripe_server import StripeServer
from tests.sync.helpers import ORDERS, add, count

OLD_KEY = "sk_test_OLDk3yInTh3St0r3xyz0123456"  # dango:allow


def _secrets(project_dir) -> dict:
    return tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())


@pytest.fixture
def aws_env(moto_server) -> dict[str, str]:
    moto_server.reset()
    return moto_server.env()


@pytest.fixture
def unreachable_aws(silent_port) -> dict[str, str]:
    """AWS at a port that accepts and never answers, with fake credentials."""
    return {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{silent_port}", "AWS_ACCESS_KEY_ID": "testing",  # dango:allow
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "eu-west-1",  # dango:allow
            "DANGO_VAULT_TIMEOUT": "1"}


def test_read_commands_show_the_reference_and_never_contact_the_store(dango, project_dir, unreachable_aws):
    add(dango, "stripe", "pay")
    assert dango("secrets", "set", "pay.stripe_secret_key", "--ref",
                 "ref+awssecrets://prod/stripe#/api_key").code == 0
    before = tree_state(project_dir)
    shown = dango("config", "show", env_extra=unreachable_aws)
    assert shown.code == 0, shown
    assert "ref+awssecrets://prod/stripe#/api_key" in shown.out
    assert "in AWS Secrets Manager, fetched when used" in shown.out
    listed = dango("source", "list", env_extra=unreachable_aws)
    assert listed.code == 0 and "pay" in listed.out
    checked = dango("validate", env_extra=unreachable_aws)
    assert checked.code == 0 and "No problems found" in checked.out, checked
    assert changes_between(before, tree_state(project_dir)) == []
    # the store is there, and does not answer: only commands that use the value wait for it
    tested = dango("source", "test", "pay", env_extra=unreachable_aws)
    assert tested.code == 1 and "pay: unknown" in tested.out
    assert "sources.pay.stripe_secret_key refers to ref+awssecrets://prod/stripe, which could not be read: " \
           "the store did not answer within 1 s" in tested.out


@pytest.mark.parametrize("args", [["config", "show"], ["validate"], ["source", "list"],
                                  ["secrets", "set", "pay.stripe_secret_key", "--ref", "ref+awsssm:///x"]])
def test_credential_commands_do_not_import_boto3(dango, project_dir, env, args):
    from tests.core.test_imports import modules_after

    add(dango, "stripe", "pay")
    assert dango("secrets", "set", "pay.stripe_secret_key", "--ref", "ref+awssecrets://prod/x").code == 0
    code = ("from dango.cli.main import cli\n"
            f"try:\n    cli.main(args={args!r}, standalone_mode=False)\nexcept BaseException:\n    pass\n")
    modules = modules_after(code, project_dir, env)
    assert "dango.vaults.aws" not in modules
    assert not [m for m in modules if m.split(".")[0] in ("boto3", "botocore", "keyring")]


def test_validate_reports_an_unsupported_scheme(dango, project_dir):
    add(dango, "stripe", "pay")
    text = (project_dir / ".dlt/secrets.toml").read_text()
    (project_dir / ".dlt/secrets.toml").write_text(
        text + '\n[sources.pay]\nstripe_secret_key = "ref+gcpsecrets://p/s?token=abcdefgh12345678"\n')
    before = tree_state(project_dir)
    result = dango("validate")
    assert result.code == 1
    assert "sources.pay.stripe_secret_key refers to the store 'gcpsecrets', which Dango does not support " \
           "yet; it supports ref+awssecrets://, ref+awsssm://, ref+sops://, ref+keyring://, ref+file://" in result.out
    assert "abcdefgh12345678" not in result.output
    assert changes_between(before, tree_state(project_dir)) == []


def test_validate_reports_a_store_whose_library_is_missing(tmp_path, monkeypatch):
    from dango import vaults
    from dango.project import init_project
    from dango.validate import validate

    project = init_project(tmp_path / "p").project
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n")
    text = project.secrets_path.read_text()
    project.secrets_path.write_text(text + '\n[sources.pay]\nstripe_secret_key = "ref+awssecrets://prod/x"\n')
    assert validate(project).problems == []
    monkeypatch.setitem(vaults.LIBRARIES, "awssecrets", ("dango_no_such_library", "pip install 'dango[aws]'"))
    problems = validate(project).problems
    assert [p.line() for p in problems] == [
        f".dlt/secrets.toml:{text.count(chr(10)) + 3}: sources.pay.stripe_secret_key refers to "
        "ref+awssecrets://prod/x, whose library is not installed; fix: dango_no_such_library is not "
        "installed; pip install 'dango[aws]'"]


def test_validate_checks_a_file_reference_without_reading_it(tmp_path):
    """Plain validate says when a ref+file file is missing, not private or a link out of the
    project, and reads no value (so it has nothing to register or print)."""
    from dango.project import init_project
    from dango.validate import validate

    project = init_project(tmp_path / "p").project
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n")
    text = project.secrets_path.read_text()
    project.secrets_path.write_text(text + '\n[sources.pay]\nstripe_secret_key = "ref+file://keys/stripe"\n')
    line = f".dlt/secrets.toml:{text.count(chr(10)) + 3}: sources.pay.stripe_secret_key refers to ref+file://keys/stripe, which"
    assert [p.line() for p in validate(project).problems] == [
        f"{line} does not exist in the project; fix: check the path"]
    key = project.root / "keys" / "stripe"
    key.parent.mkdir()
    key.write_text("file-canary-value-0001\n")  # dango:allow
    key.chmod(0o644)
    assert [p.line() for p in validate(project).problems] == [
        f"{line} has permissions 644, readable by the group and other users; fix: chmod 600 keys/stripe"]
    key.chmod(0o600)
    assert validate(project).problems == []
    outside = tmp_path / "outside"
    outside.write_text("x")
    outside.chmod(0o600)
    key.unlink()
    key.symlink_to(outside)
    assert [p.line() for p in validate(project).problems] == [
        f"{line} leads out of the project (through .. or a symlink); fix: keep the file inside the project"]


def test_secrets_set_ref_stores_a_reference_and_refuses_bad_ones(dango, project_dir):
    add(dango, "stripe", "pay")
    before = snapshot(project_dir)
    for ref, message in (("ref+vault://secret/x", "refers to the store 'vault', which Dango does not support yet"),
                         ("ref+awssecrets:/prod/x", "is not of the form ref+SCHEME://PATH")):
        result = dango("secrets", "set", "pay.stripe_secret_key", "--ref", ref)
        assert result.code == 2 and message in result.err and "nothing was changed" in result.err, result
        assert snapshot(project_dir) == before
    for args, value in ((["secrets", "set", "pay.stripe_secret_key"], "ref+file://not/a/value"),
                        (["secrets", "rotate", "pay.stripe_secret_key"], "ref+file://not/a/value"),
                        (["source", "add", "stripe", "--name", "x", "--no-input", "--set",
                          "stripe_secret_key=ref+file://k"], None)):
        literal = dango(*args, input=value)
        assert literal.code == 2 and "starts with ref+, which Dango would read as a reference" in literal.err, literal
        assert snapshot(project_dir) == before
    stored = dango("secrets", "set", "pay.stripe_secret_key", "--ref", "ref+awsssm:///prod/stripe")
    assert stored.code == 0 and "as a reference to AWS SSM Parameter Store" in stored.out
    assert _secrets(project_dir)["sources"]["pay"]["stripe_secret_key"] == "ref+awsssm:///prod/stripe"
    example = (project_dir / ".dlt/secrets.toml.example").read_text()
    assert "ref+awsssm:///prod/stripe" in example  # a reference is not a secret: the example shows it
    added = dango("source", "add", "stripe", "--name", "pay2", "--no-input", "--ref",
                  "stripe_secret_key=ref+keyring://dango/pay2")
    assert added.code == 0, added
    assert _secrets(project_dir)["sources"]["pay2"]["stripe_secret_key"] == "ref+keyring://dango/pay2"
    # a ?query may carry a token (output masks its values): the committed example names its keys only
    queried = "ref+awssecrets://prod/stripe?region=eu-west-1&token=canary-query-token-5e1f#/api_key"  # dango:allow
    assert dango("secrets", "set", "pay.stripe_secret_key", "--ref", queried).code == 0
    example = (project_dir / ".dlt/secrets.toml.example").read_text()
    assert "canary-query-token-5e1f" not in example and "eu-west-1" not in example
    assert "ref+awssecrets://prod/stripe?region=<region>&token=<token>#/api_key" in example, example  # dango:allow


def test_a_malformed_reference_stops_exec_and_sync_with_exit_2(dango, project_dir):
    add(dango, "stripe", "pay")
    text = (project_dir / ".dlt/secrets.toml").read_text()
    (project_dir / ".dlt/secrets.toml").write_text(text + '\n[sources.pay]\nstripe_secret_key = "ref+file:keys"\n')  # dango:allow
    before = tree_state(project_dir)
    result = dango("exec", "--", sys.executable, "-c", "print('ran')")
    assert result.code == 2 and "ran" not in result.out
    assert ".dlt/secrets.toml:" in result.err and "sources.pay.stripe_secret_key is not of the form" in result.err
    synced = dango("sync")
    assert synced.code == 2 and "sources.pay.stripe_secret_key is not of the form" in synced.err
    assert changes_between(before, tree_state(project_dir)) == []


def test_sync_fetches_only_what_it_loads_and_fails_only_the_source_whose_reference_fails(
        dango, project_dir, tmp_path):
    log = tmp_path / "keyring-reads.log"
    keyring = {"PYTHON_KEYRING_BACKEND": "tests.vaults.echo_keyring.EchoingKeyring", "PYTHONPATH": str(REPO),
               "ECHO_KEYRING_LOG": str(log)}
    shutil.copy(ORDERS, project_dir / "data" / "orders.csv")
    add(dango, "csv", "shop", "file_path=data/orders.csv")
    add(dango, "stripe", "pay", "base_url=http://127.0.0.1:9")
    add(dango, "stripe", "kr", "base_url=http://127.0.0.1:9")
    assert dango("secrets", "set", "pay.stripe_secret_key", "--ref", "ref+file://keys/stripe").code == 0
    assert dango("secrets", "set", "kr.stripe_secret_key", "--ref", "ref+keyring://echo/good").code == 0
    for args in (["config", "show"], ["source", "list"]):
        assert dango(*args, env_extra=keyring).code == 0
    checked = dango("validate", env_extra=keyring)  # the missing file is found without a fetch
    assert checked.code == 1 and "ref+file://keys/stripe, which does not exist in the project" in checked.out
    result = dango("sync", "--source", "shop", "--source", "pay", env_extra=keyring)
    assert result.code == 1, result
    assert count(project_dir, "raw_shop.orders") == 500
    assert "sources.pay.stripe_secret_key refers to ref+file://keys/stripe, which does not exist in the project" \
           in result.output
    assert not log.exists()  # kr was not synced: the keyring was never asked


def test_exec_and_export_resolve_a_file_reference(dango, project_dir):
    add(dango, "stripe", "pay")
    (project_dir / "keys").mkdir()
    (project_dir / "keys/stripe").write_text(OLD_KEY + "\n")
    (project_dir / "keys/stripe").chmod(0o600)
    assert dango("secrets", "set", "pay.stripe_secret_key", "--ref", "ref+file://keys/stripe").code == 0
    ran = dango("exec", "--", sys.executable, "-c",
                "import os; print(os.environ['SOURCES__PAY__STRIPE_SECRET_KEY'] == %r)" % OLD_KEY)
    assert ran.code == 0 and ran.out.strip() == "True", ran
    exported = dango("secrets", "export", "--format", "env", "--reveal")
    assert exported.code == 0 and f"SOURCES__PAY__STRIPE_SECRET_KEY='{OLD_KEY}'" in exported.out
    (project_dir / "keys/stripe").chmod(0o640)
    refused = dango("exec", "--", sys.executable, "-c", "print('ran')")
    assert refused.code == 1 and "ran" not in refused.out
    assert "has permissions 640, readable by the group; chmod 600 keys/stripe." in refused.err


@pytest.fixture
def stripe_api():
    with StripeServer(STRIPE_KEY, {"customers": 3, "charges": 2}) as server:
        yield server


@pytest.mark.parametrize("backend", ["awssecrets", "awsssm"])
def test_rotate_writes_through_to_the_store(dango, project_dir, moto_server, aws_env, stripe_api, backend):
    add(dango, "stripe", "pay", f"base_url={stripe_api.url}")
    if backend == "awssecrets":
        moto_server.client("secretsmanager").create_secret(Name="prod/stripe",
                                                           SecretString=json.dumps({"api_key": OLD_KEY}))
        ref = "ref+awssecrets://prod/stripe#/api_key"
    else:
        moto_server.client("ssm").put_parameter(Name="/prod/stripe", Value=OLD_KEY, Type="SecureString")
        ref = "ref+awsssm:///prod/stripe"
    assert dango("secrets", "set", "pay.stripe_secret_key", "--ref", ref).code == 0
    before = snapshot(project_dir)

    told = dango("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY, env_extra=aws_env)
    assert told.code == 0, told
    assert f"pay.stripe_secret_key is {ref.split('#')[0]}: update that entry in its store" in told.out
    assert snapshot(project_dir) == before

    bad = dango("secrets", "rotate", "pay.stripe_secret_key", "--write-through", input="sk_test_rejected_value1",
                env_extra=aws_env)
    assert bad.code == 1 and "nothing was changed" in bad.err

    written = dango("secrets", "rotate", "pay.stripe_secret_key", "--write-through", input=STRIPE_KEY,
                    env_extra=aws_env)
    assert written.code == 0, written
    assert "passed its live test (valid) and was written to" in written.out
    if backend == "awssecrets":
        client = moto_server.client("secretsmanager")
        assert json.loads(client.get_secret_value(SecretId="prod/stripe")["SecretString"]) == {"api_key": STRIPE_KEY}
        previous = client.get_secret_value(SecretId="prod/stripe", VersionStage="AWSPREVIOUS")["SecretString"]
        assert json.loads(previous) == {"api_key": OLD_KEY}
    else:
        parameter = moto_server.client("ssm").get_parameter(Name="/prod/stripe", WithDecryption=True)["Parameter"]
        assert parameter["Value"] == STRIPE_KEY and parameter["Type"] == "SecureString"
    assert _secrets(project_dir)["sources"]["pay"]["stripe_secret_key"] == ref
    assert dango("source", "test", "pay", env_extra=aws_env).out.strip() == "pay: valid"
    events = json.loads(dango("audit", "--json").out)["events"]
    assert [(e["event"], e.get("field")) for e in events if e["event"] == "rotated"] == \
        [("rotated", "stripe_secret_key")]
    assert "rotated" in (project_dir / ".dango/credentials.yml").read_text()
    for result in (told, bad, written):
        assert STRIPE_KEY not in result.output and OLD_KEY not in result.output


def test_scan_searches_for_resolved_values_and_names_the_stores_it_could_not_reach(
        dango, project_dir, unreachable_aws):
    add(dango, "stripe", "pay")
    add(dango, "stripe", "pay_eu")
    (project_dir / "keys").mkdir()
    (project_dir / "keys/stripe").write_text(OLD_KEY)
    (project_dir / "keys/stripe").chmod(0o600)
    assert dango("secrets", "set", "pay.stripe_secret_key", "--ref", "ref+file://keys/stripe").code == 0
    assert dango("secrets", "set", "pay_eu.stripe_secret_key", "--ref", "ref+awssecrets://prod/eu").code == 0
    (project_dir / "notes.txt").write_text(f"the key is {OLD_KEY[:8]} {OLD_KEY[8:]}\nencoded {OLD_KEY}\n")
    result = dango("secrets", "scan", "--path", "notes.txt", env_extra=unreachable_aws)
    assert result.code == 1, result
    assert "notes.txt:2" in result.out and "pay.stripe_secret_key" in result.out
    assert "sources.pay_eu.stripe_secret_key could not be resolved" in result.err
    assert "ref+awssecrets://prod/eu, which could not be read: the store did not answer" in result.err
    assert OLD_KEY not in result.output


def test_validate_reports_a_missing_sops_program(tmp_path, monkeypatch):
    from dango import sops
    from dango.project import init_project
    from dango.validate import validate

    project = init_project(tmp_path / "p").project
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n")
    text = project.secrets_path.read_text()
    project.secrets_path.write_text(text + '\n[sources.pay]\nstripe_secret_key = "ref+sops://s.enc.json#/k"\n')
    assert validate(project).problems == []

    def no_sops():
        raise sops.SopsMissing()

    monkeypatch.setattr(sops, "binary", no_sops)  # a machine without the program
    assert [p.fix for p in validate(project).problems] == [
        "the sops program is not installed; pip install 'dango[team]'"]
