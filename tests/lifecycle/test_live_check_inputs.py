"""Live checks and rotation given a value that cannot be sent as it is: one sentence, exit 1,
no character of the value and nothing written."""

from __future__ import annotations

from dango.errors import exception_text

from tests.conftest import snapshot
from tests.lifecycle.conftest import STRIPE_KEY

PASTED = STRIPE_KEY + "\u200b"  # a zero-width space copied with the key  # dango:allow
SENTENCE = ("a credential sent to Stripe in an HTTP header holds a character other than ASCII (often "
            "a non-breaking or zero-width space pasted with it); paste it again without that character")


def test_a_key_an_http_header_cannot_carry_is_invalid_in_one_sentence(dango, project_dir, stripe_api):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input",
                 "--set", f"base_url={stripe_api.url}").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input=STRIPE_KEY).code == 0
    before = snapshot(project_dir / ".dlt")
    rotated = dango("secrets", "rotate", "pay.stripe_secret_key", input=PASTED)
    assert rotated.code == 1, rotated
    assert f"did not pass its live test (invalid: {SENTENCE}); nothing was changed." in rotated.err
    assert snapshot(project_dir / ".dlt") == before
    assert dango("secrets", "set", "pay.stripe_secret_key", input=PASTED).code == 0
    tested = dango("source", "test", "pay")
    assert tested.code == 1, tested
    assert tested.out == f"pay: invalid ({SENTENCE})\n"
    for result in (rotated, tested):
        assert "\u200b" not in result.output and "\\u200b" not in result.output
        assert "position" not in result.output and "unexpected" not in result.output


def test_a_unicode_error_is_told_without_its_character_or_position():
    try:
        "sk_live_\u20acabc".encode("latin-1")  # dango:allow
    except UnicodeEncodeError as err:
        text = exception_text(err)
    assert text == "the latin-1 codec could not encode a character of a value (ordinal not in range(256))"
    assert exception_text(ValueError("plain")) == "plain"
