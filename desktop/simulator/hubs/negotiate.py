"""SignalR negotiation: connection ids handed out by ``POST {hub}/negotiate`` and claimed by a transport.

Imports: stdlib only. Used by ``hubs.registry`` and ``hubs.endpoints``.

``negotiateVersion`` 0 (pysignalr and signalrcore send none) answers a ``connectionId`` that
the client then passes as ``?id=``; version ≥ 1 answers a separate ``connectionToken``. The
transports are offered as ASP.NET Core offers them: WebSockets (Text, Binary),
ServerSentEvents (Text only), LongPolling (Text, Binary). A negotiated id is claimed once,
for ``ttl`` seconds, by the first WebSocket, event stream or poll that names it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

_TRANSPORTS = [
    {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]},
    {"transport": "ServerSentEvents", "transferFormats": ["Text"]},
    {"transport": "LongPolling", "transferFormats": ["Text", "Binary"]},
]


def new_id() -> str:
    """Return a fresh random connection id or token.

    Returns:
        URL-safe text.
    """
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class _Pending:
    connection_id: str
    created: float


class Negotiations:
    """Negotiated ids waiting for their transport.

    Args:
        ttl: Seconds an id stays valid.
    """

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._pending: dict[str, _Pending] = {}
        self.count = 0

    def negotiate(self, version: int) -> dict[str, Any]:
        """Reserve a connection id.

        Args:
            version: Negotiate protocol version the client asked for.

        Returns:
            The negotiate response body.
        """
        self._expire()
        self.count += 1
        connection_id = new_id()
        version = min(max(version, 0), 1)
        token = new_id() if version >= 1 else connection_id
        self._pending[token] = _Pending(connection_id, time.monotonic())
        body: dict[str, Any] = {"negotiateVersion": version, "connectionId": connection_id}
        if version >= 1:
            body["connectionToken"] = token
        body["availableTransports"] = [dict(t) for t in _TRANSPORTS]
        return body

    def claim(self, token: str) -> str | None:
        """Take a negotiated id for its transport (each id works once).

        Args:
            token: The ``id`` query value.

        Returns:
            The connection id, or None when unknown, expired or already used.
        """
        self._expire()
        pending = self._pending.pop(token, None)
        return None if pending is None else pending.connection_id

    def is_pending(self, token: str) -> bool:
        """Tell whether a negotiated id is waiting for its transport.

        Args:
            token: The ``id`` query value.

        Returns:
            True when ``claim`` would accept it.
        """
        self._expire()
        return token in self._pending

    def _expire(self) -> None:
        limit = time.monotonic() - self._ttl
        for token in [t for t, p in self._pending.items() if p.created < limit]:
            del self._pending[token]
