"""Dango's own repository scans clean with the default rules.

The test fixtures hold deliberately secret-shaped fakes (canaries such as
`sk_live_CANARY...`, a fake Google client secret, fake database passwords in URLs). They
are accepted by the committed `.dango/scan-baseline.json` at the repository root, whose
salted scrypt fingerprints accept those values wherever they appear. A new fake value
in a test needs `dango secrets scan --update-baseline` (after checking it is not real),
exactly as in any project; a real secret would be reported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_repository_fixtures_raise_no_findings(env):
    proc = subprocess.run([sys.executable, "-m", "dango", "secrets", "scan", "--path", "tests", "--path", "src"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, (
        "scanning the repository found secrets; if they are test fakes, run "
        f"`dango secrets scan --update-baseline` at the repository root\n{proc.stdout}{proc.stderr}")
    assert "0 findings" in proc.stderr
