"""What a hub client sends, whatever the transport: the handshake first, then hub messages.

Imports: stdlib and ``desktop.simulator.hubs`` (``protocol``, ``connection``, ``dispatch``). Used by
``hubs.endpoints`` (fed from WebSocket messages and from the POSTs of SSE and long polling) and
``hubs.registry`` (the ``Hub`` seam).

The handshake is ``{"protocol":"json","version":N}``; every version ASP.NET Core's JSON hub
protocol accepts (``IsVersionSupported``: any version up to its own, 2) is accepted, and the
answer is ``{}``. A refused handshake is answered ``{"error":…}`` and the connection ends; so
does one that does not arrive within the handshake timeout ("Handshake was canceled.").
Pings and the client timeout start once the handshake is done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs.connection import CLOSED_WITH_ERROR, HubConnection
from desktop.simulator.hubs.dispatch import Dispatcher

_log = logging.getLogger(__name__)


class Hub(Protocol):
    """One hub: its path, platform binding and methods."""

    path: str
    platform_type: str  # "MT4"/"MT5" for v2 hubs (bound by ?tradePlatform=), "" for v1
    legacy: bool
    dispatcher: Dispatcher


@dataclass(frozen=True)
class End:
    """The connection must end, sending ``record`` last (None: just close)."""

    record: str | None


class Session:
    """The incoming side of one hub connection.

    Args:
        hub: The hub it is connected to.
        conn: The connection.
        ready: Called once the handshake succeeded; returns the Close error when the
            connection may not stay (e.g. an unknown trade platform), else None.
    """

    def __init__(self, hub: Hub, conn: HubConnection, ready: Callable[[], str | None]) -> None:
        self._hub = hub
        self.conn = conn
        self._ready = ready
        self._reader = proto.RecordReader()
        self.handshaken = False
        self._timer: asyncio.Task[None] | None = None

    def start(self, handshake_timeout: float) -> None:
        """Start the connection's writer and the handshake deadline.

        Args:
            handshake_timeout: Seconds the client has to send its handshake.
        """
        self.conn.start()
        self.conn.on_end.append(self.cancel_deadline)
        self._timer = asyncio.create_task(self._deadline(handshake_timeout), name=f"hub-handshake-{self.conn.id}")

    async def _deadline(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if not self.handshaken:
            self.conn.send(proto.record({"error": "Handshake was canceled."}))
            await self.conn.close()

    def cancel_deadline(self) -> None:
        """Cancel the handshake deadline (handshake done, or the connection has ended)."""
        timer, self._timer = self._timer, None
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()

    def feed(self, text: str) -> End | None:
        """Take text the client sent.

        Args:
            text: One WebSocket message or one POST body.

        Returns:
            An ``End`` when the connection must end, else None.
        """
        conn = self.conn
        conn.last_seen = time.monotonic()
        records = self._reader.feed(text)
        if not self.handshaken:
            if not records:
                return None
            try:
                proto.parse_handshake(records[0])
            except proto.ProtocolError as exc:
                conn.send(proto.record({"error": str(exc)}))
                return End(None)
            self.handshaken = True
            self.cancel_deadline()
            conn.send(proto.HANDSHAKE_OK)
            conn.start_keepalive()
            error = self._ready()
            if error is not None:
                return End(proto.close_message(error, allow_reconnect=False))
            records = records[1:]
        return self._dispatch(records)

    def _dispatch(self, records: list[str]) -> End | None:
        for text in records:
            try:
                message = proto.parse_message(text)
            except proto.ProtocolError as exc:
                # Not a HubException: without detailed errors ASP.NET Core sends only the generic text.
                _log.info("hub connection %s: invalid message: %s", self.conn.id, exc)
                return End(proto.close_message(CLOSED_WITH_ERROR, allow_reconnect=False))
            if not self._hub.dispatcher.handle(self.conn, message):
                return End(proto.CLOSE_RECORD)
        return None
