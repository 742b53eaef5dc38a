"""The one redaction layer: the secrets known to the process, and how text is masked.

`redacted_output.install` (first thing in `dango`'s `main()`) puts every printed line, log
record, warning and traceback through `redact` below.

This module imports nothing of Dango (tests/security/test_secrecy_one_place.py checks it):
what is secret is decided in `secrecy.py` and handed in. At start-up the CLI passes
`secrecy.startup_secrets` to `install`; from then on `register(value)` is called for every
value the resolver resolves or decrypts (so a `${VAR}` from the environment or an `ENC[...]`
value is covered from the moment it exists in memory) and for every secret written.

How text is masked (SPEC sections 3 and 8):

- A secret is known with its common encodings (`encodings`): URL-encoded, JSON-escaped,
  HTML-escaped and base64 (standard and URL-safe, at the three alignments it can have inside
  longer base64), each as servers write it (`%2f` and `%2F`; `\\/` and `\\u0026` in JSON from
  PHP and Go): a password of short pieces between such characters has no 8-character run
  left in another form.
  A secret of several lines (a private key) is known line by line too.
- A form of RUN (8) characters or more is masked wherever it appears, even inside a word,
  and so is any run of RUN or more consecutive characters of it: an echo that a server, a
  cut or a line break shortened is still the secret. A known public prefix (`sk_live_`) is
  not secret: a run of nothing but the prefix is left alone, and a masked run that starts
  inside the prefix keeps it whole (`sk_live_***************`).
- A shorter form (SHORTEST to 7 characters) is masked only where it stands as a whole
  token: the character before it and its first character are not both word characters,
  and neither are its last character and the character after it. Word characters are
  letters and digits of any script and `_`; the start and the end of the text are
  boundaries. So `abc12` is masked in `key=abc12,`, `"abc12"`, `abc12.`, `/abc12/`,
  `abc12-prod` and alone on a line, and left alone in `abc123` or `xabc12`: masking a short
  secret inside a longer word would point at it (the password `secret` would turn
  `dango secrets set` into `dango ***************s set`).
- SHORTEST is 4 (the same as `registry.MIN_LENGTH`, which is where the rest of Dango reads
  it). Values of 1 to 3 characters (`a`, `on`, `id`, `200`, `GET`) stand as tokens in almost
  every line: masking them would garble all output, and where they did appear the mask
  would show them anyway. From 4 characters on, a value is plausibly a deliberate credential
  (a PIN, a development password, a short API key) and, as a whole token, rare enough in
  Dango's own output to mask. A secret that is also an ordinary word still shows where the
  word itself is printed as part of the text; that is the reason to use secrets of 8
  characters or more.
- Every match is shown as `mask(matched text)`: a known public prefix, then exactly 15 `*`
  (SPEC section 3), so no length is revealed. Overlapping or touching matches become one.
- The password of any URL (`scheme://user:password@host`) is masked even when unknown. A
  secret that is such a URL (a `credentials` connection URL) is known by its password:
  the host, port, user and database it names are not secret and stay readable.
- Dango's own vocabulary is never masked on its own: a match that is exactly one of the
  words handed to `declare_words` (field names, source types, the key names of the
  project's secrets.toml) and stands as a whole token stays, unless that word is itself a
  known secret. So with the password `a-long-database-password`, `Stored crm_db.password.`
  and a `database` row stay readable, while `database-password` (17 characters of it) is
  masked.
- Text is redacted before it is shortened, and again after the cut (`shorten`): a cut must
  neither keep most of a secret nor turn a word holding a short secret into a token.

Speed: text that holds no secret costs one set lookup per 4 characters (probes of 5
characters: every 8-character window holds one at a position that is a multiple of 4);
only around a hit are the 8-character windows themselves looked up, so a pass over 1 MB
stays in the tens of milliseconds.
"""

from __future__ import annotations

from typing import Any, Iterator

