"""A real OAuth 2.0 authorization server on 127.0.0.1 for the tests, built on oauthlib.

It plays Google (authorization code with PKCE S256 required, refresh tokens, RFC 7009
revocation, RFC 8628 device grant, token introspection, a userinfo endpoint, and the
Sheets API v4 values endpoints) and Facebook (the dialog, the code exchange, the swap for
a long-lived token, `DELETE /me/permissions`, `/me` and `/debug_token`).

Client credentials, redirect URIs (loopback only, any port, path /callback), PKCE and
state are checked by oauthlib's grant types against the validator below. Tests steer it
through attributes: `token_failure` (a canned answer of the token endpoint),
`device_slow_down` (answer slow_down once), `expires_in`, and inspect `requests`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on the loopback

from oauthlib.oauth2 import RequestValidator, WebApplicationServer  # noqa: E402
from oauthlib.oauth2.rfc6749 import errors as oauth_errors  # noqa: E402
from oauthlib.oauth2.rfc8628.endpoints import DeviceAuthorizationEndpoint  # noqa: E402
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant  # noqa: E402

GOOGLE_CLIENT_ID = "123456789012-testclient.apps.googleusercontent.com"
GOOGLE_CLIENT_SECRET = "GOCSPX-clientSecretCanary4f9a2b7c"
FACEBOOK_APP_ID = "987654321"
FACEBOOK_APP_SECRET = "fbAppSecretCanary71d0e3c5b9"
ACCOUNT_EMAIL = "ada@example.com"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SCOPES = {"openid", "email", "https://www.googleapis.com/auth/spreadsheets.readonly",
          "https://www.googleapis.com/auth/analytics.readonly", "https://www.googleapis.com/auth/adwords"}


@dataclass
class Token:
    access_token: str
    client_id: str
    scopes: list[str]
    expires: float
    refresh_token: str | None = None
    revoked: bool = False


@dataclass
class State:
    clients: dict[str, str] = field(default_factory=lambda: {GOOGLE_CLIENT_ID: GOOGLE_CLIENT_SECRET})
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access: dict[str, Token] = field(default_factory=dict)
    refresh: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> client, scopes, revoked
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)  # device_code -> status...
    consents: dict[str, dict[str, Any]] = field(default_factory=dict)
    fb_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    fb_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)


def _loopback_redirect(uri: str | None) -> bool:
    if not uri:
        return False
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.port is not None \
        and parts.path == "/callback" and not parts.query


class Validator(RequestValidator):
    def __init__(self, state: State):
        self.s = state

    # clients
    def client_authentication_required(self, request, *args, **kwargs):
        return True

    def authenticate_client(self, request, *args, **kwargs):
        client_id, secret = request.client_id, request.client_secret
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            import base64

            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id in self.s.clients and secret is not None \
                and secrets.compare_digest(self.s.clients[client_id], secret):
            request.client_id = client_id
            request.client = type("Client", (), {"client_id": client_id})()
            return True
        return False

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        return False  # confidential clients only

    def validate_client_id(self, client_id, request, *args, **kwargs):
        return client_id in self.s.clients

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        return _loopback_redirect(redirect_uri)

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        return None

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type == "code"

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        return bool(scopes) and set(scopes) <= SCOPES

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return ["openid"]

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in ("authorization_code", "refresh_token", DEVICE_GRANT)

    # authorization codes (PKCE)
    def is_pkce_required(self, client_id, request):
        return True

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        self.s.codes[code["code"]] = {
            "client_id": client_id, "redirect_uri": request.redirect_uri, "scopes": request.scopes,
            "challenge": request.code_challenge, "method": request.code_challenge_method}

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        stored = self.s.codes.get(code)
        if stored is None or stored["client_id"] != client_id:
            return False
        request.scopes, request.user = stored["scopes"], ACCOUNT_EMAIL
        return True

    def get_code_challenge(self, code, request):
        return (self.s.codes.get(code) or {}).get("challenge")

    def get_code_challenge_method(self, code, request):
        return (self.s.codes.get(code) or {}).get("method")

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        return (self.s.codes.get(code) or {}).get("redirect_uri") == redirect_uri

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        self.s.codes.pop(code, None)

    # tokens
    def save_bearer_token(self, token, request, *args, **kwargs):
        refresh = token.get("refresh_token")
        scopes = token.get("scope", "").split() or list(request.scopes or [])
        self.s.access[token["access_token"]] = Token(token["access_token"], request.client_id, scopes,
                                                     time.time() + token["expires_in"], refresh)
        if refresh and refresh not in self.s.refresh:
            self.s.refresh[refresh] = {"client_id": request.client_id, "scopes": scopes, "revoked": False}

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        stored = self.s.refresh.get(refresh_token)
        if stored is None or stored["revoked"] or stored["client_id"] != client.client_id:
            return False
        request.user = ACCOUNT_EMAIL
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        return self.s.refresh[refresh_token]["scopes"]

    def rotate_refresh_token(self, request):
        return False  # like Google: the refresh token lives until revoked

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        if token in self.s.refresh:
            self.s.refresh[token]["revoked"] = True
            for access in self.s.access.values():
                if access.refresh_token == token:
                    access.revoked = True
        if token in self.s.access:
            self.s.access[token].revoked = True

    def validate_bearer_token(self, token, scopes, request):
        stored = self.s.access.get(token)
        return bool(stored and not stored.revoked and stored.expires > time.time()
                    and set(scopes or []) <= set(stored.scopes))

    def introspect_token(self, token, token_type_hint, request, *args, **kwargs):
        stored = self.s.access.get(token)
        if stored is None or stored.revoked or stored.expires < time.time():
            return None
        return {"client_id": stored.client_id, "scope": " ".join(stored.scopes), "exp": int(stored.expires)}

    # device grant (RFC 8628)
    def validate_device_code(self, client_id, code, request, *args, **kwargs):
        device = self.s.devices.get(code)
        if device is None or device["client_id"] != client_id:
            return None
        if device["slow_down"]:
            device["slow_down"] = False
            return DeviceCodeGrant.DEVICE_CODE_SLOW_DOWN
        if device["status"] == "authorized":
            device["status"] = "used"
            request.scopes, request.user = device["scopes"], ACCOUNT_EMAIL
            return DeviceCodeGrant.DEVICE_CODE_AUTHORIZED
        return {"pending": DeviceCodeGrant.DEVICE_CODE_PENDING, "denied": DeviceCodeGrant.DEVICE_CODE_DENIED,
                "expired": DeviceCodeGrant.DEVICE_CODE_EXPIRED}.get(device["status"])


class OAuthServer:
    """`with OAuthServer() as server:` a live server; `server.env()` points Dango at it."""

    def __init__(self, device_interval: int = 0):
        self.state = State()
        self.validator = Validator(self.state)
        self.expires_in = 3600
        self.oauth = WebApplicationServer(
            self.validator, token_expires_in=lambda request: self.expires_in,
            token_generator=lambda request: "ya29." + secrets.token_urlsafe(24),
            refresh_token_generator=lambda request: "1//" + secrets.token_urlsafe(24))
        self.oauth.grant_types[DEVICE_GRANT] = DeviceCodeGrant(self.validator)
        self.device_endpoint = DeviceAuthorizationEndpoint(
            self.validator, verification_uri="", interval=device_interval,
            user_code_generator=lambda: secrets.token_hex(4).upper())
        self.token_failure: tuple[int, str] | None = None
        self.device_slow_down = False
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.sheets: dict[str, dict[str, list[list[Any]]]] = {}
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self.device_endpoint._verification_uri = self.url + "/device/verify"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def __enter__(self) -> "OAuthServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._http.shutdown()
        self._http.server_close()

    def env(self) -> dict[str, str]:
        env = {"GOOGLE_CLIENT_ID": GOOGLE_CLIENT_ID, "GOOGLE_CLIENT_SECRET": GOOGLE_CLIENT_SECRET,
               "FACEBOOK_APP_ID": FACEBOOK_APP_ID, "FACEBOOK_APP_SECRET": FACEBOOK_APP_SECRET,
               "DANGO_GOOGLE_SHEETS_API_URL": self.url + "/sheets"}
        for endpoint, path in (("AUTHORIZE", "/authorize"), ("TOKEN", "/token"), ("REVOKE", "/revoke"),
                               ("DEVICE", "/device"), ("USERINFO", "/userinfo"), ("INTROSPECT", "/introspect")):
            env[f"DANGO_OAUTH_GOOGLE_{endpoint}_URL"] = self.url + path
        for endpoint, path in (("AUTHORIZE", "/fb/dialog/oauth"), ("TOKEN", "/fb/oauth/access_token"),
                               ("REVOKE", "/fb/me/permissions"), ("USERINFO", "/fb/me"),
                               ("INTROSPECT", "/fb/debug_token")):
            env[f"DANGO_OAUTH_FACEBOOK_{endpoint}_URL"] = self.url + path
        return env

    # -- what tests do besides HTTP --------------------------------------------------
    def revoke_all(self) -> None:
        for stored in self.state.refresh.values():
            stored["revoked"] = True
        for token in self.state.access.values():
            token.revoked = True

    def set_device(self, user_code: str, status: str) -> None:
        for device in self.state.devices.values():
            if device["user_code"] == user_code:
                device["status"] = status

    def paths(self, method: str | None = None) -> list[str]:
        return [p for m, p, _ in self.requests if method in (None, m)]


def _handler(server: OAuthServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args) -> None:
            pass

        def _body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode() if length else ""

        def _send(self, status: int, body: str | bytes | dict, headers: dict | None = None,
                  content_type: str = "application/json") -> None:
            if isinstance(body, dict):
                body = json.dumps(body)
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            headers = dict(headers or {})
            headers.setdefault("Content-Type", content_type)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            body = self._body() if method in ("POST", "DELETE") else ""
            form = {k: v[-1] for k, v in parse_qs(body).items()}
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            server.requests.append((method, parts.path, {**query, **form}))
            uri = server.url + self.path
            headers = dict(self.headers)
            try:
                from . import oauth_routes

                oauth_routes.dispatch(server, self, method, parts.path, uri, body, headers, query, form)
            except oauth_errors.OAuth2Error as err:
                self._send(err.status_code, err.json)

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_DELETE(self) -> None:
            self._route("DELETE")

    return Handler


def consent_id(html: str) -> str:
    match = re.search(r'name="consent_id" value="([^"]+)"', html)
    assert match, html
    return match.group(1)

