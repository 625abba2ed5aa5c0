"""The ``/hubs/mt4/v2`` SignalR endpoint: negotiate, WebSocket transport, handshake, fan-out of ticks.

Imports: stdlib, aiohttp and ``desktop.simulator`` (``config``, ``feed``, ``hub_*``, ``wire``).
Used by ``server`` (routes) and ``control`` (``publish`` of generated ticks).

Transport rules (ASP.NET Core behaviour the official clients rely on):

* ``POST …/negotiate``: ``negotiateVersion`` 0 (pysignalr sends none) answers a
  ``connectionId`` that the client then passes as ``?id=``; version ≥ 1 answers a separate
  ``connectionToken``. Only WebSockets is offered. An id is valid once, for
  ``SimConfig.negotiate_ttl`` seconds; unknown or reused ids get HTTP 404.
* A WebSocket without ``id`` is accepted too (``skipNegotiation``).
* After the ``{"protocol":"json","version":1}`` handshake the server answers ``{}`` and
  pushes ``OnConnectionStatus({"connected": true})``. A missing or unknown
  ``tradePlatform`` query parameter closes the connection with a Close message
  (``allowReconnect: false``), as a failing ``OnConnectedAsync`` would.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from desktop.simulator import hub_protocol as proto
from desktop.simulator.config import PLATFORM_ID, SimConfig
from desktop.simulator.feed import PriceFeed, TickBatch
from desktop.simulator.hub_connection import HubConnection, TickRecords
from desktop.simulator.hub_methods import HubMethods
from desktop.simulator.wire import iso_utc_ms

_log = logging.getLogger(__name__)
_TRANSPORTS = [{"transport": "WebSockets", "transferFormats": ["Text", "Binary"]}]


@dataclass(frozen=True)
class _Pending:
    connection_id: str
    created: float


def _new_id() -> str:
    return secrets.token_urlsafe(16)


def _text_of(message: Any) -> str | None:
    if message.type == WSMsgType.TEXT:
        return str(message.data)
    if message.type == WSMsgType.BINARY:
        return bytes(message.data).decode("utf-8", "replace")
    return None


class HubRegistry:
    """All hub connections of one simulator, and the hub's HTTP endpoints.

    Args:
        feed: Price feed (symbols, current quotes).
        config: Simulator settings (keep-alive, timeouts).
    """

    def __init__(self, feed: PriceFeed, config: SimConfig) -> None:
        self._feed = feed
        self._config = config
        self._methods = HubMethods(feed)
        self._pending: dict[str, _Pending] = {}
        self._names = [spec.name for spec in feed.symbols]
        self.connections: dict[str, HubConnection] = {}
        self.negotiations = 0

    def negotiate(self, version: int) -> dict[str, Any]:
        """Reserve a connection id.

        Args:
            version: Negotiate protocol version the client asked for.

        Returns:
            The negotiate response body.
        """
        self._expire()
        self.negotiations += 1
        connection_id = _new_id()
        version = min(max(version, 0), 1)
        token = _new_id() if version >= 1 else connection_id
        self._pending[token] = _Pending(connection_id, time.monotonic())
        body: dict[str, Any] = {"negotiateVersion": version, "connectionId": connection_id}
        if version >= 1:
            body["connectionToken"] = token
        body["availableTransports"] = _TRANSPORTS
        return body

    def claim(self, token: str) -> str | None:
        """Take a negotiated id for its WebSocket (each id works once).

        Args:
            token: The ``id`` query value.

        Returns:
            The connection id, or None when unknown, expired or already used.
        """
        self._expire()
        pending = self._pending.pop(token, None)
        return None if pending is None else pending.connection_id

    def is_pending(self, token: str) -> bool:
        """Tell whether a negotiated id is waiting for its WebSocket.

        Args:
            token: The ``id`` query value.

        Returns:
            True when ``claim`` would accept it.
        """
        self._expire()
        return token in self._pending

    def _expire(self) -> None:
        limit = time.monotonic() - self._config.negotiate_ttl
        for token in [t for t, p in self._pending.items() if p.created < limit]:
            del self._pending[token]

    def publish(self, batch: TickBatch) -> None:
        """Hand a batch of ticks to every connection that wants some of them.

        Args:
            batch: Newly generated ticks.
        """
        interested = [c for c in self.connections.values() if c.subscriptions or c.streams]
        if not interested or not batch.indices:
            return
        when = iso_utc_ms(batch.time)
        names = self._names
        encode = proto.tick_payload
        payloads = [
            encode(names[i], bid, ask, when) for i, bid, ask in zip(batch.indices, batch.bids, batch.asks, strict=True)
        ]
        records = TickRecords(batch.indices, payloads)
        for conn in interested:
            conn.offer_ticks(records, len(names))

    async def close_all(self) -> None:
        """Close every connection (server shutdown)."""
        await self.drop_all(close_message=True, code=1001)

    async def drop_all(self, close_message: bool, code: int = 1000) -> int:
        """Close every connection.

        Args:
            close_message: Send ``{"type":7,"allowReconnect":true}`` before closing.
            code: WebSocket close code.

        Returns:
            How many connections were closed.
        """
        final = proto.close_message(None, allow_reconnect=True) if close_message else None
        connections = list(self.connections.values())
        await asyncio.gather(*(c.close(final, code=code) for c in connections))
        return len(connections)

    async def negotiate_endpoint(self, request: web.Request) -> web.Response:
        """Answer ``POST /hubs/mt4/v2/negotiate``.

        Args:
            request: The negotiate request (already authenticated).

        Returns:
            The negotiate JSON, or 400 for a malformed ``negotiateVersion``.
        """
        raw = request.query.get("negotiateVersion", "0")
        try:
            version = int(raw)
        except ValueError:
            return web.Response(status=400, text="The 'negotiateVersion' query string parameter is not an integer.")
        return web.json_response(self.negotiate(version))

    async def websocket_endpoint(self, request: web.Request) -> web.StreamResponse:
        """Serve ``GET /hubs/mt4/v2`` as a WebSocket hub connection.

        Args:
            request: The upgrade request (already authenticated).

        Returns:
            The WebSocket response once the connection has ended.
        """
        token = request.query.get("id")
        if token is not None and not self.is_pending(token):
            return web.Response(status=404, text="No Connection with that ID")
        ws = web.WebSocketResponse(autoping=True, heartbeat=None, compress=False, writer_limit=1 << 20)
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="Only the WebSockets transport is supported.")
        connection_id = _new_id() if token is None else self.claim(token)
        if connection_id is None:
            return web.Response(status=404, text="No Connection with that ID")
        await ws.prepare(request)
        reader = proto.RecordReader()
        rest = await self._handshake(ws, reader)
        if rest is None:
            return ws
        conn = HubConnection(connection_id, ws, self._config.keepalive_interval, self._config.client_timeout)
        self.connections[connection_id] = conn
        conn.start()
        try:
            await self._serve(request, conn, reader, rest)
        finally:
            self.connections.pop(connection_id, None)
            await conn.close()
        return ws

    async def _handshake(self, ws: web.WebSocketResponse, reader: proto.RecordReader) -> list[str] | None:
        deadline = time.monotonic() + self._config.handshake_timeout
        records: list[str] = []
        while not records:
            try:
                message = await ws.receive(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await ws.close()
                return None
            text = _text_of(message)
            if text is None:
                return None
            records = reader.feed(text)
        try:
            proto.parse_handshake(records[0])
        except proto.ProtocolError as exc:
            await ws.send_str(proto.record({"error": str(exc)}))
            await ws.close()
            return None
        return records[1:]

    async def _serve(
        self, request: web.Request, conn: HubConnection, reader: proto.RecordReader, rest: list[str]
    ) -> None:
        conn.send(proto.HANDSHAKE_OK)
        platform = request.query.get("tradePlatform", "")
        if platform.lower() != PLATFORM_ID:
            error = f"Connection closed with an error. HubException: Unknown trade platform '{platform}'."
            await conn.close(proto.close_message(error, allow_reconnect=False))
            return
        conn.send(proto.invocation("OnConnectionStatus", {"connected": True}))
        if not await self._dispatch(conn, rest):
            return
        async for message in conn.ws:
            text = _text_of(message)
            if text is None:
                return
            conn.last_seen = time.monotonic()
            if not await self._dispatch(conn, reader.feed(text)):
                return

    async def _dispatch(self, conn: HubConnection, records: list[str]) -> bool:
        for text in records:
            try:
                message = proto.parse_message(text)
            except proto.ProtocolError as exc:
                error = f"Connection closed with an error. InvalidDataException: {exc}"
                await conn.close(proto.close_message(error, allow_reconnect=False))
                return False
            if not self._methods.handle(conn, message):
                return False
        return True
