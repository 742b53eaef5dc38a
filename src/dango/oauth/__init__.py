"""OAuth for the sources that need it (SPEC section 4).

providers  the providers, their endpoints (overridable) and scopes, the client credentials
pkce       code verifier, S256 challenge and state
loopback   the one-shot redirect server on 127.0.0.1 (RFC 8252)
http       calls to provider endpoints, with errors that never echo a response body
grants     the grants: authorization code, device (RFC 8628), refresh, revocation (RFC 7009)
tokens     where tokens live in `.dlt/secrets.toml`, and their status
flow       `dango auth NAME`: consent, exchange, storage
lifecycle  list, refresh, remove, check, and the refresh a sync runs before it loads

Nothing here imports httpx until a request is made, so `dango auth list` stays fast.
"""
