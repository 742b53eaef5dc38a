"""Redact before you cut, and mask whole tokens (SPEC sections 3 and 8).

A provider that echoes the key inside a long error message must not get any part of it
printed, wherever the 200-character cut of the reason lands; a run of 8 or more characters
of a secret (or of its URL-encoded, JSON-escaped or base64 form) is the secret; a short
secret is masked where it stands as a token and left alone inside a longer word.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from dango.redact import RUN, SHORTEST, STARS, Redactor, encodings, mask
from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE

REASON_LIMIT = 200  # what `dango source test` keeps of a provider's message
PUBLIC = "sk_live_"  # the canary's public prefix: shown on purpose (SPEC section 3)


def runs(secret: str, length: int = RUN) -> set[str]:
    """Every `length`-character run of `secret`, but the public prefix alone."""
    return {secret[i:i + length] for i in range(len(secret) - length + 1)} - {PUBLIC}


def leaked(output: str, secret: str) -> list[str]:
    return sorted(run for run in runs(secret) if run in output)


# -- a provider that echoes the key it received inside a long error message ---------------

# A Stripe-shaped key whose URL-encoded and JSON-escaped forms differ from it.
SPECIAL_KEY = 'sk_live_CANARY/p+q="r"&s-7f3a9b1e5d'
ECHOES = {
    "exact": lambda key: key,
    "url": lambda key: quote(key, safe=""),
    "json": lambda key: json.dumps(key)[1:-1],
    "base64": lambda key: base64.b64encode(f"{key}:".encode()).decode(),  # HTTP Basic, as Stripe takes it
}
CUTS = {  # how many characters of the echoed form the first 200 of the message hold
    "all-but-one": lambda length: length - 1,
    "19": lambda length: 19,
}


def secret_runs(secret: str) -> set[str]:
    """Every 8-character run of the secret and of each of its encodings (public prefix aside)."""
    return set().union(*(runs(form) for form in encodings(secret)))


class EchoingProvider:
    """A Stripe stand-in on 127.0.0.1 that refuses every key with HTTP 401 and an error
    message holding the key it received (in the `echo` form), placed so that the first
    REASON_LIMIT characters of the message end inside it (`cut` says where)."""

    def __init__(self, echo: str, cut: str):
        self.messages: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                form = ECHOES[echo](key)
                keep = CUTS[cut](len(form))
                lead = ("The API key you sent was not accepted for this account. " * 5)
                message = lead[:REASON_LIMIT - keep - 1] + " " + form + " was refused."
                provider.messages.append(message)
                body = json.dumps({"error": {"type": "invalid_request_error", "message": message}}).encode()
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "EchoingProvider":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("key", [CANARY_STRIPE, SPECIAL_KEY], ids=["canary", "special"])
@pytest.mark.parametrize("echo", sorted(ECHOES))
@pytest.mark.parametrize("cut", sorted(CUTS))
def test_source_test_prints_no_part_of_a_key_the_provider_echoed_past_the_cut(dango, key, echo, cut):
    with EchoingProvider(echo, cut) as provider:
        added = dango("source", "add", "stripe", "--name", "pay", "--no-input", "--set",
                      f"base_url={provider.url}")
        assert added.code == 0, added
        assert dango("secrets", "set", "pay.stripe_secret_key", input=key).code == 0
        result = dango("source", "test", "pay")
    assert result.code == 1, result
    assert "pay: invalid (Stripe refused the credential (HTTP 401: The API key you sent" in result.out, result
    secret = secret_runs(key)
    assert [run for run in secret if run in provider.messages[0][:REASON_LIMIT]], \
        "the test is meant to cut inside the key: a cut made first would print 8 of its characters"
    assert [run for run in secret if run in result.output] == [], result
    assert STARS in result.out, result  # the echo is there, masked


# -- the redaction layer itself ------------------------------------------------------------

@pytest.fixture
def layer() -> Redactor:
    """A redaction layer of its own: what one test registers never masks another's text."""
    return Redactor()


