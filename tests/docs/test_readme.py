"""Every shell block of the README and of docs/ works exactly as written.

The blocks run in order, in one bash session with `set -e`, in a temporary folder that
has the repository's examples/ beside it. Lines that call `make` are left out: they
install and test this repository, which is what CI itself runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)


def shell_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text())


def runnable(block: str) -> str:
    return "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("make "))


def run_blocks(blocks: list[str], tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    script = "set -euo pipefail\n" + "\n".join(runnable(b) for b in blocks)
    path = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    run_env = {**env, "PATH": path, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
               "TMPDIR": str(tmp_path)}  # the tour's `cd "$(mktemp -d)"` lands in the test's folder
    return subprocess.run(["bash", "-c", script], cwd=tmp_path, env=run_env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_readme_and_docs_shell_blocks_run_as_written(tmp_path, env):
    docs = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    blocks = [block for doc in docs for block in shell_blocks(doc)]
    assert len(blocks) >= 2
    proc = run_blocks(blocks, tmp_path, env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    shops = list(tmp_path.glob("tmp.*/shop"))
    assert len(shops) == 1, shops
    shop = shops[0]
    secrets = (shop / ".dlt/secrets.toml").read_text()
    assert "ENC[v1,AES256_GCM" in secrets and "a-long-database-password" not in secrets
    for secret in ("sk_test_replace_me", "a-long-database-password"):
        assert secret not in proc.stdout + proc.stderr
    import duckdb

    with duckdb.connect(str(shop / "data/warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw_orders.orders").fetchone()[0] == 500
