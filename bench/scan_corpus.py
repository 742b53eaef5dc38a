"""How much does `dango secrets scan` find, and how often is it wrong? Recall and false alarms.

Generates a corpus from the documented credential formats that the rules are written from:
for every rule, true samples (a credential assigned in env, shell, YAML, JSON, INI, Go, Make,
Ruby or XML syntax, or in the format's own context: a PEM block, a URL, a header), and false
samples: placeholders of each format (`ghp_xxxx...`), vendors' documented example keys,
references (`${VAR}`, `{{ secret }}`, `os.environ[...]`), masked values, code, public values
(checksums, commit ids, publishable keys). Each sample is its own file. Then runs
`dango secrets scan --path` and `detect-secrets scan --all-files` on the corpus and prints each
tool's recall (true samples with a finding) and false-positive rate (false samples with one).

The corpus comes from the same format descriptions as the rules, so recall here shows that
every rule works in every syntax, not how well the formats were read from the documentation.
Usage: python bench/scan_corpus.py [--per-rule N] [--keep DIR] [--no-detect-secrets]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from dango.scan.rules import RULES
from dango.scan.rules.filters import KNOWN_EXAMPLES
from dango.scan.rules.model import SYNTAXES, assignment


def extension(line: str) -> str:
    """A file name for a sample, from its syntax (scanners may read files by type)."""
    text = line.lstrip()
    if text.startswith("export "):
        return "deploy.sh"
    if text.startswith('"'):
        return "config.json"
    if text.startswith(":"):
        return "settings.rb"
    if text.startswith("<"):
        return "app.config.xml"
    if "?=" in text:
        return "Makefile"
    if ":=" in text:
        return "main.go"
    if "-----BEGIN" in text or "PuTTY" in text:
        return "id_key.pem"
    head = text.split("=", 1)[0]
    if "=" in text and head.isupper() and " " not in head:
        return "vars.conf"
    if ": " in text.split("=", 1)[0]:
        return "config.yaml"
    return "settings.ini"


def false_samples(rng: random.Random) -> list[str]:
    names = ("api_key", "password", "secret", "token", "client_secret", "auth_token", "db_password")
    values = ("${API_KEY}", "<token>", "your-key-here", "****************", "{{ secrets.API_TOKEN }}",
              "changeme", "xxxxxxxxxxxxxxxxxxxxxxxx", "<YOUR_API_KEY>", "%(password)s", "$DB_PASSWORD",
              "REPLACE_ME_WITH_YOUR_KEY", "[REDACTED]", "os.environ['TOKEN']", "settings.SECRET_KEY",
              "get_secret()", "None", "vault:secret/data/db#password", "dummy-secret-for-tests", "example_api_key_123")
    out = [assignment(rng, rng.choice(names), value) for value in values for _ in range(8)]
    out += [assignment(rng, rng.choice(("aws_access_key_id", "api_key", "key", "token")), example.decode())
            for example in sorted(KNOWN_EXAMPLES) for _ in range(3)]
    for _ in range(40):  # public values that look random
        digest = hashlib.sha256(str(rng.random()).encode()).hexdigest()
        out += [f"sha256: {digest}", f"commit = \"{digest[:40]}\"", f"request_id: {uuid.UUID(int=rng.getrandbits(128))}",
                f"integrity=\"sha512-{digest}{digest[:22]}==\"", "STRIPE_PUBLISHABLE_KEY=pk" + "_live_"
                + "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(24))]
    out += ["-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
            "def rotate(token: str, secrets: SecretsFile) -> None:", "password = getpass.getpass()",
            "TOKEN_URL = https://oauth2.googleapis.com/token", "url = 'https://user@example.org/path'"] * 4
    return out


def build(root: Path, per_rule: int) -> tuple[list[Path], list[Path]]:
    rng = random.Random(16)
    true, false = [], []
    for rule in RULES:
        for n in range(per_rule):
            line = rule.sample(rng)
            path = root / "true" / rule.id / f"{n}-{extension(line)}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# sample\n{line}\n")
            true.append(path)
        if rule.fakes:  # the format filled with a placeholder, assigned to a name
            line = rule.fakes[0] if rule.kind != "token" else assignment(rng, rule.id.replace("-", "_"), rule.fakes[0])
            path = root / "false" / rule.id / extension(line)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# placeholder\n{line}\n")
            false.append(path)
    for n, line in enumerate(false_samples(rng)):
        path = root / "false" / "common" / f"{n}-{extension(line)}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# not a secret\n{line}\n")
        false.append(path)
    return true, false


def run_dango(root: Path, env: dict[str, str]) -> tuple[float, set[str]]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dango", "secrets", "scan", "--path", str(root), "--format",
                           "json", "--no-project-secrets", "--baseline", str(root.parent / "baseline.json")],
                          cwd=root.parent, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"dango failed: {proc.stderr}")
    return seconds, {str((root.parent / f["path"]).resolve()) for f in json.loads(proc.stdout)["findings"]}


def run_detect_secrets(root: Path) -> tuple[float, set[str]] | None:
    tool = shutil.which("detect-secrets") or str(Path(sys.executable).with_name("detect-secrets"))
    if not os.path.exists(tool):
        return None
    start = time.perf_counter()
    proc = subprocess.run([tool, "scan", "--all-files", "."], cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return None
    return seconds, {str((root / name).resolve()) for name in json.loads(proc.stdout)["results"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-rule", type=int, default=12, help="true samples per rule")
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--no-detect-secrets", action="store_true")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGO_", "SOURCES__"))}
    with tempfile.TemporaryDirectory() as temporary:
        base = args.keep or Path(temporary)
        root = base / "corpus"
        if root.exists():
            shutil.rmtree(root)
        env["HOME"] = str(base)
        true, false = build(root, args.per_rule)
        print(f"corpus: {len(true)} true samples ({len(RULES)} rules x {args.per_rule}), {len(false)} false samples")
        results = {"dango secrets scan": run_dango(root, env)}
        results["detect-secrets"] = None if args.no_detect_secrets else run_detect_secrets(root)
        print(f"\n{'tool':22} {'recall':>8} {'false positives':>16} {'seconds':>8}")
        misses: dict[str, list[str]] = {}
        for name, outcome in results.items():
            if outcome is None:
                print(f"{name:22} {'skipped (not installed)':>34}")
                continue
            seconds, flagged = outcome
            found = [p for p in true if str(p.resolve()) in flagged]
            alarms = [p for p in false if str(p.resolve()) in flagged]
            misses[name] = sorted({p.parent.name for p in true if str(p.resolve()) not in flagged})
            print(f"{name:22} {len(found) / len(true):8.1%} {len(alarms) / len(false):16.1%} {seconds:8.1f}"
                  f"   ({len(found)}/{len(true)} found, {len(alarms)}/{len(false)} false alarms)")
            if name.startswith("dango") and alarms:
                print("  false alarms: " + ", ".join(sorted({str(p.relative_to(root)) for p in alarms})[:10]))
        missed = misses.get("dango secrets scan", [])
        if missed:
            print(f"  dango missed samples of {len(missed)} rules: {', '.join(missed[:15])}")


if __name__ == "__main__":
    main()
