"""Content that used to be skipped without a word: files and blobs over 32 MB (logs, dumps),
UTF-16 text (what PowerShell's `>` and Notepad write) and binary files, which are searched
for the project's own values (exact bytes), not with the provider rules."""

from __future__ import annotations

import io
import json

from dango.scan import gitio
from tests.conftest import CANARY_PASSWORD
from tests.scan.conftest import commit_all

AWS_KEY = "AKIA" + "Q3BIGLOGUTF16KEY"  # dango:allow


def test_a_log_larger_than_32_mb_is_scanned_to_its_last_line(repo, dango):
    filler = ("x" * 99 + "\n").encode()
    lines = 340_000  # 34 MB
    with open(repo / "sync.log", "wb") as log:
        log.write(filler * lines)
        log.write(f"connecting with password={CANARY_PASSWORD}\n".encode())
    (repo / ".gitignore").write_text((repo / ".gitignore").read_text() + "!sync.log\n")
    for args in ((), ("--history",)):
        if args:
            commit_all(repo, "a big log")
        result = dango("secrets", "scan", *args, "--format", "json")
        assert result.code == 1, result
        (finding,) = [f for f in json.loads(result.out)["findings"] if f["path"] == "sync.log"]
        assert finding["line"] == lines + 1 and finding["credential"] == "db.password"
        assert CANARY_PASSWORD not in result.output


def test_utf16_text_is_scanned_and_binary_is_searched_for_own_values(repo, dango):
    (repo / "setup.env.txt").write_bytes(f"DB_PASSWORD={CANARY_PASSWORD}\r\nAWS={AWS_KEY}\r\n".encode("utf-16"))
    (repo / "image.bin").write_bytes(b"\0" * 64 + AWS_KEY.encode() + b"\0\x1b[2J")  # a rule's match: not in binary
    (repo / "cache.db").write_bytes(b"SQLite format 3\0" + b"\x01" * 100 + CANARY_PASSWORD.encode() + b"\0" * 50)
    for args in ((), ("--history",)):
        if args:
            commit_all(repo, "files")
        result = dango("secrets", "scan", *args, "--format", "json")
        assert result.code == 1, result
        findings = json.loads(result.out)["findings"]
        found = {(f["path"], f["line"], f["rule"]) for f in findings}
        assert found == {("setup.env.txt", 1, "dango-project-secret"), ("setup.env.txt", 2, "aws-access-key-id"),
                         ("cache.db", 1, "dango-project-secret")}
        (binary,) = [f for f in findings if f["path"] == "cache.db"]
        assert binary["credential"] == "db.password" and binary["excerpt"] == "(binary content)"
        assert CANARY_PASSWORD not in result.output and AWS_KEY not in result.output


def test_pieces_never_cut_a_token_and_count_lines_from_the_start(monkeypatch):
    monkeypatch.setattr(gitio, "PIECE", 64)
    token = "tok_" + "A" * 30
    data = ("short line\n" * 5 + "k=" + token + "\n" + "y" * 150 + " " + token + " " + "z" * 100 + "\n").encode()
    parts = list(gitio.pieces(io.BytesIO(data).read, len(data)))
    assert b"".join(piece for piece, _, _ in parts) == data and len(parts) > 3
    assert all(len(piece) <= 64 + 4096 and not binary for piece, _, binary in parts)
    holding = [line for piece, line, _ in parts if token.encode() in piece]
    assert holding == [6, 7]  # each token whole, in one piece, at its line
    assert sum(piece.count(token.encode()) for piece, _, _ in parts) == 2
    assert list(gitio.pieces(io.BytesIO(b"\0binary").read, 7)) == [(b"\0binary", 1, True)]
    assert list(gitio.pieces(io.BytesIO(b"\xff\xfet\0").read, 4)) == [(b"\xff\xfet\0", 1, False)]
    assert list(gitio.pieces(io.BytesIO(b"").read, 0)) == [(b"", 1, False)]  # an empty file is read too
