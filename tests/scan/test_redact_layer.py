"""The redaction layer itself: encodings, URL passwords, partial writes, non-secret keys."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

from dango import redact, redacted_output
from dango.secrecy import secret_leaves

SECRET = "tok/3n+v4lue:with-symbols"


def test_known_values_and_their_encodings_are_masked():
    stored = {"sources": {"api": {"api_key": SECRET, "base_url": "https://api.test/v1/x"},
                          "db": {"host": "db.internal.test", "password": "pw-9f8e7d6c"}}}
    for _, value in secret_leaves(stored):  # what is secret is decided in secrecy.py
        redact.register(value)
    text = " | ".join([SECRET, quote(SECRET, safe=""), base64.b64encode(f"u:{SECRET}".encode()).decode(),
                       "https://api.test/v1/x", "db.internal.test", "pw-9f8e7d6c"])
    shown = redact.redact(text)
    assert SECRET not in shown and quote(SECRET, safe="") not in shown and "pw-9f8e7d6c" not in shown
    assert base64.b64encode(f"u:{SECRET}".encode()).decode() not in shown
    assert "https://api.test/v1/x" in shown and "db.internal.test" in shown  # not secret


def test_any_url_password_is_masked_but_references_are_kept():
    # a redactor of its own: secrets other tests of this process registered play no part
    shown = redact.Redactor().redact("postgresql://loader:unknown-pw@db/x and mysql://root:${DB_PW}@db/y")  # dango:allow
    assert "unknown-pw" not in shown and "postgresql://loader:***************@db/x" in shown
    assert "mysql://root:${DB_PW}@db/y" in shown


def test_a_secret_split_across_writes_is_still_masked():
    redact.register("split-secret-0123456789")
    out = io.StringIO()
    stream = redacted_output.RedactingStream(out)
    stream.write("value: split-sec")
    stream.write("ret-0123456789 done\n")
    stream.write("tail split-secret-0123456789")
    stream.flush()
    assert "split-secret-0123456789" not in out.getvalue()
    assert out.getvalue().count("***************") == 2


def test_bytes_written_to_the_buffer_are_redacted_and_stay_valid_text():
    redact.register("buffer-secret-98765")
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    stream = redacted_output.RedactingStream(out)
    data = "é buffer-secret-98765 ü\n".encode()
    for byte in range(len(data)):  # one byte at a time: characters split across writes
        stream.buffer.write(data[byte:byte + 1])
    stream.flush()
    assert raw.getvalue().decode() == "é *************** ü\n"
