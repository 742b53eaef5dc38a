"""The HTTP routes of the test OAuth server (tests/servers/oauth_server.py).

Google-like: /authorize (consent page) and /authorize/consent, /token, /revoke, /device,
/userinfo, /introspect, /sheets/v4/spreadsheets/... . Facebook-like: /fb/dialog/oauth,
/fb/consent, /fb/oauth/access_token, /fb/me/permissions, /fb/me, /fb/debug_token.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.servers import sheets_api as sheets

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def consent_page(consent: str, action: str) -> str:
    return (f'<html><body><form method="post" action="{action}">'
            f'<input type="hidden" name="consent_id" value="{html.escape(consent)}">'
            '<button name="decision" value="allow">Allow</button>'
            '<button name="decision" value="deny">Deny</button></form></body></html>')


def dispatch(server, handler, method, path, uri, body, headers, query, form) -> None:
    send = handler._send
    oauth = server.oauth
    state = server.state

    if path == "/authorize" and method == "GET":
        if query.get("code_challenge_method") != "S256":  # like Google for native apps: no "plain"
            send(400, {"error": "invalid_request", "error_description": "S256 PKCE required"})
            return
        scopes, credentials = oauth.validate_authorization_request(uri, "GET", body, headers)
        consent = secrets.token_urlsafe(12)
        state.consents[consent] = {"uri": uri, "scopes": scopes, "credentials": credentials}
        send(200, consent_page(consent, "/authorize/consent"), content_type="text/html")
    elif path == "/authorize/consent" and method == "POST":
        consent = state.consents.pop(form.get("consent_id", ""), None)
        if consent is None:
            send(400, {"error": "invalid_request"})
            return
        credentials = consent["credentials"]
        if form.get("decision") != "allow":
            location = credentials["redirect_uri"] + "?" + urlencode(
                {"error": "access_denied", "error_description": "The user denied access",
                 "state": credentials.get("state") or ""})
            send(302, "", {"Location": location})
            return
        out_headers, out_body, status = oauth.create_authorization_response(
            consent["uri"], "GET", None, None, consent["scopes"], credentials)
        send(status, out_body or "", out_headers)
    elif path == "/token" and method == "POST":
        if server.token_failure is not None:
            status, text = server.token_failure
            send(status, text, content_type="text/plain" if not text.startswith("{") else "application/json")
            return
        out_headers, out_body, status = oauth.create_token_response(uri, "POST", body, {**headers, **FORM})
        send(status, out_body, out_headers)
    elif path == "/revoke" and method == "POST":
        out_headers, out_body, status = oauth.create_revocation_response(uri, "POST", body, {**headers, **FORM})
        send(status, out_body or "", out_headers)
    elif path == "/introspect" and method == "POST":
        out_headers, out_body, status = oauth.create_introspect_response(uri, "POST", body, {**headers, **FORM})
        send(status, out_body, out_headers)
    elif path == "/device" and method == "POST":
        out_headers, data, status = server.device_endpoint.create_device_authorization_response(
            uri, "POST", body, {**headers, **FORM})
        if status == 200 and isinstance(data, dict):
            state.devices[data["device_code"]] = {
                "client_id": form.get("client_id"), "user_code": data["user_code"], "status": "pending",
                "scopes": form.get("scope", "openid").split(), "slow_down": server.device_slow_down}
        send(status, data if isinstance(data, dict) else (data or ""), out_headers)
    elif path == "/userinfo" and method == "GET":
        valid, _ = oauth.verify_request(uri, "GET", None, headers, scopes=["email"])
        send(200, {"email": "ada@example.com", "sub": "1"}) if valid else send(401, {"error": "invalid_token"})
    elif path.startswith("/sheets/v4/spreadsheets/"):
        sheets_api(server, handler, path, uri, headers)
    elif path.startswith("/fb/"):
        facebook(server, handler, method, path, query, form)
    else:
        send(404, {"error": "not_found"})


def sheets_api(server, handler, path, uri, headers) -> None:
    scope = "https://www.googleapis.com/auth/spreadsheets.readonly"
    valid, _ = server.oauth.verify_request(uri, "GET", None, headers, scopes=[scope])
    if not valid:
        handler._send(401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}})
        return
    rest = path[len("/sheets/v4/spreadsheets/"):]
    sheet_id, _, tail = rest.partition("/")
    params = parse_qs(urlsplit(uri).query)
    handler._send(*sheets.answer(sheet_id, server.sheets.get(sheet_id), tail, params))


def _fb_error(handler, status: int, message: str, code: int = 190) -> None:
    handler._send(status, {"error": {"message": message, "type": "OAuthException", "code": code}})


def facebook(server, handler, method, path, query, form) -> None:
    from .oauth_server import FACEBOOK_APP_ID, FACEBOOK_APP_SECRET

    state = server.state
    send = handler._send
    params = {**query, **form}
    if path == "/fb/dialog/oauth" and method == "GET":
        redirect = params.get("redirect_uri", "")
        from .oauth_server import _loopback_redirect

        if params.get("client_id") != FACEBOOK_APP_ID or not _loopback_redirect(redirect):
            _fb_error(handler, 400, "Invalid app id or redirect_uri", 100)
            return
        consent = secrets.token_urlsafe(12)
        state.consents[consent] = {"fb": params}
        send(200, consent_page(consent, "/fb/consent"), content_type="text/html")
    elif path == "/fb/consent" and method == "POST":
        consent = state.consents.pop(form.get("consent_id", ""), {}).get("fb")
        if consent is None:
            _fb_error(handler, 400, "unknown consent", 100)
            return
        if form.get("decision") != "allow":
            query_out = {"error": "access_denied", "error_description": "Permissions error",
                         "state": consent.get("state", "")}
        else:
            code = "fbcode" + secrets.token_urlsafe(16)
            state.fb_codes[code] = consent
            query_out = {"code": code, "state": consent.get("state", "")}
        send(302, "", {"Location": consent["redirect_uri"] + "?" + urlencode(query_out)})
    elif path == "/fb/oauth/access_token" and method == "GET":
        if server.token_failure is not None:
            status, text = server.token_failure
            send(status, text, content_type="text/plain")
            return
        if params.get("client_id") != FACEBOOK_APP_ID or params.get("client_secret") != FACEBOOK_APP_SECRET:
            _fb_error(handler, 400, "Error validating client secret.", 1)
        elif params.get("grant_type") == "fb_exchange_token":
            short = state.fb_tokens.get(params.get("fb_exchange_token", ""))
            if short is None or short["revoked"]:
                _fb_error(handler, 400, "Invalid OAuth access token.")
                return
            token = "EAAlong" + secrets.token_urlsafe(24)
            state.fb_tokens[token] = {"revoked": False, "long": True, "expires": time.time() + 5184000}
            send(200, {"access_token": token, "token_type": "bearer", "expires_in": 5184000})
        else:
            grant = state.fb_codes.pop(params.get("code", ""), None)
            if grant is None or grant.get("redirect_uri") != params.get("redirect_uri"):
                _fb_error(handler, 400, "Invalid verification code format.", 100)
                return
            challenge = grant.get("code_challenge")
            verifier = params.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge and digest != challenge:
                _fb_error(handler, 400, "Invalid code verifier.", 100)
                return
            token = "EAAshort" + secrets.token_urlsafe(24)
            state.fb_tokens[token] = {"revoked": False, "long": False, "expires": time.time() + 7200}
            send(200, {"access_token": token, "token_type": "bearer", "expires_in": 7200})
    elif path == "/fb/me/permissions" and method == "DELETE":
        token = state.fb_tokens.get(params.get("access_token", ""))
        if token is None or token["revoked"]:
            _fb_error(handler, 400, "Invalid OAuth access token.")
            return
        token["revoked"] = True
        send(200, {"success": True})
    elif path == "/fb/me" and method == "GET":
        auth = handler.headers.get("Authorization", "")
        token = state.fb_tokens.get(auth.removeprefix("Bearer ") or params.get("access_token", ""))
        if token is None or token["revoked"]:
            _fb_error(handler, 400, "Invalid OAuth access token.")
            return
        send(200, {"id": "42", "name": "Ada Lovelace"})
    elif path == "/fb/debug_token" and method == "GET":
        if params.get("access_token") != f"{FACEBOOK_APP_ID}|{FACEBOOK_APP_SECRET}":
            _fb_error(handler, 400, "Invalid app token", 190)
            return
        token = state.fb_tokens.get(params.get("input_token", ""))
        valid = bool(token and not token["revoked"] and token["expires"] > time.time())
        send(200, {"data": {"app_id": FACEBOOK_APP_ID, "is_valid": valid}})
    else:
        send(404, json.dumps({"error": "not_found"}))
