"""One `Rule` type, and the three ways rules are written as data.

- `token(...)`: a credential with a literal prefix, written as a template of the provider's
  documented format, e.g. `"ghp_{a:30}{a:6}"`: literal text plus `{CLASS:LENGTH}` parts
  (LENGTH is `N`, `N-M` or `N-`). The template gives the rule's expression, its keyword (the
  literal prefix) and, for the tests and the benchmark, samples of the format.
- `keyed(...)`: a value with no prefix of its own (32 hex characters, a UUID), found only
  when assigned to a name of the provider (`DATADOG_API_KEY=...`, `"datadogApiKey": "..."`)
  in any common syntax: `=` `:` `:=` `=>` `?=`, quoted or not.
- `raw(...)`: an expression written by hand, with a sample generator.

Every rule drops placeholders and documented examples (`filters.py`); a rule may add a
last check of the value, such as a checksum.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from .filters import entropy, is_known_example, is_placeholder

CLASSES = {
    "a": "0-9A-Za-z", "h": "0-9a-f", "H": "0-9A-F", "x": "0-9a-fA-F", "d": "0-9", "l": "a-z0-9",
    "L": "a-z", "u": "A-Z0-9", "U": "A-Z", "b": "A-Za-z0-9+/", "w": "A-Za-z0-9_-", "W": "A-Za-z0-9_",
}
_CHARS = {name: "".join(chr(c) for c in range(128) if re.fullmatch(f"[{cls}]", chr(c)))
          for name, cls in CLASSES.items()}
_PART = re.compile(r"\{([a-zA-Z]):(\d+)(?:(-)(\d*))?\}")
ASSIGN = r"""[\w.\-]{0,40}?[\s'"\]]{0,3}(?:::=|:=|\?=|=>|=|:|>)[\s'"\x60]{0,5}"""
SYNTAXES = (  # how a value is assigned to a name, for samples: (name style, line)
    ("UPPER", "{name}={value}"), ("UPPER", "export {name}=\"{value}\""), ("lower", "{name}: {value}"),
    ("camel", "\"{name}\": \"{value}\","), ("lower", "{name} = '{value}'"), ("camel", "{name} := \"{value}\""),
    ("UPPER", "{name} ?= {value}"), ("lower", ":{name} => '{value}'"), ("lower", "{name}: \"{value}\""),
    ("UPPER", "{name} := {value}"), ("camel", "<{name}>{value}</{name}>"), ("lower", "{name}={value}"),
)


def compile_re2(expression: str | bytes):
    """An expression in RE2 syntax (gitleaks', Go's), compiled by RE2, whose matching time is
    linear in the input: a repository's rule cannot make a scan or the hook hang, as a
    backtracking `(a+)+$` would in Python's `re`. Raises `re2.error`; RE2 itself logs nothing."""
    import re2

    options = re2.Options()
    options.log_errors = False  # the caller names the file and the rule, once
    return re2.compile(expression, options)


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    expression: bytes  # compiled on first use: most scans need only the rules whose keywords they meet
    keywords: tuple[bytes, ...]  # a blob holding none of them is skipped (lower case when `caseless`)
    group: int = 0  # the group that holds the secret itself (-1: the first group that matched)
    default: bool = True
    accept: Callable[[bytes], bool] | None = None  # a last check of the secret (checksum, entropy)
    docs: str = ""  # where the provider documents the format
    sample: Callable[[random.Random], str] | None = None  # a line holding a true credential
    secret: Callable[[random.Random], str] | None = None  # a bare true credential (tokens only)
    look_alikes: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()  # that the rule must leave alone
    min_entropy: float = 0.0
    source: str = ""  # where a user's rule came from (".gitleaks.toml"), else ""
    kind: str = "token"  # token (a format of its own), keyed (beside a provider's name), generic; user, path
    caseless: bool = True  # keywords in any case (the rule's expression ignores case where they are)
    prefix: int = 0  # length of a literal prefix that placeholder and entropy checks leave out
    syntax: str = "python"  # "re2": a repository's own rule, in gitleaks' syntax, run by RE2

    @cached_property
    def pattern(self) -> re.Pattern[bytes]:
        return compile_re2(self.expression) if self.syntax == "re2" else re.compile(self.expression)

    @property
    def fakes(self) -> tuple[str, ...]:
        """Look-alikes (made on demand: the tests and the benchmark need them, a scan does not)."""
        return self.look_alikes() if callable(self.look_alikes) else self.look_alikes

    def applies(self, data: bytes) -> bool:
        data = data.lower() if self.caseless else data
        return not self.keywords or any(keyword in data for keyword in self.keywords)

    def valid(self, value: bytes) -> bool:
        """Whether a matched value is a finding: not a placeholder, random enough, checks out."""
        if self.kind == "path":  # a user's rule on file names alone
            return True
        rest = value[self.prefix:]
        if is_known_example(value) or is_placeholder(rest):
            return False
        if self.min_entropy and entropy(rest) < self.min_entropy:
            return False
        return self.accept is None or self.accept(value)


def _parts(template: str):
    """(literal, None) and (class, (low, high)) pieces of a template."""
    at = 0
    for match in _PART.finditer(template):
        if match.start() > at:
            yield template[at:match.start()], None
        low = int(match[2])
        high = low if match[3] is None else (int(match[4]) if match[4] else None)
        yield match[1], (low, high)
        at = match.end()
    if at < len(template):
        yield template[at:], None


def template_regex(template: str) -> str:
    out = []
    for text, size in _parts(template):
        if size is None:
            out.append(re.escape(text))
        else:
            low, high = size
            count = f"{{{low}}}" if low == high else f"{{{low},{'' if high is None else high}}}"
            out.append(f"[{CLASSES[text]}]{count}")
    return "".join(out)


def fill(template: str, rng: random.Random, char: str | None = None) -> str:
    """A random string of the template's format (or every class part filled with `char`)."""
    out = []
    for text, size in _parts(template):
        if size is None:
            out.append(text)
            continue
        low, high = size
        length = rng.randint(low, high if high is not None else low + 16)
        if char is not None:
            out.append((char if char in _CHARS[text] else _CHARS[text][0]) * length)
        else:
            out.append("".join(rng.choice(_CHARS[text]) for _ in range(length)))
    return "".join(out)


def _min_length(template: str) -> int:
    return sum(len(text) if size is None else size[0] for text, size in _parts(template))


def _last_class(template: str) -> str:
    pieces = list(_parts(template))
    text, size = pieces[-1]
    return CLASSES[text] if size else re.escape(text[-1]) if text[-1].isalnum() else ""


def _keyword(template: str) -> bytes:
    literal = next((text for text, size in _parts(template) if size is None), "")
    return literal.encode()


def token(id: str, description: str, template: str, docs: str = "", *, make=None, accept=None,
          keywords: tuple[str, ...] = (), default: bool = True, min_entropy: float | None = None,
          before: str = "0-9A-Za-z", after: str | None = None) -> Rule:
    """A credential with a literal prefix. `make(token, rng)` completes a random sample (a checksum)."""
    after = _last_class(template) if after is None else after
    pattern = (f"(?<![{before}])" if before else "") + template_regex(template) + (
        f"(?![{after}])" if after else "")
    kws = tuple(k.encode() for k in keywords) or (_keyword(template),)

    def secret(rng: random.Random) -> str:
        value = fill(template, rng)
        return make(value, rng) if make else value

    def sample(rng: random.Random) -> str:
        return assignment(rng, _name_of(id), secret(rng))

    def fakes() -> tuple[str, ...]:
        made = (fill(template, random.Random(0), "x"), _cut(secret(random.Random(1)), template))
        return tuple(f for f in made if f)
    prefix = len(next(iter(_parts(template)))[0]) if next(iter(_parts(template)))[1] is None else 0
    if min_entropy is None:
        min_entropy = 2.5 if _min_length(template) - prefix >= 20 else 1.5
    return Rule(id, description, pattern.encode(), kws, 0, default, accept, docs, sample, secret,
                fakes, min_entropy, caseless=False, prefix=prefix)


def keyed(id: str, description: str, names: tuple[str, ...], template: str, docs: str = "", *,
          accept=None, default: bool = True, min_entropy: float | None = None) -> Rule:
    """A value found only when assigned to one of the provider's names (any case, `_`/`-`/`.` or none)."""
    alternatives = "|".join(r"[_.\-]?".join(re.escape(word) for word in name.split("_")) for name in names)
    after = _last_class(template)
    pattern = f"(?i:{alternatives}){ASSIGN}({template_regex(template)})" + (f"(?![{after}])" if after else "")
    kws = tuple(sorted({keyword.lower().encode() for name in names for keyword in _name_keywords(name)}))

    if min_entropy is None:  # short hex values are less varied by nature
        min_entropy = 3.0 if _min_length(template) >= 24 else 2.5

    def secret(rng: random.Random) -> str:
        return fill(template, rng)

    def sample(rng: random.Random) -> str:
        return assignment(rng, names[0] + "_" + rng.choice(("key", "api_key", "token", "secret")), secret(rng))

    def fakes() -> tuple[str, ...]:
        value = fill(template, random.Random(1))
        return (assignment(random.Random(0), names[0] + "_key", fill(template, random.Random(0), "x")),
                f"{names[0]}_key = {value[:len(value) // 2]}")
    return Rule(id, description, pattern.encode(), kws, 1, default, accept, docs, sample, secret,
                fakes, min_entropy, kind="keyed")


def raw(id: str, description: str, pattern: str, keywords: tuple[str, ...], sample, docs: str = "", *,
        group: int = 0, accept=None, default: bool = True, fakes: tuple[str, ...] = (),
        min_entropy: float = 0.0, secret=None, kind: str = "token", caseless: bool = True) -> Rule:
    keys = tuple((k.lower() if caseless else k).encode() for k in keywords)
    return Rule(id, description, pattern.encode(), keys, group, default, accept, docs, sample, secret,
                fakes, min_entropy, kind=kind, caseless=caseless)


COMMON_WORDS = frozenset(("client", "secret", "token", "key", "api", "access", "private", "password", "auth",
                          "app", "id", "consumer", "account", "storage", "data", "user", "write", "signing"))


def _name_keywords(name: str) -> tuple[str, ...]:
    """What must be in a blob for the name to be there: its most telling word (`box` of
    `box_client_secret`), or, when that word is short or common, the name in every spelling."""
    words = name.split("_")
    telling = max([w for w in words if w not in COMMON_WORDS] or [""], key=len)
    if len(telling) >= 4:
        return (telling,)
    return tuple(separator.join(words) for separator in ("", "_", "-", "."))


def assignment(rng: random.Random, name: str, value: str) -> str:
    """`value` assigned to `name` in one of the common syntaxes (env, shell, YAML, JSON, INI, Go, Make...)."""
    style, line = rng.choice(SYNTAXES)
    words = [w for w in re.split(r"[_\-. ]+", name) if w]
    if style == "UPPER":
        name = "_".join(words).upper()
    elif style == "camel":
        name = words[0].lower() + "".join(w.capitalize() for w in words[1:])
    else:
        name = "_".join(words).lower()
    return line.format(name=name, value=value)


def _name_of(rule_id: str) -> str:
    return rule_id.replace("-", "_")


def _cut(value: str, template: str) -> str:
    """The token with its random part cut below the format's length: not a match."""
    literal = len(_keyword(template))
    keep = literal + max(1, (len(value) - literal) // 3)
    return value[:keep] if keep < len(value) else ""
