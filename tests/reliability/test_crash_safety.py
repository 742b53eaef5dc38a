"""Reliability: SIGKILL at random moments and many writers at once never lose a byte."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import run_dango

KILLS = 200


def start_set(project_dir, env, target: str, value: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "dango", "secrets", "set", target], cwd=project_dir,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    proc.stdin.write(value.encode())
    proc.stdin.close()
    return proc


@pytest.mark.slow
def test_two_hundred_killed_writers_leave_old_or_new_and_everything_else_intact(project_dir, env):
    for name in ("pay", "other", "third"):
        assert run_dango("source", "add", "stripe", "--name", name, "--no-input",
                         "--set", f"stripe_secret_key=sk_test_{name}_original", cwd=project_dir, env=env).code == 0
    path = project_dir / ".dlt/secrets.toml"
    started = time.monotonic()
    start_set(project_dir, env, "pay.stripe_secret_key", "sk_test_timing").wait()
    lifetime = time.monotonic() - started
    rng = random.Random(20261129)
    allowed = {"sk_test_pay_original", "sk_test_timing"}
    finished = killed = 0
    for attempt in range(KILLS):
        value = f"sk_test_new_{attempt}"
        allowed.add(value)
        proc = start_set(project_dir, env, "pay.stripe_secret_key", value)
        time.sleep(rng.uniform(0, lifetime * 1.1))
        if proc.poll() is None:
            proc.kill()
            killed += 1
        else:
            finished += 1
        proc.wait()
        data = tomllib.loads(path.read_text())
        assert data["sources"]["pay"]["stripe_secret_key"] in allowed
        assert data["sources"]["other"]["stripe_secret_key"] == "sk_test_other_original"
        assert data["sources"]["third"]["stripe_secret_key"] == "sk_test_third_original"
        assert "fingerprint_key" in data["dango"]
        assert os.stat(path).st_mode & 0o777 == 0o600
    assert killed > KILLS // 4, (killed, finished)  # the kills really landed mid-run
    # a killed writer may leave its temporary file (0600, gitignored); the next write removes it
    assert run_dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_final", cwd=project_dir,
                     env=env).code == 0
    assert list((project_dir / ".dlt").glob(".secrets.toml.*.tmp")) == []
    assert run_dango("validate", cwd=project_dir, env=env).code == 0


@pytest.mark.slow
def test_eight_processes_times_twenty_five_distinct_keys(project_dir, env):
    for worker in range(8):
        assert run_dango("source", "add", "google_sheets", "--name", f"w{worker}", "--no-input",
                         "--set", "spreadsheet_url_or_id=x", cwd=project_dir, env=env).code == 0

    keys = ("client_id", "client_secret", "refresh_token", "access_token", "project_id")

    def writer(worker: int) -> list[int]:  # each key written five times, the last value stays
        return [run_dango("secrets", "set", f"w{worker}.credentials.{keys[n % 5]}",
                          input=f"value-{worker}-{n}", cwd=project_dir, env=env).code for n in range(25)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [code for codes in pool.map(writer, range(8)) for code in codes]
    assert codes == [0] * 200
    data = tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"]
    for worker in range(8):
        assert data[f"w{worker}"]["credentials"] == {keys[n % 5]: f"value-{worker}-{n}" for n in range(20, 25)}
