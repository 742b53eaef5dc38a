"""An authenticated GET, classified: 2xx valid, 401/403 invalid, anything else unknown."""

from __future__ import annotations

import json
from typing import Any

from ..bounded_http import Answer, Overdue, failure_text, fetch
from . import INVALID, UNKNOWN, VALID, Health, scrub

BODY_LIMIT = 64 * 1024  # bytes of an answer read: a provider's error message fits in far less


def probe(url: str, secrets: list[Any], timeout: float, *, headers=None, params=None,
          auth=None, what: str = "the API") -> Health:
    """GET `url`, its whole answer within `timeout` seconds (`bounded_http`); the reason of a
    refusal is the provider's message with `secrets` masked."""
    import httpx

    try:
        response = fetch("GET", url, timeout=timeout, limit=BODY_LIMIT, headers=headers, params=params,
                         auth=auth)
    except UnicodeEncodeError:  # httpx sends header values as ASCII; its error names the character
        return Health(INVALID, f"a credential sent to {what} in an HTTP header holds a character other "
                               "than ASCII (often a non-breaking or zero-width space pasted with it); "
                               "paste it again without that character")
    except Overdue as late:  # a status that came in time still counts; a body that did not is dropped
        if late.status is None:
            return Health(UNKNOWN, f"{what} did not answer within {timeout:g} s")
        response = Answer(late.status, b"", True)
    except httpx.HTTPError as err:
        return Health(UNKNOWN, f"could not reach {what} ({failure_text(err)})")
    if 200 <= response.status < 300:
        return Health(VALID)
    if 300 <= response.status < 400 and response.location:
        return Health(UNKNOWN, _redirect(url, response, what))
    reason = scrub(_error_message(response), secrets)
    if response.status in (401, 403):
        return Health(INVALID, f"{what} refused the credential (HTTP {response.status}"
                               + (f": {reason}" if reason else "") + ")")
    return Health(UNKNOWN, f"{what} answered HTTP {response.status}" + (f": {reason}" if reason else ""))


def _error_message(response: Answer) -> str:
    """The provider's own short reason (`error.message` or `message`), never a raw body."""
    try:
        body = response.json()
    except (json.JSONDecodeError, ValueError):
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = error.get("message") or error.get("type")
    else:
        message = body.get("message") if isinstance(body, dict) else None
        message = message or (error if isinstance(error, str) else None)
    return str(message) if message else ""  # whole: scrub() shortens it once redacted


def _redirect(url: str, response: Answer, what: str) -> str:
    """A redirect, named by the scheme and host it points to (its path and query may hold
    anything, a credential too); it is not followed, so the credential is not sent there."""
    from urllib.parse import urljoin, urlsplit

    target = urlsplit(urljoin(url, str(response.location)))
    where = f"{target.scheme}://{target.netloc.rpartition('@')[2]}" if target.netloc else "another address"
    where = "".join(c for c in where if "!" <= c <= "~")[:120]  # no terminal escapes, no spaces
    return (f"{what} answered HTTP {response.status}, a redirect to {where} that is not followed (the "
            "credential is not sent there); if that is its address, set base_url to it")