RUN = 8  # a run of this many characters of a secret is the secret, wherever it stands
SHORTEST = 4  # registry.MIN_LENGTH: the shortest value masked (as a whole token)
_PROBE, _STEP = 5, 4  # _PROBE + _STEP == RUN + 1: every RUN-window holds a probed position

STARS = "*" * 15
PUBLIC_PREFIXES = ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "GOCSPX-", "1//", "ya29.",
                   "ghp_", "xoxb-", "AKIA")


def mask(value: object) -> str:
    """A secret as shown: its known public prefix, if any, then exactly 15 `*`."""
    text = str(value)
    for prefix in PUBLIC_PREFIXES:
        # A value that is nothing but the prefix would be revealed whole: mask it fully.
        if text.startswith(prefix) and len(text) > len(prefix):
            return prefix + STARS
    return STARS


def encodings(value: str) -> dict[str, str]:
    """`value` and its common encodings, each with its kind: exact, url (both styles, escapes
    in upper or lower case), json (escaped, also with `/` or `<`, `>`, `&` escaped as PHP and
    Go write them), html (escaped), base64 (standard and URL-safe, also at the three
    alignments it can have inside a longer base64 text)."""
    import base64
    import json
    from urllib.parse import quote, quote_plus

    forms: dict[str, str] = {}
    raw = value.encode("utf-8")
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        core = encoded[-(-8 * shift // 6):(8 * (shift + len(raw))) // 6]
        forms[core] = forms[core.replace("+", "-").replace("/", "_")] = "base64"
    escaped = json.dumps(value)[1:-1]
    forms[escaped] = "json"
    # as servers echo it: PHP's json_encode escapes `/`, Go's encoding/json `<`, `>`, `&`
    forms[escaped.replace("/", "\\/")] = "json"
    forms[escaped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")] = "json"
    html = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # html.escape's
    forms[html] = forms[html.replace('"', "&quot;").replace("'", "&#x27;")] = "html"
    for encoded in (quote(value, safe=""), quote(value), quote_plus(value)):
        forms[encoded] = forms[_lower_escapes(encoded)] = "url"  # %2F and %2f alike
    forms[value] = "exact"
    return {form: kind for form, kind in forms.items() if len(form) >= SHORTEST}


def _lower_escapes(encoded: str) -> str:
    """A percent-encoded text with its escapes in lower case (`%2F` as `%2f`)."""
    parts = encoded.split("%")
    return parts[0] + "".join("%" + part[:2].lower() + part[2:] for part in parts[1:])


def _url_secrets_of(value: str) -> list[str] | None:
    """The secret parts of a URL such as `postgresql://user:password@host:5432/db?sslkey=k`
    (its password and its query values, as written); None when `value` is no URL. The
    scheme, host, port, user and path are not secret: masking them would hide every
    `postgresql://` and host name printed."""
    scheme, found, rest = value.partition("://")
    if not found or not scheme or not (scheme[0].isalpha() and scheme.isascii() and scheme.replace(
            "+", "").replace("-", "").replace(".", "").isalnum()) or any(c.isspace() for c in value):
        return None
    parts = []
    # Parsers disagree where the user's part ends when the password holds `/`, `?` or `@`:
    # up to the first `/` (urllib: the rest of the password becomes a port in its error), up
    # to the last `@`, up to the first `@` (SQLAlchemy: the rest becomes the host). Each
    # reading's password is masked, and so is each piece of it such a parser would print.
    readings = {rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[0], rest.rpartition("@")[0],
                rest.partition("@")[0] if "@" in rest else ""}
    for userinfo in readings:
        if ":" in userinfo:
            password = userinfo.split(":", 1)[1]
            parts.append(password)
            parts.extend(_url_pieces(password))
    query = rest.partition("?")[2].partition("#")[0]
    parts.extend(pair.partition("=")[2] for pair in query.split("&"))
    return [part for part in parts if part]


def _url_pieces(password: str) -> list[str]:
    """The pieces of a password between the characters a URL parser may cut it at."""
    for separator in "@/?#:":
        password = password.replace(separator, "\0")
    return password.split("\0")


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _prefix_length(text: str) -> int:
    return next((len(prefix) for prefix in PUBLIC_PREFIXES if text.startswith(prefix)), 0)


class Redactor:
    """The known secrets and the masking of text (the module keeps one for the process)."""

    def __init__(self) -> None:
        self._known: set[str] = set()  # values registered
        self._short: tuple[str, ...] = ()  # forms shorter than RUN: masked as whole tokens
        self._windows: set[str] = set()  # every RUN-character window of the longer forms
        self._probes: set[str] = set()  # every _PROBE-character window of the same
        self._words: frozenset[str] = frozenset()  # names dango prints as structure

    def declare_words(self, words: Any) -> None:
        """Names that are structure, not secrets (field names, key names): a match that is
        exactly one of them, as a whole token, is left readable (see the module docstring)."""
        self._words = self._words | {str(word) for word in words if len(str(word)) >= SHORTEST}

    def register(self, value: Any) -> Any:
        """Make `value` (a string, or every string in a nesting of dicts and lists) known as
        secret; returns `value`, so a caller can wrap an expression."""
        if isinstance(value, dict):
            for item in value.values():
                self.register(item)
            return value
        if isinstance(value, (list, tuple)):
            for item in value:
                self.register(item)
            return value
        if not isinstance(value, str) or len(value) < SHORTEST or value in self._known:
            return value
        if "\n" in value:  # text is often cut at line ends (a stream, a first line): each line too
            for line in value.splitlines():
                self.register(line.strip())
        parts = _url_secrets_of(value)
        if parts is not None:  # a connection URL: its host, port, user and path are shown
            from urllib.parse import unquote

            self._known.add(value)
            self.register(parts + [unquote(part) for part in parts])
            return value
        short = set(self._short)
        for form in encodings(value):
            if len(form) < RUN:
                short.add(form)
                continue
            first = max(0, _prefix_length(form) - RUN + 1)  # no window of the prefix alone
            if len(form) - first < RUN:
                continue
            self._windows |= {form[i:i + RUN] for i in range(first, len(form) - RUN + 1)}
            self._probes |= {form[i:i + _PROBE] for i in range(first, len(form) - _PROBE + 1)}
        self._short = tuple(sorted(short, key=len, reverse=True))
        self._known.add(value)
        return value

    def redact(self, text: str) -> str:
        """`text` with every known secret masked (see the module's docstring for the rules),
        and the password of any URL (`scheme://user:password@host`) masked even when it is
        not a known one."""
        if not text:
            return text
        if "://" in text and "@" in text:  # first: a known secret masked inside the URL would hide it
            text = _url_password().sub(_mask_url_password, text)
        runs = self._runs(text) if self._probes else []
        tokens = [span for form in self._short for span in _tokens(text, form)]
        if self._words and (runs or tokens):
            runs = [span for span in runs if not self._is_vocabulary(text, *span)]
            tokens = [span for span in tokens if not self._is_vocabulary(text, *span)]
        if runs or tokens:
            text = _masked(text, runs, tokens)
        return text

    def _is_vocabulary(self, text: str, start: int, end: int) -> bool:
        word = text[start:end]
        return (word in self._words and word not in self._known
                and (start == 0 or not _is_word(text[start - 1]))
                and (end == len(text) or not _is_word(text[end])))

    def shorten(self, text: Any, limit: int, start: int = 0) -> str:
        """`text` redacted, then cut to at most `limit` characters from `start` (each cut
        marked with `...`, counted in the limit), then redacted again: a cut made first could
        leave most of a secret unmasked, and a cut word could become a short secret's token."""
        text = self.redact(str(text))
        if start <= 0 and len(text) <= limit:
            return text
        start = min(max(0, start), len(text))
        end = start + max(0, limit - (3 if start else 0) - 3)
        while 0 < start < len(text) and text[start - 1] == text[start] == "*":
            start -= 1  # a mask stays whole: exactly 15 `*`
        while 0 < end < len(text) and text[end - 1] == text[end] == "*":
            end += 1
        return self.redact(("..." if start else "") + text[start:end] + ("..." if end < len(text) else ""))

    def _runs(self, text: str) -> list[tuple[int, int]]:
        """Spans covered by RUN-character windows of `text` that are windows of a known form,
        in order, overlapping or touching ones merged."""
        probes, windows = self._probes, self._windows
        hits = [q for q in range(0, len(text) - _PROBE + 1, _STEP) if text[q:q + _PROBE] in probes]
        spans: list[tuple[int, int]] = []
        last = len(text) - RUN
        for q in hits:
            if spans and spans[-1][1] >= q and q <= last and text[q:q + RUN] in windows:
                spans[-1] = (spans[-1][0], q + RUN)  # a run goes on: the windows between add nothing
                continue
            for start in range(max(0, q - RUN + _PROBE), min(q, last) + 1):  # windows holding the probe
                if spans and start + RUN <= spans[-1][1]:
                    continue  # inside what is covered already
                if text[start:start + RUN] in windows:
                    if spans and start <= spans[-1][1]:
                        spans[-1] = (spans[-1][0], start + RUN)
                    else:
                        spans.append((start, start + RUN))
        return spans


def _tokens(text: str, form: str) -> Iterator[tuple[int, int]]:
    """Spans where `form` stands as a whole token of `text`: the character before it and its
    first character are not both word characters, nor its last and the one after it (the
    start and the end of the text are boundaries)."""
    check_before, check_after = _is_word(form[0]), _is_word(form[-1])
    start = text.find(form)
    while start != -1:  # str.find: text holding no short secret costs one C-speed scan
        end = start + len(form)
        if ((not check_before or start == 0 or not _is_word(text[start - 1]))
                and (not check_after or end == len(text) or not _is_word(text[end]))):
            yield start, end
        start = text.find(form, start + 1)


def _masked(text: str, runs: list[tuple[int, int]], tokens: list[tuple[int, int]]) -> str:
    """`text` with each span replaced by its mask; spans that overlap or touch become one,
    and a run that starts inside a public prefix takes the whole prefix in."""
    spans = sorted([(_prefix_start(text, start), end) for start, end in runs] + tokens)
    merged = [spans[0]]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    parts, cursor = [], 0
    for start, end in merged:
        parts += [text[cursor:start], mask(text[start:end])]
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def _prefix_start(text: str, start: int) -> int:
    """Where a public prefix that `start` falls inside begins, else `start`."""
    for prefix in PUBLIC_PREFIXES:
        at = text.find(prefix, max(0, start - len(prefix) + 1), start + len(prefix) - 1)
        if at != -1:
            return at
    return start


_URL_PASSWORD = None


def _url_password():
    global _URL_PASSWORD
    if _URL_PASSWORD is None:
        import re

        _URL_PASSWORD = re.compile(r"(?<=[A-Za-z0-9])(://[^:/@?#\s\"'<>`]{0,128}:)([^@/?#\s\"'<>`]{1,256})(@)")
    return _URL_PASSWORD


def _mask_url_password(match) -> str:
    password = match.group(2)
    if password.startswith(("${", "{", "%(", "*")):  # a reference, a placeholder or masked already
        return match.group(0)
    return match.group(1) + STARS + match.group(3)


_default = Redactor()


def register(value: Any) -> Any:
    """Make `value` (a string, or every string in a nesting of dicts and lists) known as
    secret to the process's redaction layer; returns `value`. The caller decides what is
    secret (`secrecy.py`): everything handed in here is masked."""
    return _default.register(value)


def declare_words(words: Any) -> None:
    """Names the process prints as structure (field and key names): never masked on their own."""
    _default.declare_words(words)


def redact(text: str) -> str:
    """`text` with every secret known to the process masked."""
    return _default.redact(text)


def shorten(text: Any, limit: int, start: int = 0) -> str:
    """`Redactor.shorten` with every secret known to the process: use it wherever text that
    may hold a secret is shortened."""
    return _default.shorten(text, limit, start)
