"""Settings of one simulator instance, and the constants every part of it shares.

Imports: stdlib only. Used by every other module of ``desktop.simulator``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

#: The one MT4 trade platform the simulator serves (``GET /api/TradePlatforms``).
PLATFORM_ID = "3f6c2a8e-5d1b-4e7a-9c0f-d31e5a7b9c24"
#: Name reported for that platform.
PLATFORM_NAME = "Dealer Desk Demo MT4"
#: Manager login of the platform (``/api/TradePlatforms``): also the trading account that an
#: open with ``orderBy`` 0 runs on (the seeded idle account 1000 of the vendor's examples).
PLATFORM_MANAGER_LOGIN = 1000
#: Organization owning the platform (``GET /api/Organizations``).
ORGANIZATION_ID = "8a1d4f60-2b7c-4c39-b5e8-6f0a9d2c3e71"
ORGANIZATION_NAME = "Dealer Desk Demo Brokerage"
#: Creation time of the platform and organization records (fixed: the data is seeded).
CREATED_AT = "2024-01-15T09:30:00Z"

DEFAULT_CLIENT_ID = "demo-dealer"
DEFAULT_CLIENT_SECRET = "demo-secret"
#: A client of the same organisation with the manager ``admin`` right (server settings).
ADMIN_CLIENT_ID = "demo-admin"
ADMIN_CLIENT_SECRET = "admin-secret"
#: A second registered client belonging to another organisation (its tokens are refused
#: with ``Forbidden`` on this organisation's platforms).
OTHER_CLIENT_ID = "other-org"
OTHER_CLIENT_SECRET = "other-secret"
OTHER_ORGANIZATION_ID = "c2e9b7d4-6a15-4f83-9e2c-5b0d7a1f4e96"
OTHER_ORGANIZATION_NAME = "Another Brokerage"
#: The (not served) platform of the other organisation, carried in its tokens' claims.
OTHER_PLATFORM_ID = "5d2f8c41-9b7e-4a06-8d3c-e1f6a0b9c257"
#: The MT5 trade platform the simulator serves beside the MT4 one (same organisation).
MT5_PLATFORM_ID = "b7a64d2e-91c3-4f5a-8e20-6c1d9f3a7b05"
#: ASP.NET Core's default ``ClockSkew`` of JWT validation: ``exp`` and ``nbf`` are checked
#: with this much grace, in seconds.
DEFAULT_CLOCK_SKEW = 300.0
#: Host names a request may address the simulator by, besides the address it is bound to
#: (the DNS-rebinding guard, as ASP.NET Core's host filtering).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
#: Path of the SignalR hub (``?tradePlatform=<guid>`` is appended by clients).
HUB_PATH = "/hubs/mt4/v2"
#: First login of the generated accounts.
FIRST_LOGIN = 100001
#: Total ticks per second across all symbols when the CLI is not told otherwise.
DEFAULT_TICK_RATE = 60.0


@dataclass(frozen=True)
class SimConfig:
    """Everything that shapes one simulator run.

    Attributes:
        host: Interface to bind; loopback only in tests and demo mode.
        port: TCP port; 0 picks a free one (read back from the socket).
        seed: Seed of every random choice (accounts, positions, price path).
        tick_rate: Total ticks per second across all symbols; 0 stops the feed
            (ticks then come only from ``SimControl.advance``).
        client_id: The one OAuth2 client the token endpoint accepts.
        client_secret: Its secret.
        token_lifetime: Lifetime of issued access tokens, in seconds.
        accounts: Number of generated accounts.
        keepalive_interval: Seconds between hub pings (SignalR ``KeepAliveInterval``).
        client_timeout: Seconds of client silence after which the hub closes the
            connection (SignalR ``ClientTimeoutInterval``).
        handshake_timeout: Seconds a new hub connection has to send its handshake.
        idempotency_ttl: Seconds an ``Idempotency-Key`` and its stored answer are kept.
        negotiate_ttl: Seconds a negotiated connection id waits for its WebSocket.
        shutdown_timeout: Seconds the HTTP server waits for open requests on close.
        outcome_ttl: Seconds an ``Idempotency-Key`` is kept after an operation answered
            ``OutcomeUnknown`` has finished (contract §6: at least one hour).
        control_token: Secret of the ``/_sim/`` control routes (``Authorization: SimControl
            <token>``); None draws a random one per instance.
        scenarios: Scenarios started with the server (``NAME`` or ``NAME:key=value,…``).
        issuer: The ``iss`` of every token and of the discovery document; None means the
            address the server is bound to (``http://host:port``). Never taken from a request.
        allowed_hosts: Host names accepted in the ``Host`` header besides the bound address
            and the loopback names; anything else is refused (HTTP 400).
        clock_skew: Grace in seconds when ``exp`` and ``nbf`` are checked.
    """

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 1
    tick_rate: float = DEFAULT_TICK_RATE
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    token_lifetime: int = 3600
    accounts: int = 1000
    keepalive_interval: float = 15.0
    client_timeout: float = 30.0
    handshake_timeout: float = 15.0
    idempotency_ttl: float = 60.0
    negotiate_ttl: float = 30.0
    shutdown_timeout: float = 0.5
    outcome_ttl: float = 3600.0
    control_token: str | None = None
    scenarios: tuple[str, ...] = ()
    issuer: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    clock_skew: float = DEFAULT_CLOCK_SKEW

    def __post_init__(self) -> None:
        if self.tick_rate < 0:
            raise ValueError("tick_rate must not be negative")
        if self.accounts < 1:
            raise ValueError("accounts must be at least 1")
        if self.token_lifetime < 1:
            raise ValueError("token_lifetime must be at least 1 second")
        if self.idempotency_ttl < 60:
            raise ValueError("idempotency_ttl must be at least 60 seconds")
        if self.outcome_ttl < 3600:
            raise ValueError("outcome_ttl must be at least 3600 seconds")
        if self.control_token is not None and not self.control_token.strip():
            raise ValueError("control_token must not be empty")

    def replace(self, **changes: object) -> SimConfig:
        """Return a copy with some fields changed.

        Args:
            **changes: Field names and their new values.

        Returns:
            The new configuration.
        """
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
