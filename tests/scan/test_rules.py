"""Every provider rule finds samples of its documented format and leaves look-alikes alone.

The samples are generated here, at test time, from each rule's own format (`Rule.sample`,
`Rule.secret`, `Rule.fakes`), so this file holds no credential-shaped literal and a rule
that stops matching its format fails its test.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from dango.scan.engine import Scanner
from dango.scan.prefilter import Prefilter
from dango.scan.rules import RULES, select
from dango.scan.rules.checks import base62, with_crc32_base62

BY_ID = {rule.id: rule for rule in RULES}
SCANNER = Scanner([], select(enabled=("all",)))  # compiled once for the whole module
RULES_DIR = Path(__file__).resolve().parents[2] / "src" / "dango" / "scan" / "rules"


def test_the_rule_set_covers_200_formats_with_documentation():
    assert len(RULES) >= 200 and len(BY_ID) == len(RULES)
    assert all(rule.docs.startswith("https://") and rule.sample is not None for rule in RULES)
    assert RULES[-1].id == "generic-secret-assignment" and RULES[-1].default
    assert all(len(path.read_text().splitlines()) <= 400 for path in RULES_DIR.glob("*.py"))


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_finds_its_samples_and_not_its_look_alikes(rule_id):
    rule = BY_ID[rule_id]
    rng = random.Random(rule_id)
    for _ in range(3):
        line = rule.sample(rng)
        findings = SCANNER.scan(f"before\n{line}\nafter\n".encode(), "f.txt")
        assert findings and findings[0].rule == rule_id and findings[0].line == 2, (line, findings)
        assert findings[0].secret in line and findings[0].secret not in findings[0].excerpt
    if rule.secret is not None and rule.kind == "token" and rule.group == 0:
        secret = rule.secret(rng)
        (finding, *_) = SCANNER.scan(f"seen in a log: {secret} (end)\n".encode(), "x.log")
        assert (finding.rule, finding.secret) == (rule_id, secret)
    alone = Scanner([], [rule])
    for fake in rule.fakes:
        assert alone.scan(f"{fake}\n".encode(), "f.txt") == [], fake


def _github_token(rng: random.Random) -> str:
    body = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(36))
    return with_crc32_base62("ghp" + "_" + body)


def test_checksums_are_verified():
    rng = random.Random(5)
    token = _github_token(rng)
    assert [f.rule for f in SCANNER.scan(f"t = {token}\n".encode(), "a")] == ["github-pat"]
    broken = token[:-6] + base62((int.from_bytes(token[-6:].encode(), "big") + 1) % 62**6)
    assert all(f.rule != "github-pat" for f in SCANNER.scan(f"t = {broken}\n".encode(), "a"))
    npm = BY_ID["npm-access-token"].secret(rng)
    assert SCANNER.scan(f"x {npm[:-1]}{'A' if npm[-1] != 'A' else 'B'}\n".encode(), "a") == []
    pypi = BY_ID["pypi-token"].secret(rng)
    assert [f.rule for f in SCANNER.scan(f"password = {pypi}\n".encode(), "a")] == ["pypi-token"]
    not_a_macaroon = "pypi" + "-AgEIcHlwaS5vcmc" + "A" * 10 + "bCdEfGh1234567" * 6
    assert all(f.rule != "pypi-token" for f in SCANNER.scan(f"{not_a_macaroon}\n".encode(), "a"))


@pytest.mark.parametrize("line", [
    "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN=ghp" + "_" + "x" * 36,
    "api_key: <token>", "password = ${DB_PASSWORD}", 'secret: "****************"',
    "API_KEY=your-key-here", "token = os.environ['API_TOKEN']", "SECRET_KEY = settings.SECRET_KEY",
    "stripe_key = sk" + "_live_" + "X" * 24, "password: changeme", "client_secret = {{ vault_secret }}",
    "DATADOG_API_KEY=" + "0123456789abcdef" * 2, "def refresh(token: str, secrets: SecretsFile) -> None:",
    "token_url = https://oauth2.example.test/token", "password_file: /run/secrets/db",
])
def test_placeholders_examples_and_code_are_not_findings(line):
    assert SCANNER.scan(f"{line}\n".encode(), "conf") == []


VALUE = "Qm9x7Lk2" + "Vb8NcR4t"


@pytest.mark.parametrize("template", [
    'API_SECRET = "{v}"', "db_password: {v}", '"clientSecret": "{v}",', "export AUTH_TOKEN={v}",
    'apiKey := "{v}"', "DB_PASS ?= {v}", ":api_key => '{v}'", "[db]\npassword = {v}", "<Password>{v}</Password>",
])
def test_the_generic_rule_reads_every_common_syntax_in_any_case(template):
    (finding,) = SCANNER.scan(f"{template.format(v=VALUE)}\n".encode(), "conf")
    assert finding.rule == "generic-secret-assignment" and finding.secret == VALUE


def test_the_prefilter_is_case_insensitive_with_or_without_hyperscan(monkeypatch):
    data = b"x = 1\nMY_API_SECRET = 'abc'\n"
    with_engine = {rule.id for rule in Prefilter(list(RULES)).candidates(data)}
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # the wheel missing: the fallback
    without = {rule.id for rule in Prefilter(list(RULES)).candidates(data)}
    assert "generic-secret-assignment" in with_engine and with_engine == without
    assert Prefilter(list(RULES)).candidates(b"nothing to see\n") == []


@pytest.mark.parametrize("engine", ["hyperscan", "fallback"])
def test_the_prefilter_finds_the_project_own_values_in_the_same_pass(monkeypatch, engine):
    """The project's own values (any bytes, in each encoding) are found by the keyword pass:
    exactly, case and all, and only where they are."""
    if engine == "fallback":
        monkeypatch.setitem(sys.modules, "hyperscan", None)
    needles = [b"Own-Value/9+x=", b"p\xc3\xa4ss.w*rd", b"nul\x00inside"]
    prefilter = Prefilter(list(RULES), needles)
    assert prefilter.search(b"a p\xc3\xa4ss.w*rd b Own-Value/9+x= c nul\x00inside")[1] == [0, 1, 2]
    assert prefilter.search(b"own-value/9+x= p\xc3\xa4ssXw*rd")[1] == []
    assert Prefilter([], needles).search(b"..Own-Value/9+x=..") == ([], [0])
