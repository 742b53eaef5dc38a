"""A repository's `.gitleaks.toml` adds rules to the scan and narrows it with allowlists."""

from __future__ import annotations

import random
import subprocess
import sys

from dango.scan.rules import RULES
from dango.scan.run import ScanOptions, run_scan
from tests.conftest import changes_between, tree_state
from tests.scan.conftest import commit_all, git

AWS = next(rule for rule in RULES if rule.id == "aws-access-key-id")


def internal_token(seed: int) -> str:
    rng = random.Random(seed)
    return "acme" + "_tok_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24))


CONFIG = """\
title = "team rules"
[extend]
useDefault = true

[[rules]]
id = "acme-internal-token"
description = "ACME internal API token"
regex = '''acme(?i)_TOK_([a-z0-9]{24})\\b'''
secretGroup = 1
keywords = ["ACME"]

  [[rules.allowlists]]
  regexes = ['''^0000''']

[[rules]]
id = "look-behind"
regex = '''(?<!test_)secret_[0-9]{8}'''

[[allowlists]]
description = "fixtures"
paths = ['''(^|/)fixtures/''']

[allowlist]
stopwords = ["notreal"]
"""


def scan(root, **options):
    return run_scan(ScanOptions(root=root, **options))


RE2_SYNTAX = """\
[[rules]]
id = "flags-in-the-middle"
regex = '''acme(?i)_KEY_([[:alnum:]]{12})\\z'''
secretGroup = 1

[[rules]]
id = "named-and-unicode"
regex = '''(?<label>\\p{Greek}+)_token_\\Q+1.\\E([0-9]{10})'''
secretGroup = 2
"""


def test_rules_in_gitleaks_re2_syntax_run_as_gitleaks_runs_them(tmp_path):
    """Flags opened mid-expression, `\\z`, POSIX and Unicode classes, `(?<name>`, `\\Q…\\E`:
    RE2 reads them as gitleaks does, with nothing rewritten."""
    (tmp_path / ".gitleaks.toml").write_text(RE2_SYNTAX)
    (tmp_path / "a.txt").write_text("acme_key_Ab3De5Gh7Jk9")
    (tmp_path / "b.txt").write_text("ACME_KEY_Ab3De5Gh7Jk9\n")  # `acme` itself is case-sensitive
    (tmp_path / "c.txt").write_text("λόγος_token_+1.4815162342\n")
    result = scan(tmp_path)
    assert sorted((f.path, f.rule, f.secret) for f in result.findings) == [
        ("a.txt", "flags-in-the-middle", "Ab3De5Gh7Jk9"), ("c.txt", "named-and-unicode", "4815162342")]
    assert result.warnings == []


HOSTILE = """\
[[rules]]
id = "catastrophic"
regex = '''(a+)+$'''

[[rules]]
id = "token"
regex = '''tok_[A-Za-z0-9]{16}'''

[[allowlists]]
regexTarget = "line"
regexes = ['''(x+x+)+y''']

[[allowlists]]
paths = ['''^(a|aa)+$''']
"""


def test_a_hostile_gitleaks_file_cannot_make_the_scan_hang(tmp_path):
    """Expressions that backtrack for ages in Python's `re` (a cloned repository may ship
    them), as a rule, a line allowlist and a path allowlist, are matched by RE2 in linear
    time: the scan finishes, here in well under a second (the generous timeout only turns a
    hang into a failure)."""
    (tmp_path / ".gitleaks.toml").write_text(HOSTILE)
    (tmp_path / ("a" * 60 + ".txt")).write_text("a" * 5000 + "!\n" + "tok_Zq8Lm3Vx7Rt2Wp9K " + "x" * 5000 + "\n")
    code = ("import sys; from pathlib import Path; from dango.scan.run import ScanOptions, run_scan; "
            "r = run_scan(ScanOptions(root=Path(sys.argv[1]))); "
            "print(*sorted(f.rule for f in r.findings), len(r.warnings))")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    # `(a+)+$` needs the a's to reach the end; neither allowlist matches the token's line or path
    assert proc.stdout.split() == ["token", "0"]
    assert proc.stderr == ""  # RE2 logs nothing of its own


