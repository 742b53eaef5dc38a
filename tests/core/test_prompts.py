"""Interactive `source add` and `secrets set` on a real terminal (a pty): secrets are not echoed."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

from tests.conftest import CANARY_STRIPE


def run_in_pty(args, cwd, env, answers, timeout=30.0):
    """Run `dango args` on a pty, answering each prompt (matched by text) in turn; an
    answer of None sends SIGINT, what Ctrl-C sends."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dango", *args], cwd=cwd, env=env,
                            stdin=child, stdout=child, stderr=child, close_fds=True)
    os.close(child)
    screen, pending = b"", list(answers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        if pending and pending[0][0].encode() in screen.split(b"\n")[-1]:
            if pending[0][1] is not None:
                os.write(main, pending.pop(0)[1].encode() + b"\r")
            elif _waiting_for_input(proc.pid):  # a signal before the read would be lost
                pending.pop(0)
                proc.send_signal(signal.SIGINT)
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=5)
    os.close(main)
    return proc.returncode, screen.decode(errors="replace")


def _waiting_for_input(pid: int) -> bool:
    """Whether the process sleeps (in its read of the terminal, once its prompt is shown).
    Python checks for a signal between steps of its own code: one that arrives after the
    prompt is written but before the read starts is only seen once the read returns."""
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rpartition(")")[2].split()[0] == "S"


def test_source_add_prompts_with_hidden_input_for_the_secret(project_dir, env):
    code, screen = run_in_pty(["source", "add", "stripe", "--name", "pay"], project_dir, env,
                              [("stripe_secret_key", CANARY_STRIPE)])
    assert code == 0, screen
    assert "Added source pay (stripe)." in screen
    assert CANARY_STRIPE not in screen  # not echoed
    assert CANARY_STRIPE in (project_dir / ".dlt/secrets.toml").read_text()


def test_postgres_prompts_for_connection_fields(project_dir, env):
    answers = [("host", "db.local"), ("port", ""), ("database", "shop"), ("username", "loader"),
               ("password", "hunter2-pw")]
    code, screen = run_in_pty(["source", "add", "postgres", "--name", "db"], project_dir, env, answers)
    assert code == 0, screen
    assert "hunter2-pw" not in screen
    text = (project_dir / ".dlt/secrets.toml").read_text()
    assert 'host = "db.local"' in text and "port = 5432" in text and 'password = "hunter2-pw"' in text


def test_secrets_set_prompts_hidden_on_a_terminal(project_dir, env):
    subprocess.run([sys.executable, "-m", "dango", "source", "add", "stripe", "--name", "pay", "--no-input"],
                   cwd=project_dir, env=env, capture_output=True, check=True)
    code, screen = run_in_pty(["secrets", "set", "pay.stripe_secret_key"], project_dir, env,
                              [("pay.stripe_secret_key", CANARY_STRIPE)])
    assert code == 0, screen
    assert CANARY_STRIPE not in screen
    assert f'stripe_secret_key = "{CANARY_STRIPE}"' in (project_dir / ".dlt/secrets.toml").read_text()


def test_a_taken_name_is_said_before_asking_and_a_bad_name_is_asked_again(project_dir, env):
    from tests.conftest import run_dango

    assert run_dango("source", "add", "stripe", "--no-input", cwd=project_dir, env=env).code == 0
    code, screen = run_in_pty(["source", "add", "stripe"], project_dir, env,
                              [("Source name", "Stripe"), ("Source name", "stripe"),
                               ("Source name", "stripe_eu"), ("stripe_secret_key", CANARY_STRIPE)])
    assert code == 0, screen
    lines = [line.strip() for line in screen.splitlines()]
    taken = "A source named stripe already exists; choose another name, such as stripe_2."
    assert taken in lines and lines.index(taken) < next(i for i, l in enumerate(lines) if "Source name" in l)
    assert "'Stripe' cannot be a source name: it is not a lowercase identifier." in screen
    assert "A source named stripe already exists; choose another name." in lines
    assert "Added source stripe_eu (stripe)." in screen


def test_ctrl_c_at_a_prompt_exits_130_with_one_line_and_changes_nothing(project_dir, env):
    from tests.conftest import run_dango

    assert run_dango("source", "add", "stripe", "--name", "pay", "--no-input", cwd=project_dir, env=env).code == 0
    before = {p: p.read_bytes() for p in project_dir.rglob("*") if p.is_file()}
    for args, answers in [
        (["secrets", "set", "pay.stripe_secret_key"], [("pay.stripe_secret_key", None)]),  # hidden
        (["source", "add", "postgres", "--name", "db"], [("host", "db.local"), ("port", None)]),
        (["source", "remove", "pay"], [("Remove source pay", None)]),  # a confirmation
    ]:
        code, screen = run_in_pty(args, project_dir, env, answers)
        assert code == 130, (args, screen)
        assert screen.strip().splitlines()[-1].strip().endswith("Interrupted."), screen
        assert "Aborted" not in screen and "Traceback" not in screen
    assert {p: p.read_bytes() for p in project_dir.rglob("*") if p.is_file()} == before