@pytest.mark.parametrize("text", [
    "key=abc12,", '"abc12"', "abc12.", "/abc12/", "https://api.test/v1/abc12/items",
    "abc12", "abc12 is the key", "the key is abc12", "(abc12)", "abc12-prod", "é abc12 ü",
])
def test_a_short_secret_standing_as_a_token_is_masked(layer, text):
    layer.register("abc12")
    shown = layer.redact(text)
    assert "abc12" not in shown and STARS in shown
    assert shown == text.replace("abc12", STARS)


@pytest.mark.parametrize("text", ["abc123", "xabc12", "abc12_old", "my_abc12", "éabc12", "abc12é"])
def test_a_short_secret_inside_a_longer_word_is_left_alone(layer, text):
    layer.register("abc12")
    assert layer.redact(text) == text


def test_a_six_character_password_does_not_reveal_itself_in_a_command_line(layer):
    layer.register("secret")
    assert layer.redact("run dango secrets set pay.api_key") == "run dango secrets set pay.api_key"
    assert layer.redact("password: secret") == f"password: {STARS}"


def test_the_shortest_masked_length_is_documented_and_shorter_values_are_never_masked(layer):
    assert SHORTEST == 4
    layer.register("abc")
    layer.register("wxyz")
    assert layer.redact("abc wxyz") == f"abc {STARS}"


def test_a_long_secret_is_masked_inside_a_word_and_keeps_only_its_public_prefix(layer):
    layer.register(CANARY_STRIPE)
    shown = layer.redact(f"x{CANARY_STRIPE}y and {CANARY_STRIPE}")
    assert shown == f"x{mask(CANARY_STRIPE)}y and sk_live_{STARS}"


@pytest.mark.parametrize("length", [RUN, RUN + 3, 20])
def test_every_run_of_8_characters_of_a_secret_is_masked(layer, length):
    layer.register(CANARY_PASSWORD)
    for start in range(len(CANARY_PASSWORD) - length + 1):
        part = CANARY_PASSWORD[start:start + length]
        shown = layer.redact(f"server said: {part} (truncated)")
        assert leaked(shown, CANARY_PASSWORD) == [], (part, shown)
        assert shown == f"server said: {STARS} (truncated)"


def test_a_run_of_7_characters_is_not_the_secret(layer):
    layer.register(CANARY_PASSWORD)
    part = CANARY_PASSWORD[3:3 + RUN - 1]
    assert layer.redact(f"see {part} here") == f"see {part} here"


def test_a_run_of_nothing_but_the_public_prefix_is_shown(layer):
    layer.register(CANARY_STRIPE)
    assert layer.redact("live keys start with sk_live_ and test keys with sk_test_") == \
        "live keys start with sk_live_ and test keys with sk_test_"
    assert layer.redact(f"already masked: sk_live_{STARS}") == f"already masked: sk_live_{STARS}"


