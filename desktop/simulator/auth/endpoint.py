"""The IdentityServer look-alike's HTTP side: discovery and ``POST /connect/token``.

Imports: aiohttp and ``desktop.simulator.auth.tokens``. Used by ``server``.

Requested scopes are checked case-insensitively against ``webapi``, ``webapi.read``,
``webapi.write``, ``openid`` and ``profile``; none requested means ``webapi``. Client
credentials may come in the form body or an HTTP Basic header. Errors are worded as
IdentityServer4 words them: form content type first (``invalid_request``), then client
authentication (``invalid_client``), then the grant (a grant IdentityServer knows but the
client may not use is ``unauthorized_client``; anything else ``unsupported_grant_type``),
then scopes (``invalid_scope``), each as a bare ``{"error": …}`` with HTTP 400.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote_plus

from aiohttp import web

from desktop.simulator.auth.tokens import TokenIssuer

_SCOPES = ("webapi", "webapi.read", "webapi.write", "openid", "profile")
#: Grants IdentityServer4 implements; a client not set up for one gets ``unauthorized_client``.
_KNOWN_GRANTS = ("authorization_code", "password", "refresh_token", "implicit", "hybrid",
                 "urn:ietf:params:oauth:grant-type:device_code")  # fmt: skip
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    """An RFC 6749 token-endpoint error.

    Args:
        error: The RFC 6749 error code (``invalid_client``, ...).
        description: Human-readable ``error_description``.
    """

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description

    def response(self) -> web.Response:
        """Render as IdentityServer4 does: HTTP 400 and ``{"error": …}`` alone.

        The description stays in the simulator (the exception's text) for its own logs;
        IdentityServer4 sends none for these errors.

        Returns:
            The response.
        """
        return web.json_response({"error": self.error}, status=400, headers=_NO_STORE)


def base_url(request: web.Request) -> str:
    """Return ``scheme://host[:port]`` as the client addressed this server.

    Args:
        request: Any request.

    Returns:
        The absolute base URL, without a trailing slash.
    """
    return f"{request.scheme}://{request.host}"


def discovery_document(request: web.Request, issuer: TokenIssuer) -> dict[str, Any]:
    """Build the OpenID discovery document.

    The issuer is the configured one; the endpoint URLs use the host the request named
    (already checked to be the bound address or a loopback name).

    Args:
        request: The discovery request.
        issuer: The token service.

    Returns:
        The document.
    """
    base = base_url(request)
    return {
        "issuer": issuer.issuer_url,
        "jwks_uri": f"{base}/.well-known/openid-configuration/jwks",
        "token_endpoint": f"{base}/connect/token",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": list(_SCOPES),
        "response_types_supported": ["token"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["client_id", "scope", "iss", "aud", "exp", "iat"],
    }


async def token_endpoint(request: web.Request, issuer: TokenIssuer) -> web.Response:
    """Answer ``POST /connect/token`` (client_credentials grant only).

    Args:
        request: The token request.
        issuer: Token service.

    Returns:
        The token answer, or an RFC 6749 error (HTTP 400).
    """
    try:
        form = await _form(request)
        client_id, secret = _client_credentials(request, form)
        if not issuer.client_ok(client_id, secret):
            raise OAuthError("invalid_client", "unknown client or wrong client secret")
        grant = form.get("grant_type", "")
        if grant in _KNOWN_GRANTS:
            raise OAuthError("unauthorized_client", f"the client may not use the grant '{grant}'")
        if grant != "client_credentials":
            raise OAuthError("unsupported_grant_type", f"grant type '{grant}' is not supported")
        scopes = _scopes(form.get("scope"))
    except OAuthError as exc:
        return exc.response()
    token = issuer.issue(None, scopes, client_id=client_id)
    body = {
        "access_token": token,
        "expires_in": issuer.lifetime,
        "token_type": "Bearer",
        "scope": " ".join(scopes),
    }
    return web.json_response(body, headers=_NO_STORE)


async def _form(request: web.Request) -> dict[str, str]:
    if request.content_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded")
    posted = await request.post()
    return {key: str(value) for key, value in posted.items()}


def _client_credentials(request: web.Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except ValueError:
            raise OAuthError("invalid_request", "malformed Basic credentials") from None
        raw_id, sep, raw_secret = decoded.partition(":")
        if not sep:
            raise OAuthError("invalid_request", "malformed Basic credentials")
        client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        if form.get("client_id", client_id) != client_id:
            raise OAuthError("invalid_request", "client_id in body and header differ")
        return client_id, secret
    if "client_id" not in form:
        raise OAuthError("invalid_client", "client authentication is required")
    return form["client_id"], form.get("client_secret", "")


def _scopes(requested: str | None) -> tuple[str, ...]:
    if not requested or not requested.strip():
        return ("webapi",)
    scopes = tuple(requested.split())
    unknown = [s for s in scopes if s.lower() not in _SCOPES]
    if unknown:
        raise OAuthError("invalid_scope", f"scope '{unknown[0]}' is not allowed for this client")
    return scopes
