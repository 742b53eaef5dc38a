"""An authenticated GET, classified: 2xx valid, 401/403 invalid, anything else unknown."""

from __future__ import annotations

import json
from typing import Any

from . import INVALID, UNKNOWN, VALID, Health, scrub


def probe(url: str, secrets: list[Any], timeout: float, *, headers=None, params=None,
          auth=None, what: str = "the API") -> Health:
    """GET `url`; the reason of a refusal is the provider's message with `secrets` masked."""
    import httpx

    try:
        response = httpx.get(url, headers=headers, params=params, auth=auth, timeout=timeout,
                             follow_redirects=False)
    except UnicodeEncodeError:  # httpx sends header values as ASCII; its error names the character
        return Health(INVALID, f"a credential sent to {what} in an HTTP header holds a character other "
                               "than ASCII (often a non-breaking or zero-width space pasted with it); "
                               "paste it again without that character")
    except httpx.TimeoutException:
        return Health(UNKNOWN, f"{what} did not answer within {timeout:g} s")
    except httpx.HTTPError as err:
        return Health(UNKNOWN, f"could not reach {what} ({type(err).__name__})")
    if 200 <= response.status_code < 300:
        return Health(VALID)
    reason = scrub(_error_message(response), secrets)
    if response.status_code in (401, 403):
        return Health(INVALID, f"{what} refused the credential (HTTP {response.status_code}"
                               + (f": {reason}" if reason else "") + ")")
    return Health(UNKNOWN, f"{what} answered HTTP {response.status_code}" + (f": {reason}" if reason else ""))


def _error_message(response) -> str:
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
