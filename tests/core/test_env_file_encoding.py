"""A `.env` saved by Notepad as "Unicode" (UTF-16) or in a legacy code page: one sentence
naming the file, the line and how to save it, exit 2, nothing changed. With a UTF-8 byte
order mark and CRLF line endings it is read as it is."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import snapshot

KEY = "sk_test_EnvFileEnc0ding12345"  # dango:allow


@pytest.fixture
def pay(dango):
    assert dango("source", "add", "stripe", "--name", "pay", "--ref", "stripe_secret_key=STRIPE_API_KEY",
                 "--no-input").code == 0


@pytest.mark.parametrize("data, sentence", [
    (f"STRIPE_API_KEY={KEY}\r\n".encode("utf-16"),
     'error: .env:1: is UTF-16 text; save it as UTF-8 (in Notepad: Save As, Encoding "UTF-8")\n'),
    (f"OWNER=Fran\xe7ois\r\nSTRIPE_API_KEY={KEY}\r\nCITY=Z\xfcrich\r\n".encode("latin-1"),
     'error: .env:1: is not UTF-8 text; save it as UTF-8 (in Notepad: Save As, Encoding "UTF-8")\n'),
], ids=["utf-16", "latin-1"])
def test_an_env_file_not_in_utf8_is_one_sentence(dango, project_dir, pay, data, sentence):
    (project_dir / ".env").write_bytes(data)
    before = snapshot(project_dir)
    for args in (["config", "show"], ["validate"], ["exec", "--", sys.executable, "-c", "pass"]):
        result = dango(*args)
        assert result.code == 2, result
        assert result.err == sentence
        assert KEY not in result.output
    assert snapshot(project_dir) == before


def test_an_env_file_with_bom_and_crlf_is_read(dango, project_dir, pay):
    (project_dir / ".env").write_bytes(b"\xef\xbb\xbf" + f"STRIPE_API_KEY={KEY}\r\n".encode())
    result = dango("exec", "--", sys.executable, "-c",
                   "import os; print(repr(os.environ['SOURCES__PAY__STRIPE_SECRET_KEY']) == repr('" + KEY + "'))")
    assert result.code == 0, result
    assert result.out == "True\n"
