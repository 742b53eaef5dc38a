"""dlt reads the file Dango writes (SPEC section 1)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import CANARY_STRIPE


def test_dlt_resolves_a_key_written_by_source_add(dango, project_dir, env):
    result = dango("source", "add", "stripe", "--name", "stripe_payments", "--no-input",
                   "--set", f"stripe_secret_key={CANARY_STRIPE}")
    assert result.code == 0, result
    dango("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=localhost",
          "--set", "port=5433", "--set", "database=d", "--set", "username=u")
    dango("secrets", "set", "db.password", input="pw")
    code = (
        "import dlt\n"
        "assert dlt.secrets['sources.stripe_payments.stripe_secret_key'] == %r\n"
        "assert dlt.secrets['sources.db.port'] == 5433\n"
        "assert dlt.secrets['sources.db.password'] == 'pw'\n"
        "print('ok')\n" % CANARY_STRIPE
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=project_dir, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
