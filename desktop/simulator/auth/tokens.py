"""Access tokens: issuing and verifying them, and the bearer checks of every route.

Imports: aiohttp, PyJWT, cryptography and ``desktop.simulator.config``. Used by
``auth.endpoint`` (the token endpoint), ``server`` (bearer checks), ``control`` and ``hubs``.

Tokens are real RS256 JWTs signed with a key generated when the simulator starts; the
public key is served as a JWKS. The issuer (``iss`` of every token and of the discovery
document) is fixed when the server binds (``SimConfig.issuer``, else the bound
``http://host:port``), never taken from a request. Bearer checks are those of ASP.NET
Core's JwtBearer handler: signature, ``iss``, ``aud``, and ``exp``/``nbf`` with its default
5-minute clock skew.

Three clients are registered: the configured one (``demo-dealer``) of the simulator's
organisation, ``demo-admin`` of the same organisation (manager ``admin`` right), and
``other-org`` of another organisation. Tokens carry ``org_id`` and ``trade_platforms``
claims; every route that names a platform refuses a token whose organisation does not own
it (``auth.tenancy``). Faults: ``short_lifetime`` makes new tokens die after N seconds
(``exp``, and a revocation time checked with no skew) while ``expires_in`` still announces
the configured lifetime (a client trusting it meets HTTP 401 and must fetch a new one), and
``expire_all`` makes every token issued so far invalid at once (a ``gen`` claim older than
the issuer's generation).
"""

from __future__ import annotations

import hmac
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

_AUDIENCE = "webapi"


class InvalidToken(Exception):
    """A bearer token is missing, malformed, badly signed or expired."""


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
        self.skew = config.clock_skew
        #: ``iss`` of every token; the server sets it when it has bound its port.
        self.issuer_url = config.issuer or f"http://{config.host}:{config.port}"
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
        issuer: str | None = None,
        scopes: tuple[str, ...] = ("webapi",),
        lifetime: int | None = None,
        client_id: str | None = None,
    ) -> str:
        """Sign a new access token.

        Args:
            issuer: ``iss`` claim (default: the configured issuer; another one makes a
                token this server refuses).
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
        now = int(self.clock())
        dies: int | None = None
        if lifetime is None:
            lifetime = self.lifetime if self.short_lifetime is None else self.short_lifetime
            if self.short_lifetime is not None:
                dies = now + lifetime
        claims: dict[str, Any] = {
            "iss": issuer or self.issuer_url,
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
        if dies is not None:
            claims["sim_revoked_at"] = dies
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid, "typ": "at+jwt"})

    def verify(self, token: str) -> TokenClaims:
        """Check a token as ASP.NET Core's JwtBearer handler does.

        Signature, issuer and audience must match; ``exp`` and ``nbf`` are checked with the
        clock skew; a token of an older generation, or past its fault revocation time, is
        refused with no skew.

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
                issuer=self.issuer_url,
                options={"require": ["exp", "iat", "iss", "aud", "client_id"], "verify_exp": False,
                         "verify_iat": False, "verify_nbf": False},
            )  # fmt: skip
            expires = int(claims["exp"])
            not_before = int(claims.get("nbf", claims["iat"]))
            revoked = claims.get("sim_revoked_at")
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc
        now = self.clock()
        if not_before > now + self.skew:
            raise InvalidToken(f"The token is not valid before '{not_before}'")
        if expires + self.skew <= now or claims.get("gen", 0) != self.generation:
            raise InvalidToken(f"The token expired at '{expires}'")
        if isinstance(revoked, int) and revoked <= now:
            raise InvalidToken("The token was revoked")
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
        401 with ``{"error":"invalid_token"}`` and a ``WWW-Authenticate: Bearer`` challenge
        that, as ASP.NET Core's, says why a presented token was refused.
    """
    challenge = "Bearer"
    if reason is not None:
        detail = reason.replace("\\", "").replace('"', "'")
        challenge = f'Bearer error="invalid_token", error_description="{detail}"'
    return web.json_response({"error": "invalid_token"}, status=401, headers={"WWW-Authenticate": challenge})
