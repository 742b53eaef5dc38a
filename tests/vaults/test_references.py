"""Reading `ref+SCHEME://…` references: pure functions, and the errors a malformed one gives."""

from __future__ import annotations

import pytest

from dango.credentials import Resolver
from dango.store.references import (BadVaultReference, is_reference, is_vault_reference,
                                    parse_vault_reference, pointer_parts)
from dango.vaults.errors import MalformedReference


@pytest.mark.parametrize("text, scheme, path, query, pointer", [
    ("ref+awssecrets://prod/stripe#/api_key", "awssecrets", "prod/stripe", (), "/api_key"),
    ("ref+awssecrets://prod/stripe?region=eu-west-1&version_stage=AWSPREVIOUS", "awssecrets",
     "prod/stripe", (("region", "eu-west-1"), ("version_stage", "AWSPREVIOUS")), None),
    ("ref+awssecrets://arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/x-AbCdEf", "awssecrets",
     "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/x-AbCdEf", (), None),
    ("ref+awsssm:///prod/crm/db_password", "awsssm", "/prod/crm/db_password", (), None),
    ("ref+sops://secrets/prod.enc.yaml#/google/client_secret", "sops", "secrets/prod.enc.yaml", (),
     "/google/client_secret"),
    ("ref+keyring://dango-api/analytics", "keyring", "dango-api/analytics", (), None),
    ("ref+file://keys/db%20password", "file", "keys/db password", (), None),
    ("ref+vault://secret/data/x#/y", "vault", "secret/data/x", (), "/y"),  # read; refused on use
])
def test_parse(text, scheme, path, query, pointer):
    reference = parse_vault_reference(text)
    assert (reference.scheme, reference.path, reference.query, reference.pointer) == (scheme, path, query, pointer)
    assert is_vault_reference(text) and is_reference(text)


@pytest.mark.parametrize("text, reason", [
    ("ref+awssecrets:prod/stripe", "is not of the form ref+SCHEME://PATH"),  # dango:allow
    ("ref+://prod", "is not of the form"),
    ("ref+AWS://prod", "is not of the form"),
    ("ref+awssecrets://", "names no entry"),
    ("ref+awsssm:///", "names no entry"),
    ("ref+awssecrets://prod/x#api_key", "not a JSON pointer"),
    ("ref+awssecrets://prod/x#", "followed by no JSON pointer"),
    ("ref+awssecrets://prod/x?region", "not NAME=VALUE pairs"),
    ("ref+file://a\nb", "control character"),
])
def test_malformed(text, reason):
    with pytest.raises(BadVaultReference) as caught:
        parse_vault_reference(text)
    assert reason in caught.value.reason


def test_pointer_parts_follow_rfc_6901():
    assert pointer_parts("/a~1b/c~0d/0") == ["a/b", "c~d", "0"]


def test_a_literal_is_not_a_reference():
    assert not is_vault_reference("sk_live_ref+abc") and not is_vault_reference(None)


@pytest.fixture
def project(tmp_path):
    from dango.project import init_project

    project = init_project(tmp_path / "p").project
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n")
    return project


def _store(project, value: str) -> None:
    text = project.secrets_path.read_text()
    project.secrets_path.write_text(text + f'\n[sources.pay]\nstripe_secret_key = "{value}"\n')


def test_a_malformed_reference_names_the_file_and_line_and_exits_2(project):
    _store(project, "ref+awssecrets:prod/stripe?token=hvs.SECRETTOKEN123")  # dango:allow
    resolver = Resolver(project)
    with pytest.raises(MalformedReference) as caught:
        resolver.resolved_config(resolver_source(project))
    message = str(caught.value)
    line = project.secrets_path.read_text().splitlines().index(
        'stripe_secret_key = "ref+awssecrets:prod/stripe?token=hvs.SECRETTOKEN123"') + 1  # dango:allow
    assert message.startswith(f".dlt/secrets.toml:{line}: sources.pay.stripe_secret_key is not of the form")
    assert "SECRETTOKEN" not in message and caught.value.exit_code == 2


def test_an_unsupported_scheme_lists_the_supported_ones(project):
    _store(project, "ref+vault://secret/data/stripe?token=hvs.SECRETTOKEN123#/key")  # dango:allow
    with pytest.raises(MalformedReference) as caught:
        Resolver(project).resolved_config(resolver_source(project))
    message = str(caught.value)
    assert "refers to the store 'vault', which Dango does not support yet; it supports " \
           "ref+awssecrets://, ref+awsssm://, ref+sops://, ref+keyring://, ref+file://" in message
    assert "SECRETTOKEN" not in message and message.count(".") >= 1 and "\n" not in message


def resolver_source(project):
    from dango.sources import SourcesFile

    return SourcesFile(project).get("pay")
