"""dlt reads .dlt/config.toml and .dlt/secrets.toml itself at sync time: a file saved by
Notepad or Excel (a byte order mark, UTF-16) or a config.toml with a typo is one sentence
naming the file and the fix, before anything loads, and a `validate` problem; nothing else
changes. CRLF line endings alone are fine."""

from __future__ import annotations

import pytest

from tests.conftest import snapshot
from tests.sync.helpers import ORDERS, add, count

CONFIG = "# Non-secret dlt settings\n[runtime]\ndlthub_telemetry = false\n"
BOM = b"\xef\xbb\xbf"


def _windows(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


@pytest.mark.parametrize("rel, data, problem", [
    (".dlt/config.toml", BOM + _windows(CONFIG), ":1: starts with a byte order mark, which dlt cannot read"),
    (".dlt/config.toml", CONFIG.encode("utf-16"), ":1: is UTF-16 text, which dlt cannot read"),
    (".dlt/config.toml", CONFIG.encode() + b"log_level = WARNING\n", ":4:13: the value after = is missing or not quoted"),
    (".dlt/secrets.toml", None, ":1: starts with a byte order mark, which dlt cannot read"),
])
def test_a_file_dlt_cannot_read_stops_the_sync_in_one_sentence(dango, project_dir, rel, data, problem):
    add(dango, "csv", "orders", f"file_path={ORDERS}")
    path = project_dir / rel
    path.write_bytes(data if data is not None else BOM + _windows(path.read_text()))
    before = snapshot(project_dir)

    result = dango("sync")

    assert result.code == 2, result
    assert result.err.startswith(f"error: {rel}{problem}"), result
    assert "save it as UTF-8 without a byte order mark" in result.err or "put text in double quotes" in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "orders" not in result.out  # nothing was started
    assert snapshot(project_dir) == before

    checked = dango("validate")
    assert checked.code == 1, checked
    assert f"{rel}{problem}" in checked.out
    assert snapshot(project_dir) == before


def test_crlf_files_without_bom_sync(dango, project_dir):
    add(dango, "csv", "orders", f"file_path={ORDERS}")
    for rel in (".dlt/config.toml", ".dlt/secrets.toml"):
        path = project_dir / rel
        path.write_bytes(_windows(path.read_text()))

    result = dango("sync")

    assert result.code == 0, result
    assert count(project_dir, "raw_orders.orders") == 500
    assert dango("validate").code == 0
