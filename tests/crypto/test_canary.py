"""No plaintext secret in any output, error or file once a project is encrypted, except
where the user asked for it (`export --reveal`) and in the program `dango exec` runs."""

from __future__ import annotations

import re

from tests.conftest import CANARIES, snapshot
from tests.crypto.conftest import CLIENT_SECRET

SECRETS = CANARIES + (CLIENT_SECRET,)


def test_no_plaintext_anywhere_after_encrypt(encrypted, cdango):
    commands = [
        ("config", "show"), ("config", "show", "--json"), ("validate",), ("secrets", "status"),
        ("secrets", "status", "--json"), ("secrets", "encrypt"), ("secrets", "rotate-key"),
        ("source", "list"), ("auth", "status"), ("secrets", "export", "--format", "env"),
        ("--debug", "config", "show"), ("exec", "--", "true"),
    ]
    for args in commands:
        result = cdango(*args)
        assert result.code in (0, 1, 2), result
        assert not any(s in result.output for s in SECRETS), result
    files = snapshot(encrypted)
    assert not [name for name, data in files.items() if any(s.encode() in data for s in SECRETS)]


def test_a_damaged_value_with_debug_shows_no_plaintext(encrypted, cdango):
    path = encrypted / ".dlt" / "secrets.toml"
    path.write_text(re.sub(r"(password = \"ENC\[[^\"]*?tag:)([A-Za-z0-9+/]{4})", r"\1AAAA", path.read_text(), count=1))
    result = cdango("--debug", "exec", "--", "true")
    assert result.code == 2, result
    assert "sources.pg.password could not be decrypted" in result.err
    assert not any(s in result.output for s in SECRETS), result
