"""Requests to provider endpoints, and what a user may see of a failed one.

A response body is never printed as is: a token endpoint's error body can echo the client
secret, the code or a token. What a user sees of a failure is the HTTP status, the OAuth
`error` code when it is a plain word, and the `error_description` with every value we
sent removed and anything token-like masked. URLs are shown without their query string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import urlsplit

from ..errors import TokenEndpointError
from ..redact import shorten
from ..store.mask import mask

TIMEOUT_SECONDS = 30.0
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}\Z")
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-./+=|]{16,}")
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]+")


@dataclass
class Response:
    status: int
    data: dict[str, Any] | None  # the JSON object, or None when the body was not one

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> str | None:
        code = (self.data or {}).get("error")
        if isinstance(code, dict):  # Facebook: {"error": {"message": ..., "type": ..., "code": ...}}
            code = code.get("type") or code.get("code")
        code = str(code) if code is not None else None
        return code if code and _ERROR_CODE.match(code) else None


def shown_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def clean(text: Any, secrets: Iterable[str] = (), limit: int = 200, *, tokens: bool = True) -> str:
    """Text from a provider made safe to print: known secrets removed, tokens masked,
    control characters (terminal escapes) dropped, length limited."""
    text = str(text)
    for value in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(value, "[redacted]")
    if tokens:  # False for what is meant to be shown: an address, a user code
        text = _TOKEN_LIKE.sub(lambda m: mask(m.group(0)), text)
    text = _UNPRINTABLE.sub(" ", text).strip()
    return shorten(text, limit)  # redacted before the cut


def request(method: str, url: str, *, what: str, secrets: Iterable[str] = (),
            timeout: float = TIMEOUT_SECONDS, **kwargs) -> Response:
    """One HTTP request, its whole answer within `timeout` seconds (`bounded_http`); a network
    failure or a late answer is a TokenEndpointError naming `what` and the host."""
    import httpx

    from ..bounded_http import Overdue, failure_text, fetch

    try:
        # trust_env: a proxy (HTTPS_PROXY, NO_PROXY) and CA bundle (SSL_CERT_FILE) configured
        # for this machine apply, as they do for a browser.
        reply = fetch(method, url, timeout=timeout, trust_env=True, **kwargs)
    except (httpx.HTTPError, Overdue) as err:
        problem = f"no whole answer within {timeout:g} s" if isinstance(err, Overdue) \
            else failure_text(err)
        raise TokenEndpointError(
            f"Could not reach the {what} at {shown_url(url)} ({problem}); check the "
            "network connection and run the command again."
        ) from None
    data: dict[str, Any] | None
    try:
        parsed = reply.json()
        data = parsed if isinstance(parsed, dict) else None
    except ValueError:
        data = None
    return Response(reply.status, data)


def failure(response: Response, what: str, url: str, secrets: Iterable[str] = (),
            consequence: str = "nothing was changed") -> TokenEndpointError:
    """The error for an unusable answer, with nothing of the body but a cleaned description."""
    secrets = list(secrets)
    if response.data is None:
        detail = f"HTTP {response.status} and a body that is not an OAuth JSON answer"
    elif response.error:
        detail = f"HTTP {response.status}, error {response.error}"
        description = (response.data or {}).get("error_description")
        if description is None and isinstance(response.data.get("error"), dict):
            description = response.data["error"].get("message")
        if description:
            detail += f": {clean(description, secrets)}"
    else:
        detail = f"HTTP {response.status} without the expected fields"
    return TokenEndpointError(f"The {what} at {shown_url(url)} answered {detail}; {consequence}.")
