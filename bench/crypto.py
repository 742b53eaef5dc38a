"""Credential commands on an encrypted 50-source project, against `python -c pass`.

The key comes from DANGO_MASTER_KEY (as in CI) and from keyrings.alt's file backend in a
temporary HOME (never the user's keyring). Usage: python bench/crypto.py [--runs N]
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli import COMMANDS, make_project, median_seconds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGO_", "SOURCES__", "PYTHON_KEYRING"))}
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"))
        setups = {
            "DANGO_MASTER_KEY": dict(env, DANGO_MASTER_KEY=base64.b64encode(os.urandom(32)).decode()),
            "keyrings.alt file": dict(env, PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring"),
        }
        base = median_seconds([sys.executable, "-c", "pass"], Path(tmp), env, args.runs)
        print(f"{'python -c pass':40s} {base * 1000:7.1f} ms   1.0x  (baseline)")
        for index, (label, setup_env) in enumerate(setups.items()):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            project = make_project(folder, setup_env)
            subprocess.run([sys.executable, "-m", "dango", "secrets", "encrypt"], cwd=project,
                           env=setup_env, check=True, capture_output=True)
            for command in COMMANDS:
                seconds = median_seconds([sys.executable, "-m", "dango", *command], project, setup_env, args.runs)
                name = f"dango {' '.join(command)} ({label})"
                if seconds is None:
                    print(f"{name:40s}  (not available)")
                    continue
                print(f"{name:40s} {seconds * 1000:7.1f} ms {seconds / base:5.1f}x")


if __name__ == "__main__":
    main()
