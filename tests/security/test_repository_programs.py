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


def test_git_never_sees_dangos_own_secret_variables(project_dir, env, tmp_path):
    """git needs none of them, and a repository's configuration decides what git runs."""
    import shutil

    real = shutil.which("git")
    seen = tmp_path / "environments"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    wrapper.write_text(f"#!/bin/sh\nenv >> {seen}\nexec {real} \"$@\"\n")
    wrapper.chmod(0o755)
    subprocess.run(["git", "init", "-q"], cwd=project_dir, check=True)
    secrets = {"DANGO_MASTER_KEY": "bWFzdGVyLWtleS1jYW5hcnktMDEyMzQ1Njc4OWFiY2RlZg==",  # dango:allow
               "GOOGLE_CLIENT_SECRET": "GOCSPX-canary-0123456789"}  # dango:allow
    extra = {**env, **secrets, "PATH": f"{wrapper.parent}:{env.get('PATH', '')}"}
    for args in (("validate",), ("secrets", "scan"), ("secrets", "scan", "--history")):
        result = run_dango(*args, cwd=project_dir, env=extra)
        assert result.code in (0, 1), result
    text = seen.read_text()
    assert "GIT_ALLOW_PROTOCOL=" in text  # git ran, through the wrapper
    assert not any(name in text or value in text for name, value in secrets.items())
