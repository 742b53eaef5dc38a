"""How fast are the credential commands? Median wall time on a 50-source project.

Prints each command's median time and its ratio to `python -c pass` measured in the same
run (SPEC section 8: at most 8x). Usage: python bench/cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# what every credential command imports before any dango code runs: the command line
# parser, the TOML reader of .dlt/secrets.toml and the YAML reader of .dango/*.yml
FLOOR = "import click, tomllib, ruamel.yaml"
COMMANDS = (["config", "show"], ["validate"], ["source", "list"], ["auth", "status"])


def median_seconds(argv: list[str], cwd: Path, env: dict[str, str], runs: int) -> float | None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            return None
    return statistics.median(times)


def make_project(root: Path, env: dict[str, str]) -> Path:
    project = root / "fifty"
    dango = [sys.executable, "-m", "dango"]
    subprocess.run([*dango, "init", str(project)], env=env, check=True, capture_output=True)
    sources = ["sources:"]
    secrets = []
    for n in range(50):
        kind = ("stripe", "postgres", "rest_api", "csv", "google_sheets")[n % 5]
        sources.append(f"  - name: s{n}\n    type: {kind}")
        if kind == "stripe":
            secrets.append(f'[sources.s{n}]\nstripe_secret_key = "sk_test_{n:040d}"\n')
        elif kind == "postgres":
            secrets.append(f'[sources.s{n}]\nhost = "db{n}.internal"\ndatabase = "d"\nusername = "u"\n'
                           f'password = "${{PG_PASSWORD_{n}:-x}}"\n')
        elif kind == "rest_api":
            sources.append("    base_url: https://api.example.com")
            secrets.append(f'[sources.s{n}]\napi_key = "key-{n:032d}"\n')
        elif kind == "csv":
            sources.append(f"    file_path: data/{n}.csv")
        else:
            sources.append(f"    spreadsheet_url_or_id: sheet{n}")
            secrets.append(f'[sources.s{n}.credentials]\nclient_id = "c{n}"\nclient_secret = "GOCSPX-{n:020d}"\n'
                           f'refresh_token = "1//{n:040d}"\n')
    (project / ".dango/sources.yml").write_text("\n".join(sources) + "\n")
    (project / ".dlt/secrets.toml").write_text("\n".join(secrets))
    settled = time.time() - 3600  # as if edited an hour ago, like a project in daily use
    for path in project.rglob("*"):
        os.utime(path, (settled, settled))
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGO_", "SOURCES__"))}
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), env)
        base = median_seconds([sys.executable, "-c", "pass"], project, env, args.runs)
        print(f"{'python -c pass':28s} {base * 1000:7.1f} ms   1.0x  (baseline)")
        floor = median_seconds([sys.executable, "-c", FLOOR], project, env, args.runs)
        print(f"{'import click, tomllib, ruamel':28s} {floor * 1000:7.1f} ms {floor / base:5.1f}x  "
              "(the libraries every command needs, before any of dango)")
        dango = Path(sys.executable).with_name("dango")  # the console script users run
        launcher = [str(dango)] if dango.exists() else [sys.executable, "-m", "dango"]
        for command in COMMANDS:
            seconds = median_seconds([*launcher, *command], project, env, args.runs)
            label = "dango " + " ".join(command)
            if seconds is None:
                print(f"{label:28s}  (not available)")
                continue
            print(f"{label:28s} {seconds * 1000:7.1f} ms {seconds / base:5.1f}x")


if __name__ == "__main__":
    main()
