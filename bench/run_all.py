"""Run every benchmark in one go and write bench/RESULTS.md with the machine and date.

Usage: python bench/run_all.py   (what `make bench` runs; several minutes)
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = (
    ("Credential commands, 50 sources (target: at most 5x `python -c pass`)", ["cli.py"]),
    ("Credential commands, encrypted 50-source project (target: at most 8x with the key in a keyring)", ["crypto.py"]),
    ("Sync: 1M-row CSV (target: at most 2x DuckDB's own read_csv)", ["sync_csv.py"]),
    ("Sync: local_files, 10 CSV files, 1M rows (target: at most 2x a bare DuckDB process)",
     ["local_files.py"]),
    ("Scan: 2,000 commits, 50 MB, planted secrets", ["scan.py"]),
    ("Scan coverage: recall and false positives on a corpus of documented formats", ["scan_corpus.py"]),
)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parts = ["# Benchmark results\n",
             f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}, by "
             "`make bench` (`python bench/run_all.py`). Each section is one script's output; every "
             "ratio is against a baseline measured in the same run.\n"]
    failed = False
    for title, args in BENCHES:
        print(f"== {title}", flush=True)
        started = time.monotonic()
        proc = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], capture_output=True,
                              text=True)
        print(proc.stdout, end="", flush=True)
        if proc.returncode != 0:
            failed = True
            print(proc.stderr[-2000:], file=sys.stderr)
        parts.append(f"\n## {title}\n\n`python bench/{' '.join(args)}` ({time.monotonic() - started:.0f} s)\n\n"
                     f"```text\n{proc.stdout.rstrip() or proc.stderr[-1500:].rstrip()}\n```\n")
    (HERE / "RESULTS.md").write_text("".join(parts))
    print(f"wrote {HERE / 'RESULTS.md'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