@pytest.mark.parametrize("kind,encode", [
    ("url", lambda value: quote(value, safe="")),
    ("json", lambda value: json.dumps(value)[1:-1]),
    ("base64", lambda value: base64.b64encode(value.encode()).decode()),
    ("base64 after a user name", lambda value: base64.b64encode(f"loader:{value}".encode()).decode()),
    ("urlsafe base64", lambda value: base64.urlsafe_b64encode(b"xy" + value.encode()).decode()),
])
def test_partial_echoes_of_an_encoded_secret_are_masked(layer, kind, encode):
    secret = 'pw/with "quotes" & spaces+7f3a9b1e'
    layer.register(secret)
    of_secret = secret_runs(secret)
    encoded = encode(secret)
    for start, end in [(0, len(encoded)), (0, len(encoded) // 2), (len(encoded) // 3, len(encoded)),
                       (12, 12 + RUN + 1)]:
        part = encoded[start:end]
        echoed = runs(part) & of_secret
        assert echoed, (kind, part)  # the echo holds part of the secret...
        shown = layer.redact(f"echo [{part}]")
        assert not [run for run in echoed if run in shown], (kind, part, shown)  # ...none shown
        assert STARS in shown


# How servers echo text: PHP's json_encode escapes `/`, Go's encoding/json escapes `<`, `>`
# and `&`, some encoders write percent escapes in lower case, an HTML error page escapes
# `& < > " '`. A secret of short pieces between such characters has no run of 8 left.
SHORT_PIECES = "Sh0rt/pw&x<y>z/9q"  # dango:allow
ECHOED_AS = {
    "json, slashes escaped (PHP)": json.dumps(SHORT_PIECES)[1:-1].replace("/", "\\/"),
    "json, HTML-safe (Go)": json.dumps(SHORT_PIECES)[1:-1].replace("<", "\\u003c").replace(
        ">", "\\u003e").replace("&", "\\u0026"),
    "url, lower-case escapes": quote(SHORT_PIECES, safe="").lower().replace("sh0rt", "Sh0rt"),
    "html": SHORT_PIECES.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
}


@pytest.mark.parametrize("how", sorted(ECHOED_AS))
def test_a_secret_echoed_as_servers_escape_it_is_masked(layer, how):
    layer.register(SHORT_PIECES)
    echoed = ECHOED_AS[how]
    assert echoed != SHORT_PIECES
    assert layer.redact(f"invalid key [{echoed}]") == f"invalid key [{STARS}]"


def test_the_forms_of_a_secret_are_known_for_short_ones_too():
    assert "abc12" in encodings("abc12")
    assert all(len(form) >= SHORTEST for form in encodings("abcd"))


def test_a_cut_never_leaves_part_of_a_secret(layer):
    layer.register(CANARY_STRIPE)
    for keep in range(1, len(CANARY_STRIPE) + 1):
        text = "x" * (REASON_LIMIT - keep) + CANARY_STRIPE + " rest of the message"
        shown = layer.shorten(text, REASON_LIMIT)
        assert leaked(shown, CANARY_STRIPE) == [], (keep, shown)
        assert len(shown) <= REASON_LIMIT + len(mask(CANARY_STRIPE))


def test_a_cut_that_makes_a_word_into_a_short_secret_masks_it(layer):
    layer.register("abc12")
    text = "y" * 10 + " abc12xyz and more words after it"
    assert layer.redact(text) == text  # inside a word: left alone
    assert layer.shorten(text, 19) == "y" * 10 + f" {STARS}..."  # the cut made it a token


def test_a_window_cut_from_the_middle_is_redacted_on_both_sides(layer):
    layer.register(CANARY_PASSWORD)
    text = "a" * 100 + CANARY_PASSWORD + "b" * 100 + CANARY_PASSWORD + "c" * 100
    for start in range(0, len(text), 7):
        shown = layer.shorten(text, 60, start)
        assert leaked(shown, CANARY_PASSWORD) == [], (start, shown)


def test_text_holding_no_secret_is_returned_unchanged(layer):
    layer.register(CANARY_STRIPE)
    layer.register("abc12")
    text = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n" * 20000  # about 1 MB
    assert layer.redact(text) == text


def test_a_megabyte_full_of_secrets_is_masked_whole(layer):
    layer.register(CANARY_STRIPE)
    layer.register("abc12")
    text = f"{CANARY_STRIPE} abc12 {CANARY_PASSWORD[:12]}\n" * 15000
    shown = layer.redact(text)
    assert shown == f"sk_live_{STARS} {STARS} {CANARY_PASSWORD[:12]}\n" * 15000


def test_a_connection_url_secret_masks_its_password_and_shows_where_it_points(layer):
    layer.register(f"postgresql://loader:{quote(CANARY_PASSWORD)}@db.internal.example:5432/shop")
    shown = layer.redact("could not connect to db.internal.example:5432/shop as loader; "
                         f"password {CANARY_PASSWORD[:14]}... refused")
    assert shown == f"could not connect to db.internal.example:5432/shop as loader; password {STARS}... refused"
