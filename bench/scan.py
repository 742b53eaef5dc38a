"""How fast and how complete is `dango secrets scan --history`?

Builds a Dango project whose git history has at least 2,000 commits and 50 MB of text,
with secrets planted at known places (a deleted file, a branch that was never merged,
base64 in JSON, a log, a URL-encoded password, a copied .env, provider tokens), then runs:
- `dango secrets scan --history` on the repository;
- detect-secrets (`detect-secrets scan --all-files`) on a checkout of the same content
  (every distinct file version of the history written out as a file), if installed;
- ripgrep (`rg -i -F`) with every keyword of the same rules and the project's own values on
  that checkout, if installed: the keyword search alone, with no git walking and no rule
  expressions, the practical limit. Says so when `rg` is missing.
Prints each tool's wall time, its ratio to dango's, and which planted secrets it found.
Usage: python bench/scan.py [--commits N] [--megabytes M] [--keep DIR] [--no-detect-secrets]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from dango.scan.rules.checks import with_crc32_base62

STRIPE = "sk_live_" + "B3nchPl4nt3dStr1peK3y0123456789"
DB_PASSWORD = "bench-pw/" + "4f9c+2e7a:1d8b"  # dango:allow (a planted fake)
API_TOKEN = "bench-tok-" + "7Qx2Lm9Pv4Rt8Yw1"  # dango:allow (a planted fake)
AWS = "AKIA" + "BENCHPLANTED0001"
GITHUB = with_crc32_base62("ghp_" + "B3nchPl4nt3dG1tHubT0k3n0123456" + "000000")  # a valid checksum
SLACK = "xoxb-" + "1234567890-1234567890123-B3nchPl4nt3dSl4ckT0k3n01"
GOOGLE = "GOCSPX-" + "b3nch_pl4nted_cl1ent_s3cret"
PEM = ("-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEAbenchplantedkeymaterial0123456789abcdefABCDEF\n"
       "-----END RSA " + "PRIVATE KEY-----\n")

# name -> (path in the repository, content, where it lives)
PLANTS = {
    "deleted-file": ("config/plant_settings.py", f'STRIPE_KEY = "{STRIPE}"\n', "deleted"),
    "other-branch": ("deploy/plant_deploy.sh", f"export AWS_ACCESS_KEY_ID={AWS}\n", "branch"),
    "base64-json": ("fixtures/plant_fixture.json",
                    json.dumps({"auth": base64.b64encode(f"loader:{DB_PASSWORD}".encode()).decode()}) + "\n",
                    "main"),
    "log": ("logs/plant_sync.log", f"GET /v1/items?token={API_TOKEN} -> 401\n", "main"),
    "url-encoded": ("src/plant_db.py", f'URL = "postgresql://loader:{quote(DB_PASSWORD, safe="")}@db/shop"\n',
                    "main"),
    "env-copy": ("plant_env.old", f"API_TOKEN={API_TOKEN}\nSTRIPE={STRIPE}\n", "main"),
    "github": ("tools/plant_release.py", f'TOKEN = "{GITHUB}"\n', "deleted"),
    "slack": ("ops/plant_notify.txt", f"webhook token {SLACK}\n", "main"),
    "google": ("creds/plant_client.json", json.dumps({"installed": {"client_secret": GOOGLE}}) + "\n", "branch"),
    "private-key": ("keys/plant_id.pem", PEM, "main"),
}
OWN_VALUES = (STRIPE, DB_PASSWORD, API_TOKEN)

WORDS = ("def return import class self value data result items config client request response "
         "table rows count index name path load save sync source field check error retry page").split()


def make_lines(rng: random.Random, n: int) -> list[str]:
    lines = []
    for i in range(n):
        indent = "    " * rng.randint(0, 3)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 10)))
        if i % 40 == 0:
            words += f'  # id {rng.getrandbits(128):032x}'
        lines.append(f"{indent}{words}\n")
    return lines


def fast_import_stream(commits: int, megabytes: int, rng: random.Random):
    """The history as a `git fast-import` stream, written in chunks."""
    pool = make_lines(rng, 20000)
    file_count = 300
    target = megabytes * 1024 * 1024
    per_blob = target // (commits * 2)
    files: dict[str, list[str]] = {}
    plant_at = {name: int(commits * (i + 1) / (len(PLANTS) + 2)) for i, name in enumerate(PLANTS)}
    mark = 0
    stamp = 1_700_000_000
    for number in range(1, commits + 1):
        changes = []
        for _ in range(2):
            path = f"src/pkg{rng.randrange(20)}/module_{rng.randrange(file_count)}.py"
            lines = files.get(path) or rng.choices(pool, k=per_blob // 40)
            start = rng.randrange(max(1, len(lines) - 30))
            lines = lines[:start] + rng.choices(pool, k=20) + [f"# revision {number}\n"] + lines[start + 20:]
            files[path] = lines
            changes.append(("M", path, "".join(lines)))
        for name, at in plant_at.items():
            path, content, where = PLANTS[name]
            if at == number and where in ("main", "deleted"):
                changes.append(("M", path, content))
            if at + 1 == number and where == "deleted":
                changes.append(("D", path, None))
        yield from _commit("refs/heads/main", number, stamp + number, changes, mark)
        mark += 1
    # a branch from an early commit that was never merged
    branch = [("M", PLANTS[n][0], PLANTS[n][1]) for n in PLANTS if PLANTS[n][2] == "branch"]
    yield (f"commit refs/heads/experiment\nmark :{commits + 1}\ncommitter Bench <b@bench.test> "
           f"{stamp} +0000\ndata 11\nexperiment\nfrom :{commits // 3}\n").encode()
    for _, path, content in branch:
        data = content.encode()
        yield f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
    yield b"\n"


def _commit(ref: str, number: int, when: int, changes, previous: int):
    head = f"commit {ref}\nmark :{number}\ncommitter Bench <b@bench.test> {when} +0000\n"
    message = f"change {number}"
    head += f"data {len(message)}\n{message}\n"
    if previous:
        head += f"from :{previous}\n"
    parts = [head.encode()]
    for kind, path, content in changes:
        if kind == "D":
            parts.append(f"D {path}\n".encode())
        else:
            data = content.encode()
            parts.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    parts.append(b"\n")
    yield b"".join(parts)


def build(root: Path, commits: int, megabytes: int, env: dict[str, str]) -> Path:
    project = root / "repo"
    dango = [sys.executable, "-m", "dango"]
    subprocess.run([*dango, "init", str(project)], env=env, check=True, capture_output=True)
    for args, value in ((["source", "add", "stripe", "--name", "pay", "--no-input"], None),
                        (["secrets", "set", "pay.stripe_secret_key"], STRIPE),
                        (["source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=db",
                          "--set", "database=shop", "--set", "username=loader"], None),
                        (["secrets", "set", "db.password"], DB_PASSWORD),
                        (["source", "add", "rest_api", "--name", "api", "--no-input", "--set",
                          "base_url=https://api.test"], None),
                        (["secrets", "set", "api.api_key"], API_TOKEN)):
        subprocess.run([*dango, *args], cwd=project, env=env, input=value, text=True, check=True,
                       capture_output=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True)
    proc = subprocess.Popen(["git", "-C", str(project), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    for chunk in fast_import_stream(commits, megabytes, random.Random(7)):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(project), "checkout", "-q", "-f", "main"], check=True)
    return project


def checkout_all_versions(project: Path, target: Path) -> int:
    """Every distinct blob of the history as a file: the same content, without git."""
    listing = subprocess.run(["git", "-C", str(project), "rev-list", "--objects", "--all",
                              "--filter=object:type=blob", "--filter-provided-objects"],
                             capture_output=True, text=True, check=True).stdout.split("\n")
    from dango.scan.gitio import read_blobs

    paths = dict(line.partition(" ")[::2] for line in listing if line)
    total = 0
    for blob, data in read_blobs(project, list(paths)):
        if data is None:
            continue
        folder, _, name = paths[blob].rpartition("/")
        out = target / folder / f"{blob[:10]}__{name}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        total += len(data)
    return total


def found_plants(paths: set[str]) -> dict[str, bool]:
    names = {p.rsplit("/", 1)[-1].split("__", 1)[-1] for p in paths}
    return {plant: PLANTS[plant][0].rsplit("/", 1)[-1] in names for plant in PLANTS}


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def run_dango(project: Path, env: dict[str, str]):
    seconds, proc = timed([sys.executable, "-m", "dango", "secrets", "scan", "--history", "--format", "json"],
                          project, env)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"dango failed: {proc.stderr}")
    return seconds, {f["path"] for f in json.loads(proc.stdout)["findings"]}, len(json.loads(proc.stdout)["findings"])


def run_dango_checkout(project: Path, checkout: Path, env: dict[str, str]):
    seconds, proc = timed([sys.executable, "-m", "dango", "secrets", "scan", "--path", str(checkout),
                           "--format", "json"], project, env)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"dango failed: {proc.stderr}")
    findings = json.loads(proc.stdout)["findings"]
    return seconds, {f["path"] for f in findings}, len(findings)


def run_detect_secrets(checkout: Path):
    tool = shutil.which("detect-secrets") or str(Path(sys.executable).with_name("detect-secrets"))
    if not os.path.exists(tool):
        return None
    seconds, proc = timed([tool, "scan", "--all-files", "."], checkout)
    if proc.returncode != 0:
        return None
    results = json.loads(proc.stdout)["results"]
    return seconds, set(results), sum(len(v) for v in results.values())


def run_ripgrep(checkout: Path):
    """ripgrep searching, case-insensitively, for every keyword of the default rules and the
    project's own values: the prefilter's work alone, without git and without the expressions."""
    tool = shutil.which("rg")
    if tool is None:
        return None
    from dango.redact import encodings
    from dango.scan.rules import select

    keywords = sorted({keyword.decode() for rule in select() for keyword in rule.keywords})
    keywords += [form for value in OWN_VALUES for form in encodings(value)]
    argv = [tool, "-i", "-F", "--no-ignore", "--hidden", "-n", "--json"]
    for keyword in keywords:
        argv += ["-e", keyword]
    seconds, proc = timed([*argv, "."], checkout)
    paths, count = set(), 0
    for line in proc.stdout.splitlines():
        event = json.loads(line)
        if event["type"] == "match":
            paths.add(event["data"]["path"]["text"])
            count += 1
    return seconds, paths, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--no-detect-secrets", action="store_true", help="skip detect-secrets (minutes)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGO_", "SOURCES__"))}
    with tempfile.TemporaryDirectory() as temporary:
        root = args.keep or Path(temporary)
        root.mkdir(parents=True, exist_ok=True)
        env["HOME"] = str(root)
        start = time.perf_counter()
        project = build(root, args.commits, args.megabytes, env)
        checkout = root / "checkout"
        size = checkout_all_versions(project, checkout)
        commits = subprocess.run(["git", "-C", str(project), "rev-list", "--all", "--count"],
                                 capture_output=True, text=True).stdout.strip()
        print(f"repository: {commits} commits, {size / 1e6:.1f} MB in "
              f"{sum(1 for _ in checkout.rglob('*') if _.is_file())} file versions "
              f"(built in {time.perf_counter() - start:.0f} s); {len(PLANTS)} planted secrets")
        results = {"dango secrets scan --history": run_dango(project, env),
                   "dango secrets scan --path (checkout)": run_dango_checkout(project, checkout, env)}
        detect = None if args.no_detect_secrets else run_detect_secrets(checkout)
        results["detect-secrets (checkout)"] = detect
        results["ripgrep, same keywords (checkout)"] = run_ripgrep(checkout)
        base = results["dango secrets scan --history"][0]
        print(f"\n{'tool':38} {'seconds':>8} {'vs dango':>9} {'findings':>9}  planted found")
        for name, outcome in results.items():
            if outcome is None:
                why = "rg is not installed (apt-get install ripgrep)" if name.startswith("ripgrep") else "skipped"
                print(f"{name:38} {why}")
                continue
            seconds, paths, count = outcome
            found = found_plants(paths)
            missed = [plant for plant, ok in found.items() if not ok]
            print(f"{name:38} {seconds:8.2f} {seconds / base:8.1f}x {count:9d}  "
                  f"{sum(found.values())}/{len(found)}" + (f" (missed: {', '.join(missed)})" if missed else ""))


if __name__ == "__main__":
    main()
