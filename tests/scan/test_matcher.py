"""The matcher finds a project's secret in every encoding, wherever it sits in the text."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from dango.scan.engine import Scanner
from dango.scan.own import OwnSecret, forms_of
from dango.scan.rules import select

SECRET = 'p@ss/w0rd "quoted" \\ and+plus'


def scanner() -> Scanner:
    return Scanner(forms_of([OwnSecret("db.password", SECRET)]), select())


@pytest.mark.parametrize("prefix", ["", "a", "ab", "abc", "user:"])
@pytest.mark.parametrize("urlsafe", [False, True])
def test_base64_at_any_alignment(prefix, urlsafe):
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    blob = encode((prefix + SECRET + " trailing").encode()).decode()
    (finding,) = scanner().scan(f'{{"auth": "{blob}"}}\n'.encode(), "f.json")
    assert (finding.credential, finding.encoding) == ("db.password", "base64")
    assert blob not in finding.excerpt and SECRET not in finding.excerpt


@pytest.mark.parametrize("text,encoding", [
    (SECRET, "exact"), (quote(SECRET, safe=""), "url"), (quote_plus(SECRET), "url"),
    (json.dumps(SECRET)[1:-1], "json"),
])
def test_exact_url_and_json_forms(text, encoding):
    (finding,) = scanner().scan(f"line one\nvalue={text};\n".encode(), "x.txt")
    assert (finding.line, finding.encoding, finding.rule) == (2, encoding, "dango-project-secret")
    assert "rotate it: dango secrets rotate db.password" == finding.fix


def test_dango_allow_and_placeholders():
    data = (f"ok = '{SECRET}'  # dango:allow\n"
            "url = 'postgresql://user:${DB_PASSWORD}@db/x'\n"
            "url = f'postgresql://user:{password}@db/x'\n").encode()
    assert scanner().scan(data, "a.py") == []
    (finding,) = scanner().scan(b"url = 'postgresql://user:hunter2xyz@db/x'\n", "a.py")  # dango:allow
    assert finding.rule == "url-password" and "hunter2xyz" not in finding.excerpt


def test_a_log_repeating_a_secret_is_scanned_in_linear_time():
    import time

    data = f"GET /x?pw={SECRET} 401\n".encode() * 20000
    began = time.perf_counter()
    findings = scanner().scan(data, "big.log")
    assert time.perf_counter() - began < 5
    assert len(findings) == 20000 and findings[-1].line == 20000 and findings[0].line == 1
