"""Every provider rule finds its credential and leaves look-alikes alone."""

from __future__ import annotations

import pytest

from dango.scan.engine import Scanner
from dango.scan.rules import RULES, select

# Built from pieces so that this file holds no credential-shaped literal itself.
A36 = "a1B2" * 9
CASES = {
    "stripe-secret-key": ("key = 'sk_" + "live_" + A36[:24] + "'", "pk_" + "live_" + A36[:24]),
    "google-oauth-client-secret": ('"client_secret": "GOCSPX' + '-' + A36[:28] + '"', "GOCSPX" + "-short"),
    "google-refresh-token": ("refresh = 1/" + "/" + A36[:40], "ratio 1/" + "/2"),
    "google-access-token": ("Bearer ya29" + "." + A36, "ya29" + ".x"),
    "google-api-key": ("key=AIza" + A36[:35], "AIza" + "Short"),
    "aws-access-key-id": ("AKIA" + "QWERTYUIOPASDFGH", "AKIA" + "lowercase0123456"),
    "aws-secret-access-key": ("aws_secret_access_key = " + (A36 + "wxyz")[:40], "aws_secret_access_key = ${AWS_SECRET}"),
    "github-token": ("token: ghp" + "_" + A36, "ghp" + "_tooshort"),
    "slack-token": ("xoxb" + "-1234567890-" + A36[:12], "xoxb" + "-"),
    "slack-webhook": ("https://hooks.slack.com/services/" + "T000/B000/" + A36[:20], "https://hooks.slack.com/"),
    "private-key": ("-----BEGIN OPENSSH " + "PRIVATE KEY-----\nAAAA\n-----END OPENSSH " + "PRIVATE KEY-----",
                    "-----BEGIN " + "PUBLIC KEY-----"),
    "url-password": ("redis://default:" + A36[:12] + "@cache:6379", "https://example.test:8080/path?x=a@b"),
    "generic-secret-assignment": ('api_token = "' + "Zx8q2LmP" + "0vRt7YwB3nKd" + '"', 'api_token = "' + A36[:20] + '"'),
}


def test_every_rule_has_a_case():
    assert set(CASES) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_finds_its_credential_and_not_a_look_alike(rule_id):
    scanner = Scanner([], select(enabled=("all",)))
    hit, miss = CASES[rule_id]
    findings = scanner.scan(f"before\n{hit}\nafter\n".encode(), "f.txt")
    assert [f.rule for f in findings] == [rule_id] and findings[0].line == 2
    assert findings[0].secret not in findings[0].excerpt
    assert scanner.scan(f"{miss}\n".encode(), "f.txt") == []
