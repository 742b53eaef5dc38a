"""Reading a repository runs none of its programs: a copied or unpacked project can carry a
`.git/config` whose core.fsmonitor names a command, which git runs on every status."""

from __future__ import annotations

import subprocess

from tests.conftest import run_dango


def test_validate_and_scan_do_not_run_the_repositorys_fsmonitor(project_dir, env, tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=project_dir, check=True)
    marker = tmp_path / "ran"
    hook = tmp_path / "monitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    subprocess.run(["git", "config", "core.fsmonitor", str(hook)], cwd=project_dir, check=True)
    subprocess.run(["git", "status", "--short"], cwd=project_dir, capture_output=True)
    assert marker.exists()  # plain git runs it: the check below can fail
    marker.unlink()
    for args in (("validate",), ("secrets", "scan"), ("secrets", "scan", "--history")):
        result = run_dango(*args, cwd=project_dir, env=env)
        assert result.code in (0, 1), result
        assert not marker.exists(), args