def test_rules_and_allowlists_of_a_gitleaks_file(tmp_path):
    (tmp_path / ".gitleaks.toml").write_text(CONFIG)
    token, aws = internal_token(1), AWS.secret(random.Random(2))
    (tmp_path / "app.py").write_text(f"TOKEN = '{token}'\nKEY = '{aws}'\nOTHER = 'acme_tok_notreal{'a' * 16}'\n")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "data.py").write_text(f"TOKEN = '{internal_token(3)}'\n")
    (tmp_path / "zeros.py").write_text("value = 'acme_tok_" + "0000" + "a1b2c3d4e5f6a7b8c9d0'\n")
    result = scan(tmp_path)
    found = sorted((f.path, f.line, f.rule) for f in result.findings)
    assert found == [("app.py", 1, "acme-internal-token"), ("app.py", 2, "aws-access-key-id")]
    assert result.findings[0].secret == token.split("_tok_")[1]
    (warning,) = result.warnings  # RE2, like gitleaks, has no look-behind
    assert warning == (".gitleaks.toml: rule 'look-behind' uses an expression RE2 cannot run "
                       "(invalid perl operator: (?<!); it is left out of this scan.")


def test_without_use_default_only_the_files_rules_run(tmp_path):
    (tmp_path / ".gitleaks.toml").write_text(CONFIG.replace("useDefault = true", "disabledRules = []"))
    (tmp_path / "app.py").write_text(f"value = '{internal_token(4)}'\nKEY = '{AWS.secret(random.Random(5))}'\n")
    assert [f.rule for f in scan(tmp_path).findings] == ["acme-internal-token"]
    (tmp_path / ".gitleaks.toml").write_text('[extend]\nuseDefault = true\ndisabledRules = ["aws-access-key-id"]\n')
    assert scan(tmp_path).findings == []


def test_allowlisted_commits_in_history(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "dev@example.test")
    git(tmp_path, "config", "user.name", "Dev")
    (tmp_path / "a.txt").write_text(f"{AWS.secret(random.Random(6))}\n")
    commit_all(tmp_path, "first")
    first = git(tmp_path, "rev-parse", "HEAD").stdout.strip()
    (tmp_path / "b.txt").write_text(f"{AWS.secret(random.Random(7))}\n")
    commit_all(tmp_path, "second")
    assert len(scan(tmp_path, history=True).findings) == 2
    (tmp_path / ".gitleaks.toml").write_text(f'[allowlist]\ncommits = ["{first}"]\n')
    assert [f.path for f in scan(tmp_path, history=True).findings] == ["b.txt"]


def test_a_malformed_file_stops_the_scan_and_changes_nothing(repo, dango):
    (repo / ".gitleaks.toml").write_text("[[rules]\nid = 'x'\n")
    before = tree_state(repo)
    result = dango("secrets", "scan")
    assert result.code == 2 and ".gitleaks.toml" in result.err and "not valid TOML" in result.err, result
    assert changes_between(before, tree_state(repo)) == []


PATH_RULES = """\
[extend]
useDefault = true

[[rules]]
id = "keystore-file"
path = '''\\.jks$'''

[[rules]]
id = "only-in-config"
regex = '''acme_tok_[a-z0-9]{24}'''
path = '''^config/'''
"""


def test_rules_on_paths(tmp_path):
    (tmp_path / ".gitleaks.toml").write_text(PATH_RULES)
    (tmp_path / "config").mkdir()
    token = internal_token(8)
    (tmp_path / "config" / "a.txt").write_text(f"see {token}\n")
    (tmp_path / "b.txt").write_text(f"see {token}\n")
    (tmp_path / "release.jks").write_bytes(b"binary keystore")
    found = sorted((f.path, f.rule) for f in scan(tmp_path).findings)
    assert found == [("config/a.txt", "only-in-config"), ("release.jks", "keystore-file")]
