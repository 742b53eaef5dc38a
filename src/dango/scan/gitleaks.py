"""A repository's own `.gitleaks.toml`: its rules and allowlists add to or narrow Dango's.

- `[[rules]]` (`id`, `description`, `regex`, `secretGroup`, `keywords`, `entropy`, `path`, and
  `[[rules.allowlists]]` or the older `[rules.allowlist]`) become scan rules. As in gitleaks, a
  file with rules of its own replaces the built-in rules unless `[extend] useDefault = true`;
  `[extend] disabledRules` turns built-in rules off by id.
- `[allowlist]` and `[[allowlists]]` (`regexes` with `regexTarget` secret, match or line,
  `paths`, `stopwords`, `commits`, `condition`, `targetRules`) drop findings, of any rule.

gitleaks writes expressions in Go's RE2 syntax; `translate` rewrites what Python's `re` reads
differently (a flag group such as `(?i)` in the middle, `\\z`, `(?<name>`, POSIX classes). An
expression that still cannot run is left out with a warning naming the file and the rule.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MalformedFile
from .rules import Rule, select

FILE = ".gitleaks.toml"
_POSIX = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
          "space": r"\s", "xdigit": "0-9a-fA-F", "word": r"\w", "punct": r"!-/:-@\[-`{-~", "blank": r" \t"}


class Untranslatable(ValueError):
    """An RE2 construct Python's `re` has no equivalent for."""


def translate(expression: str) -> str:
    """An RE2 expression as Python `re` syntax (raises Untranslatable)."""
    if re.search(r"\\[pP]|\(\?[a-zA-Z]*U", expression):
        raise Untranslatable("Unicode classes (\\p) or the ungreedy flag (?U)")
    expression = re.sub(r"\\Q(.*?)(?:\\E|$)", lambda m: re.escape(m.group(1)), expression)
    expression = re.sub(r"\[:(\^?)(\w+):\]", lambda m: _posix(m.group(1), m.group(2)), expression)
    expression = expression.replace(r"\z", r"\Z").replace("(?<", "(?P<").replace("(?P<=", "(?<=") \
        .replace("(?P<!", "(?<!")
    return _scope_flags(expression)


def _posix(negate: str, name: str) -> str:
    if name not in _POSIX or negate:
        raise Untranslatable(f"the POSIX class [:{negate}{name}:]")
    return _POSIX[name]


def _scope_flags(expression: str) -> str:
    """`a(?i)b` means `a(?i:b)` in RE2; Python accepts a bare flag group only at the start.

    A flag group holds to the end of its enclosing group, across `|` (so it is reopened after
    each `|` of that group)."""
    out: list[str] = []
    scopes: list[list[str]] = [[]]  # per open group: the flag scopes opened inside it
    i, in_class = 0, False
    while i < len(expression):
        char = expression[i]
        if char == "\\":
            out.append(expression[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
            i += 1
            continue
        flags = re.match(r"\(\?([imsx-]+)\)", expression[i:])
        if flags and i > 0:
            out.append(f"(?{flags.group(1)}:")
            scopes[-1].append(flags.group(1))
            i += flags.end()
            continue
        if char == "[":
            in_class = True
            out.append(char)
            if expression[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
        elif char == "(":
            scopes.append([])
            out.append(char)
        elif char == ")":
            out.append(")" * len(scopes.pop() if len(scopes) > 1 else []) + ")")
        elif char == "|" and scopes[-1]:
            out.append(")" * len(scopes[-1]) + "|" + "".join(f"(?{f}:" for f in scopes[-1]))
        else:
            out.append(char)
        i += 1
    out.append(")" * sum(len(level) for level in scopes))
    return "".join(out)


@dataclass
class Allowlist:
    regexes: list[re.Pattern[bytes]] = field(default_factory=list)
    target: str = "secret"  # secret, match or line
    paths: list[re.Pattern[str]] = field(default_factory=list)
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
    path_rules: dict[str, re.Pattern[str]] = field(default_factory=dict)
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
            try:
                compiled = translate(str(expression))
                target.append(re.compile(compiled.encode()) if kind == "regexes" else re.compile(compiled))
            except (Untranslatable, re.error) as error:
                warnings.append(f"{path.name}: an expression of {where} {kind} cannot be used in Python ({error}); it is ignored.")
    return allow


def _add_rule(config: GitleaksConfig, entry: dict, number: int) -> None:
    name = config.path.name
    rule_id = str(entry.get("id") or f"rule-{number}")
    regex, path_regex = entry.get("regex"), entry.get("path")
    try:
        expression = translate(str(regex)) if regex else None
        if expression is not None:
            re.compile(expression.encode())
        path_pattern = re.compile(translate(str(path_regex))) if path_regex else None
    except (Untranslatable, re.error) as error:
        config.warnings.append(f"{name}: rule {rule_id!r} uses an expression Python cannot run ({error}); "
                               "it is left out of this scan.")
        return
    if path_pattern is not None:
        config.path_rules[rule_id] = path_pattern
    if expression is None:
        expression = r"\A[\s\S]{0,80}"  # a rule on paths alone: the file itself is the finding
    keywords = tuple(str(k).lower().encode() for k in entry.get("keywords") or ())
    group = int(entry.get("secretGroup") or 0) or (-1 if re.compile(expression).groups else 0)
    config.rules.append(Rule(rule_id, str(entry.get("description") or f"{rule_id} (from {name})"),
                              expression.encode(), keywords, group, True, None, "", None, None, (),
                              float(entry.get("entropy") or 0.0), source=name,
                              kind="path" if regex is None else "user"))
    lists = entry.get("allowlists") or ([entry["allowlist"]] if isinstance(entry.get("allowlist"), dict) else [])
    config.rule_allowlists[rule_id] = [_allowlist(item, config.path, f"rule {rule_id!r}", config.warnings)
                                       for item in lists]
