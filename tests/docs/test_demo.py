"""The README's demo (`make demo` runs examples/demo.sh) works as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_runs_and_loads_the_sample_data(tmp_path, env):
    path = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    proc = subprocess.run(["bash", str(REPO / "examples/demo.sh"), str(tmp_path / "demo")],
                          env={**env, "PATH": path}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "raw_orders.orders       500 rows" in proc.stdout
    assert "raw_crm.customers        12 rows" in proc.stdout
    assert "${CRM_API_KEY} (CRM_API_KEY set)" in proc.stdout
    assert "demo-key-not-a-real-secret" not in proc.stdout + proc.stderr
