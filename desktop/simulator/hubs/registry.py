"""The SignalR endpoints (``/hubs/mt4/v2``, ``/hubs/mt5/v2``, ``/hubs/mt4/v1``): negotiate, WebSocket, fan-out.

Imports: stdlib, aiohttp and ``desktop.simulator`` (``auth``, ``config``, ``feed``, ``hub_*``,
``hubs.margin_monitor``, ``wire``). Used by ``server`` (routes, start, shutdown), ``control``
(``publish`` of generated ticks, ``drop_hub_connections``, platform registration) and the
fault scenarios (``faults``).

Transport rules (ASP.NET Core behaviour the official clients rely on), the same on all hubs:

* ``POST {hub}/negotiate`` as in ``hubs.negotiate``; unknown or reused ids get HTTP 404.
* A WebSocket without ``id`` is accepted too (``skipNegotiation``).
* After the ``{"protocol":"json","version":1}`` handshake the server answers ``{}``. The v2
  hubs then check ``?tradePlatform=``: missing, unknown, of the other kind (an MT4 GUID
  on the MT5 hub or vice versa), or the token is another organisation's → Close message
  with the error and ``allowReconnect: false``, as a failing ``OnConnectedAsync`` would;
  else they push ``OnConnectionStatus({"connected": …})``. The v1 hub pushes nothing
  (clients call ``Connect``).
* Keep-alive: a ping every ``SimConfig.keepalive_interval`` (15 s); after
  ``client_timeout`` (30 s) without any client message the server sends
  ``{"type":7,"error":"Connection closed with an error.","allowReconnect":true}`` and closes.
* A Close from the client is answered with ``{"type":7}`` and the WebSocket is closed (1000).

Fault-injection API (for scenarios and tests; all on the simulator's loop; ``path``
limits the action to one hub, e.g. ``"/hubs/mt5/v2"``; each returns how many connections
it affected):

* ``await drop_all(close_message=False, code=1000, path=None)`` — close the WebSockets
  cleanly (with ``{"type":7,"allowReconnect":true}`` first when ``close_message``).
* ``await close_connections(error=None, allow_reconnect=True, code=1000, path=None)`` — send
  ``{"type":7,"error":…,"allowReconnect":…}`` and close: "Close with an error". Clients
  reconnect only when ``allow_reconnect`` is true.
* ``await drop_connections(path=None)`` — cut the TCP connections without any close frame
  (a network failure; clients see an abnormal closure, 1006).
* ``set_pump_connected(connected, kind=None)`` — the trade server link went down/up:
  pushes ``OnConnectionStatus({"connected": …})`` to the v2 connections of that kind
  (``"MT4"``/``"MT5"``/None = both) and changes what v1 ``Connect`` answers; new v2
  connections are greeted with the current state.
* ``await close_all()`` — what server shutdown does (monitor stopped, Close with
  ``allowReconnect: true``, WebSocket code 1001).
* ``monitor`` (``MarginMonitor``) — ``monitor.scan()`` forces a margin scan now.
* ``connections`` — live ``HubConnection`` objects by id (``.path``, ``.platform``).
* ``platforms.register(guid, "MT4"|"MT5")`` — make a platform known to the hubs.

Ticks per symbol (stalls) are the feed's business, not the registry's: while a symbol is
stalled, simply no ticks for it reach ``publish``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from desktop.simulator.auth.tokens import TokenClaims
from desktop.simulator.config import ORGANIZATION_ID, PLATFORM_ID, SimConfig
from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs.connection import CLOSED_WITH_ERROR, HubConnection, TickRecords
from desktop.simulator.hubs.dispatch import Dispatcher
from desktop.simulator.hubs.margin_monitor import MarginMonitor
from desktop.simulator.hubs.mt4_v1 import V1Hub
from desktop.simulator.hubs.mt4_v2 import Mt4Hub
from desktop.simulator.hubs.mt5_v2 import Mt5Hub
from desktop.simulator.hubs.negotiate import Negotiations, new_id
from desktop.simulator.hubs.platforms import FORBIDDEN, PlatformKinds, canonical
from desktop.simulator.hubs.streams import HubStreams, StreamState
from desktop.simulator.wire import iso_utc_ms
from desktop.simulator.world.market.feed import PriceFeed, TickBatch

_log = logging.getLogger(__name__)


class Hub(Protocol):
    """One hub: its path, platform binding and methods."""

    path: str
    platform_type: str  # "MT4"/"MT5" for v2 hubs (bound by ?tradePlatform=), "" for v1
    legacy: bool
    dispatcher: Dispatcher


def _text_of(message: Any) -> str | None:
    if message.type == WSMsgType.TEXT:
        return str(message.data)
    if message.type == WSMsgType.BINARY:
        return bytes(message.data).decode("utf-8", "replace")
    return None


class HubRegistry:
    """All hub connections of one simulator, and the hubs' HTTP endpoints.

    Args:
        feed: Price feed (symbols, current quotes).
        config: Simulator settings (keep-alive, timeouts).
        state: Accounts, events and clock for the event streams and the margin monitor.
    """

    def __init__(self, feed: PriceFeed, config: SimConfig, state: StreamState) -> None:
        self._feed = feed
        self._config = config
        self._negotiations = Negotiations(config.negotiate_ttl)
        self._names = [spec.name for spec in feed.symbols]
        self._pump: dict[str, bool] = {"MT4": True, "MT5": True}
        self.connections: dict[str, HubConnection] = {}
        self.platforms = PlatformKinds()
        self.monitor = MarginMonitor(state)
        self.streams = HubStreams(state, self.connections, self.monitor, Mt5Hub.path)
        hubs: list[Hub] = [
            Mt4Hub(feed, self.streams),
            Mt5Hub(self.streams),
            V1Hub(feed, self.platforms, lambda: self._pump["MT4"]),
        ]
        self.hubs = {hub.path.lower(): hub for hub in hubs}

    @property
    def paths(self) -> list[str]:
        """Paths of the hubs (register ``path`` and ``path + "/negotiate"``)."""
        return [hub.path for hub in self.hubs.values()]

    def start(self) -> None:
        """Start the margin monitor (on the simulator's loop)."""
        self.monitor.start()

    async def close_all(self) -> None:
        """Server shutdown: stop the monitor, send ``{"type":7,"allowReconnect":true}`` and close (1001)."""
        await self.monitor.stop()
        await self.close_connections(code=1001)

    @property
    def negotiations(self) -> int:
        """How many negotiate requests were answered."""
        return self._negotiations.count

    def publish(self, batch: TickBatch) -> None:
        """Hand a batch of ticks to every connection that wants some of them.

        Args:
            batch: Newly generated ticks.
        """
        interested = [c for c in self.connections.values() if c.subscriptions or c.streams]
        if not interested or not batch.indices:
            return
        records = TickRecords(batch.indices, batch.bids, batch.asks, self._names, iso_utc_ms(batch.time))
        all_symbols = len(self._names)
        for conn in interested:
            conn.offer_ticks(records, all_symbols)

    def _selected(self, path: str | None) -> list[HubConnection]:
        wanted = None if path is None else path.lower().rstrip("/")
        return [c for c in self.connections.values() if wanted is None or c.path.lower() == wanted]

    async def _each(self, path: str | None, action: Callable[[HubConnection], Awaitable[None]]) -> int:
        connections = self._selected(path)
        await asyncio.gather(*(action(conn) for conn in connections))
        return len(connections)

    async def drop_all(self, close_message: bool = False, code: int = 1000, path: str | None = None) -> int:
        """Close every connection, as a server restart would.

        Args:
            close_message: Send ``{"type":7,"allowReconnect":true}`` before closing.
            code: WebSocket close code.
            path: Only connections of this hub.

        Returns:
            How many connections were closed.
        """
        final = proto.close_message(None, allow_reconnect=True) if close_message else None
        return await self._each(path, lambda conn: conn.close(final, code=code))

    async def close_connections(
        self, error: str | None = None, allow_reconnect: bool = True, code: int = 1000, path: str | None = None
    ) -> int:
        """Send every connection a Close message, then close it.

        Args:
            error: The Close message's ``error`` (None = a normal close).
            allow_reconnect: Its ``allowReconnect``.
            code: WebSocket close code.
            path: Only connections of this hub.

        Returns:
            How many connections were closed.
        """
        final = proto.close_message(error, allow_reconnect=allow_reconnect)
        return await self._each(path, lambda conn: conn.close(final, code=code))

    async def drop_connections(self, path: str | None = None) -> int:
        """Cut every connection's TCP stream without a close frame (network failure).

        Args:
            path: Only connections of this hub.

        Returns:
            How many connections were cut.
        """
        return await self._each(path, lambda conn: conn.abort())

    def set_pump_connected(self, connected: bool, kind: str | None = None) -> int:
        """Report the trade server link of MT4 and/or MT5 platforms as up or down.

        Args:
            connected: The new state.
            kind: ``MT4``, ``MT5`` or None for both.

        Returns:
            How many v2 connections were sent ``OnConnectionStatus``.
        """
        kinds = [kind] if kind is not None else list(self._pump)
        record = proto.invocation("OnConnectionStatus", {"connected": connected})
        told = 0
        for each in kinds:
            self._pump[each] = connected
            for conn in self.connections.values():
                hub = self.hubs.get(conn.path.lower())
                if hub is not None and hub.platform_type == each:
                    conn.send(record)
                    told += 1
        return told

    def _hub_for(self, request: web.Request, suffix: str = "") -> Hub | None:
        path = request.path.lower().rstrip("/")
        return self.hubs.get(path.removesuffix(suffix)) if path.endswith(suffix) else None

    async def negotiate_endpoint(self, request: web.Request) -> web.Response:
        """Answer ``POST {hub}/negotiate``.

        Args:
            request: The negotiate request (already authenticated).

        Returns:
            The negotiate JSON, or 400 for a malformed ``negotiateVersion``.
        """
        if self._hub_for(request, "/negotiate") is None:
            return web.Response(status=404)
        raw = request.query.get("negotiateVersion", "0")
        try:
            version = int(raw)
        except ValueError:
            return web.Response(status=400, text="The 'negotiateVersion' query string parameter is not an integer.")
        return web.json_response(self._negotiations.negotiate(version))

    async def websocket_endpoint(self, request: web.Request, claims: TokenClaims | None = None) -> web.StreamResponse:
        """Serve ``GET {hub}`` as a WebSocket hub connection.

        Args:
            request: The upgrade request (already authenticated).
            claims: The caller's token claims (a token of another organisation may use no platform).

        Returns:
            The WebSocket response once the connection has ended.
        """
        hub = self._hub_for(request)
        if hub is None:
            return web.Response(status=404)
        token = request.query.get("id")
        if token is not None and not self._negotiations.is_pending(token):
            return web.Response(status=404, text="No Connection with that ID")
        ws = web.WebSocketResponse(autoping=True, heartbeat=None, compress=False, writer_limit=1 << 20)
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="Only the WebSockets transport is supported.")
        connection_id = new_id() if token is None else self._negotiations.claim(token)
        if connection_id is None:
            return web.Response(status=404, text="No Connection with that ID")
        await ws.prepare(request)
        reader = proto.RecordReader()
        rest = await self._handshake(ws, reader)
        if rest is None:
            return ws
        config = self._config
        conn = HubConnection(
            connection_id, ws, config.keepalive_interval, config.client_timeout, hub.path, request.transport
        )
        conn.foreign = claims is not None and claims.organization != ORGANIZATION_ID
        self.connections[connection_id] = conn
        conn.start()
        final = None
        try:
            final = await self._serve(request, hub, conn, reader, rest)
        finally:
            self.connections.pop(connection_id, None)
            await conn.close(final)
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

    def _bind_platform(self, hub: Hub, conn: HubConnection, raw: str) -> str | None:
        """Bind a connection to its platform; return the Close error when it cannot be."""
        if hub.legacy:
            conn.legacy_prefix = proto.v1_on_tick_prefix(PLATFORM_ID)
            return None
        kind = self.platforms.kind_of(raw)
        if kind is None:
            return f"Connection closed with an error. HubException: Unknown trade platform '{raw}'."
        if conn.foreign:
            return f"Connection closed with an error. HubException: {FORBIDDEN.format(raw)}"
        if kind != hub.platform_type:
            return (
                "Connection closed with an error. HubException: "
                f"Trade platform '{raw}' is not an {hub.platform_type} platform."
            )
        conn.platform = canonical(raw) or raw
        conn.send(proto.invocation("OnConnectionStatus", {"connected": self._pump[kind]}))
        return None

    async def _serve(
        self, request: web.Request, hub: Hub, conn: HubConnection, reader: proto.RecordReader, rest: list[str]
    ) -> str | None:
        """Run a connection until it ends; return the record to send last (None: just close)."""
        conn.send(proto.HANDSHAKE_OK)
        error = self._bind_platform(hub, conn, request.query.get("tradePlatform", ""))
        if error is not None:
            return proto.close_message(error, allow_reconnect=False)
        final = self._dispatch(hub, conn, rest)
        if final is not None:
            return final
        async for message in conn.ws:
            text = _text_of(message)
            if text is None:
                return None
            conn.last_seen = time.monotonic()
            final = self._dispatch(hub, conn, reader.feed(text))
            if final is not None:
                return final
        return None

    def _dispatch(self, hub: Hub, conn: HubConnection, records: list[str]) -> str | None:
        for text in records:
            try:
                message = proto.parse_message(text)
            except proto.ProtocolError as exc:
                # Not a HubException: without detailed errors ASP.NET Core sends only the generic text.
                _log.info("hub connection %s: invalid message: %s", conn.id, exc)
                return proto.close_message(CLOSED_WITH_ERROR, allow_reconnect=False)
            if not hub.dispatcher.handle(conn, message):
                return proto.CLOSE_RECORD
        return None
