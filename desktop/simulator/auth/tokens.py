"""OAuth2 client-credentials token service (IdentityServer look-alike) and bearer checks.

Imports: aiohttp, PyJWT, cryptography and ``desktop.simulator.config``. Used by ``server``
(routes) and ``hubs.registry`` / ``rest.pipeline.v2`` (bearer checks via ``server``).

Tokens are real RS256 JWTs signed with a key generated when the simulator starts; the
public key is served as a JWKS. Requested scopes are checked case-insensitively against
``webapi``, ``webapi.read``, ``webapi.write``, ``openid`` and ``profile``; none requested
means ``webapi``. Client credentials may come in the form body or an HTTP Basic header.

Three clients are registered: the configured one (``demo-dealer``) of the simulator's
organisation, ``demo-admin`` of the same organisation (manager ``admin`` right), and ``other-org``
of another organisation. Tokens carry ``org_id`` and
``trade_platforms`` claims; the v2 pipeline answers ``Forbidden`` when the token's
organisation does not own the platform in the path. Expiry is checked against the
issuer's injectable ``clock``. Faults: ``short_lifetime`` makes new tokens die after N
seconds while ``expires_in`` still announces the configured lifetime (a client trusting
it meets HTTP 401 and must fetch a new one), and ``expire_all`` makes every token issued
so far invalid at once (a ``gen`` claim older than the issuer's generation).
"""

from __future__ import annotations

import base64
import hmac
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from desktop.simulator.config import (
    ADMIN_CLIENT_ID,
    ADMIN_CLIENT_SECRET,
    ORGANIZATION_ID,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    OTHER_ORGANIZATION_ID,
    OTHER_PLATFORM_ID,
    PLATFORM_ID,
    SimConfig,
)

