"""The requests session of the HTTP sources (rest_api, stripe, google_sheets).

It retries 429 (honouring Retry-After) and 5xx answers, and it sends a source's credentials
only to the origin (scheme, host and port) of the source's base URL. An API answer can lead
elsewhere: a redirect, or a next-page link in the body, which dlt's paginators follow as
they are. requests drops only the `Authorization` header on a redirect to another host, and
nothing on a link, so an API key header, the `[sources.<name>.headers]` table, a bearer
token or a key in the query string went wherever the answer pointed. A request to another
origin now goes without any header the request was given (requests' own defaults stay) and
without the query parameter the key travels in.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MAX_ATTEMPTS = 4
BACKOFF = 0.5
MAX_DELAY = 30
TIMEOUT = 60


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def session(base_url: str, query_keys: tuple[str, ...] = ()):
    """A session for a source whose credentials belong to `base_url`'s origin; `query_keys`
    names query parameters that carry a credential (an API key sent in the query)."""
    from dlt.sources.helpers.requests import Client
    from requests.utils import default_headers

    client = Client(request_timeout=TIMEOUT, request_max_attempts=MAX_ATTEMPTS,
                    request_backoff_factor=BACKOFF, request_max_retry_delay=MAX_DELAY,
                    respect_retry_after_header=True,
                    raise_for_status=False)  # dlt's REST client raises itself
    http = client.session
    home = origin(base_url)
    kept = {name.lower() for name in default_headers()}
    send = http.send

    def send_to_origin(request, **kwargs):
        if origin(request.url) != home:
            for name in [name for name in request.headers if name.lower() not in kept]:
                del request.headers[name]
            if query_keys:
                request.url = _without(request.url, query_keys)
        return send(request, **kwargs)

    http.send = send_to_origin  # redirects are sent through it too (Session.resolve_redirects)
    return http


def _without(url: str, names: tuple[str, ...]) -> str:
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
             if key not in names]
    return urlunsplit(parts._replace(query=urlencode(query)))
