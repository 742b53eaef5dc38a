"""A repository's own `.gitleaks.toml`: its rules and allowlists add to or narrow Dango's.

- `[[rules]]` (`id`, `description`, `regex`, `secretGroup`, `keywords`, `entropy`, `path`, and
  `[[rules.allowlists]]` or the older `[rules.allowlist]`) become scan rules. As in gitleaks, a
  file with rules of its own replaces the built-in rules unless `[extend] useDefault = true`;
  `[extend] disabledRules` turns built-in rules off by id.
- `[allowlist]` and `[[allowlists]]` (`regexes` with `regexTarget` secret, match or line,
  `paths`, `stopwords`, `commits`, `condition`, `targetRules`) drop findings, of any rule.

gitleaks writes expressions in Go's RE2 syntax, and RE2 runs them here too (`compile_re2`):
the same meaning (`(?i)` in the middle, `\\z`, `(?<name>`, POSIX and Unicode classes) and a
matching time linear in the input, so a cloned repository's file cannot make a scan hang. An
expression RE2 rejects (a look-behind, a back-reference) is left out with a warning naming
the file and the rule, as gitleaks would refuse it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MalformedFile
from .rules import Rule, select
from .rules.model import compile_re2

FILE = ".gitleaks.toml"


@dataclass
class Allowlist:
    regexes: list = field(default_factory=list)  # RE2 patterns of bytes
    target: str = "secret"  # secret, match or line
    paths: list = field(default_factory=list)  # RE2 patterns of text
    stopwords: list[bytes] = field(default_factory=list)
    commits: set[str] = field(default_factory=set)
    all_of: bool = False  # condition = "AND"
    rules: set[str] = field(default_factory=set)  # targetRules: empty for every rule

    def allows(self, rule: str, secret: bytes, match: bytes, line: bytes, path: str, commit: str | None) -> bool:
        if self.rules and rule not in self.rules:
            return False
        text = {"match": match, "line": line}.get(self.target, secret)
        checks = []
        if self.regexes:
            checks.append(any(regex.search(text) for regex in self.regexes))
        if self.paths:
            checks.append(any(regex.search(path) for regex in self.paths))
        if self.stopwords:
            checks.append(any(word in secret.lower() for word in self.stopwords))
        if self.commits:
            checks.append(commit is not None and commit in self.commits)
        return bool(checks) and (all(checks) if self.all_of else any(checks))


@dataclass
class GitleaksConfig:
    path: Path
    rules: list[Rule] = field(default_factory=list)
    use_default: bool = True
    disabled: set[str] = field(default_factory=set)
    allowlists: list[Allowlist] = field(default_factory=list)
    rule_allowlists: dict[str, list[Allowlist]] = field(default_factory=dict)
    path_rules: dict = field(default_factory=dict)  # rule id -> RE2 pattern of the path
    warnings: list[str] = field(default_factory=list)

    def select(self, enabled: tuple[str, ...], disabled: tuple[str, ...]) -> list[Rule]:
        ours = select(enabled, disabled) if self.use_default else []
        theirs = [rule for rule in self.rules if rule.id not in disabled]
        return theirs + [rule for rule in ours if rule.id not in self.disabled]  # theirs first: they win a span

    def allowed(self, rule: str, secret: bytes, match: bytes, line: bytes, path: str,
                commit: str | None = None) -> bool:
        """Whether an allowlist drops this finding (`commit` is known only for history scans)."""
        pattern = self.path_rules.get(rule)
        if pattern is not None and not pattern.search(path):
            return True
        return any(allowlist.allows(rule, secret, match, line, path, commit)
                   for allowlist in (*self.allowlists, *self.rule_allowlists.get(rule, ())))

    def needs_commits(self) -> bool:
        return any(a.commits for a in (*self.allowlists, *(x for v in self.rule_allowlists.values() for x in v)))


def load(root: Path) -> GitleaksConfig | None:
    """The `.gitleaks.toml` at `root`, or None. Malformed TOML stops the scan (exit 2)."""
    path = root / FILE
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MalformedFile(path, f"not valid TOML ({error})", fix="fix it, or move it away to scan without it.")
    config = GitleaksConfig(path)
    extend = data.get("extend") or {}
    config.use_default = bool(extend.get("useDefault")) or not data.get("rules")
    config.disabled = set(extend.get("disabledRules") or ())
    if extend.get("path") or extend.get("url"):
        config.warnings.append(f"{FILE}: [extend] path and url are not read; only useDefault and disabledRules are.")
    for entry in [data["allowlist"]] if isinstance(data.get("allowlist"), dict) else []:
        config.allowlists.append(_allowlist(entry, path, "[allowlist]", config.warnings))
    for entry in data.get("allowlists") or ():
        config.allowlists.append(_allowlist(entry, path, "[[allowlists]]", config.warnings))
    for number, entry in enumerate(data.get("rules") or (), 1):
        _add_rule(config, entry, number)
    return config


def _allowlist(entry: dict, path: Path, where: str, warnings: list[str]) -> Allowlist:
    allow = Allowlist(target=str(entry.get("regexTarget") or "secret"), all_of=str(entry.get("condition", "OR")).upper() == "AND",
                      stopwords=[str(w).lower().encode() for w in entry.get("stopwords") or ()],
                      commits={str(c) for c in entry.get("commits") or ()}, rules=set(entry.get("targetRules") or ()))
    for kind, target in (("regexes", allow.regexes), ("paths", allow.paths)):
        for expression in entry.get(kind) or ():
            pattern, problem = _compile(str(expression).encode() if kind == "regexes" else str(expression))
            if problem:
                warnings.append(f"{path.name}: an expression of {where} {kind} cannot be used "
                                f"({problem}); it is ignored.")
            else:
                target.append(pattern)
    return allow


def _add_rule(config: GitleaksConfig, entry: dict, number: int) -> None:
    name = config.path.name
    rule_id = str(entry.get("id") or f"rule-{number}")
    regex, path_regex = entry.get("regex"), entry.get("path")
    expression = str(regex) if regex else r"\A[\s\S]{0,80}"  # on paths alone: the file is the finding
    pattern, problem = _compile(expression.encode())
    path_pattern, path_problem = _compile(str(path_regex)) if path_regex else (None, None)
    if problem or path_problem:
        config.warnings.append(f"{name}: rule {rule_id!r} uses an expression RE2 cannot run "
                               f"({problem or path_problem}); it is left out of this scan.")
        return
    if path_pattern is not None:
        config.path_rules[rule_id] = path_pattern
    keywords = tuple(str(k).lower().encode() for k in entry.get("keywords") or ())
    group = int(entry.get("secretGroup") or 0) or (-1 if pattern.groups else 0)
    config.rules.append(Rule(rule_id, str(entry.get("description") or f"{rule_id} (from {name})"),
                              expression.encode(), keywords, group, True, None, "", None, None, (),
                              float(entry.get("entropy") or 0.0), source=name,
                              kind="path" if regex is None else "user", syntax="re2"))
    lists = entry.get("allowlists") or ([entry["allowlist"]] if isinstance(entry.get("allowlist"), dict) else [])
    config.rule_allowlists[rule_id] = [_allowlist(item, config.path, f"rule {rule_id!r}", config.warnings)
                                       for item in lists]


def _compile(expression: str | bytes) -> tuple[object, str | None]:
    """(the RE2 pattern, None), or (None, why RE2 refuses the expression)."""
    import re2

    try:
        return compile_re2(expression), None
    except re2.error as error:
        text = str(error)  # RE2's message arrives as the repr of bytes
        return None, text[2:-1] if text[:2] in ("b'", 'b"') else text