_SCOPES = ("webapi", "webapi.read", "webapi.write", "openid", "profile")
_AUDIENCE = "webapi"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class InvalidToken(Exception):
    """A bearer token is missing, malformed, badly signed or expired."""


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
        """Render as the HTTP 400 JSON answer.

        Returns:
            The response.
        """
        body = {"error": self.error, "error_description": self.description}
        return web.json_response(body, status=400, headers=_NO_STORE)


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says.

    Attributes:
        client_id: The client it was issued to.
        scopes: Granted scopes.
        expires_at: Unix expiry time.
        organization: Organisation id of the client (``org_id`` claim).
        platforms: Trade platforms of that organisation (``trade_platforms`` claim).
    """

    client_id: str
    scopes: tuple[str, ...]
    expires_at: int
    organization: str = ORGANIZATION_ID
    platforms: tuple[str, ...] = (PLATFORM_ID,)


@dataclass(frozen=True)
class RegisteredClient:
    """An OAuth2 client the token endpoint knows.

    Attributes:
        secret: Its secret.
        organization: Organisation it belongs to.
        platforms: Trade platforms of that organisation.
    """

    secret: str
    organization: str
    platforms: tuple[str, ...]


def base_url(request: web.Request) -> str:
    """Return ``scheme://host[:port]`` as the client addressed this server.

    Args:
        request: Any request.

    Returns:
        The absolute base URL, without a trailing slash.
    """
    return f"{request.scheme}://{request.host}"


class TokenIssuer:
    """Issues and verifies access tokens for the registered clients.

    Attributes:
        lifetime: Lifetime announced as ``expires_in`` (the configured one).
        short_lifetime: When set, the real lifetime of new tokens (a fault); else ``lifetime``.
        clock: Unix-time source used for ``iat``/``exp`` and for the expiry check.

    Args:
        config: Simulator settings (client id/secret, token lifetime).
        clock: Unix-time source.
    """

    def __init__(self, config: SimConfig, clock: Callable[[], float] = time.time) -> None:
        self._client_id = config.client_id
        self._clients = {
            OTHER_CLIENT_ID: RegisteredClient(OTHER_CLIENT_SECRET, OTHER_ORGANIZATION_ID, (OTHER_PLATFORM_ID,)),
            config.client_id: RegisteredClient(config.client_secret, ORGANIZATION_ID, (PLATFORM_ID,)),
            ADMIN_CLIENT_ID: RegisteredClient(ADMIN_CLIENT_SECRET, ORGANIZATION_ID, (PLATFORM_ID,)),
        }
        self.lifetime = config.token_lifetime
        self.short_lifetime: int | None = None
        self.clock = clock
        self.generation = 0
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._public = self._key.public_key()
        self.kid = uuid.uuid4().hex.upper()

    def client_ok(self, client_id: str, secret: str) -> bool:
        """Check client credentials in constant time.

        Args:
            client_id: Presented id.
            secret: Presented secret.

        Returns:
            True when both match a registered client.
        """
        known = self._clients.get(client_id)
        expected = known.secret if known is not None else ""
        return hmac.compare_digest(secret.encode(), expected.encode()) and known is not None

    def expire_all(self) -> None:
        """Make every token issued so far invalid (HTTP 401 "expired"); new ones are fine.

        Tokens carry the ``generation`` they were issued in; setting it back to 0 (what
        ``Faults.reset`` does) makes the first generation's tokens valid again.
        """
        self.generation += 1

    def issue(
        self,
        issuer: str,
        scopes: tuple[str, ...] = ("webapi",),
        lifetime: int | None = None,
        client_id: str | None = None,
    ) -> str:
        """Sign a new access token.

        Args:
            issuer: ``iss`` claim (the server's base URL).
            scopes: Granted scopes.
            lifetime: Seconds until expiry (default: ``short_lifetime`` when set, else the
                configured one; negative = already expired).
            client_id: Registered client it is for (default: the configured one).

        Returns:
            The compact JWT.

        Raises:
            KeyError: ``client_id`` is not registered.
        """
        client_id = client_id or self._client_id
        client = self._clients[client_id]
        if lifetime is None:
            lifetime = self.lifetime if self.short_lifetime is None else self.short_lifetime
        now = int(self.clock())
        claims = {
            "iss": issuer,
            "aud": _AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "client_id": client_id,
            "scope": list(scopes),
            "org_id": client.organization,
            "trade_platforms": list(client.platforms),
            "gen": self.generation,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid, "typ": "at+jwt"})

    def verify(self, token: str) -> TokenClaims:
        """Check a token's signature and lifetime.

        Args:
            token: Compact JWT.

        Returns:
            Its claims.

        Raises:
            InvalidToken: The token is not valid now.
        """
        try:
            claims = jwt.decode(
                token,
                self._public,
                algorithms=["RS256"],
                audience=_AUDIENCE,
                options={"require": ["exp", "iat", "client_id"], "verify_exp": False, "verify_iat": False,
                         "verify_nbf": False},
            )  # fmt: skip
            expires = int(claims["exp"])
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc
        if expires <= self.clock() or claims.get("gen", 0) != self.generation:
            raise InvalidToken("Signature has expired")
        scope = claims.get("scope", [])
        scopes = tuple(scope.split()) if isinstance(scope, str) else tuple(scope)
        platforms = tuple(str(p) for p in claims.get("trade_platforms", ()))
        return TokenClaims(str(claims["client_id"]), scopes, expires, str(claims.get("org_id", "")), platforms)

    def jwks(self) -> dict[str, Any]:
        """Return the public key set.

        Returns:
            A JWKS document with one RS256 key.
        """
        jwk = RSAAlgorithm.to_jwk(self._public, as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}


def discovery_document(request: web.Request) -> dict[str, Any]:
    """Build the OpenID discovery document with absolute URLs for this request's host.

    Args:
        request: The discovery request.

    Returns:
        The document.
    """
    base = base_url(request)
    return {
        "issuer": base,
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
        grant = form.get("grant_type")
        if not grant:
            raise OAuthError("invalid_request", "grant_type is required")
        if grant != "client_credentials":
            raise OAuthError("unsupported_grant_type", f"grant type '{grant}' is not supported")
        client_id, secret = _client_credentials(request, form)
        if not issuer.client_ok(client_id, secret):
            raise OAuthError("invalid_client", "unknown client or wrong client secret")
        scopes = _scopes(form.get("scope"))
    except OAuthError as exc:
        return exc.response()
    token = issuer.issue(base_url(request), scopes, client_id=client_id)
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


def bearer_token(request: web.Request, allow_query: bool) -> str | None:
    """Find the bearer token of a request.

    Args:
        request: The request.
        allow_query: Also look at ``access_token`` / ``signalr_token`` (hub requests).

    Returns:
        The token, or None when the request carries none.
    """
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        return header[7:].strip()
    if allow_query:
        for name in ("access_token", "signalr_token"):
            value = request.query.get(name)
            if value:
                return value
    return None


def unauthorized(reason: str | None) -> web.Response:
    """Build the HTTP 401 answer for a missing or invalid bearer.

    Args:
        reason: Why the token was refused, or None when there was no token.

    Returns:
        401 with ``{"error":"invalid_token"}`` and a ``WWW-Authenticate: Bearer`` challenge.
    """
    challenge = "Bearer" if reason is None else 'Bearer error="invalid_token"'
    return web.json_response({"error": "invalid_token"}, status=401, headers={"WWW-Authenticate": challenge})
