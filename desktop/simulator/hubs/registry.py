"""The SignalR hubs (``/hubs/mt4/v2``, ``/hubs/mt5/v2``, ``/hubs/mt4/v1``): negotiate, connections, fan-out.

Imports: stdlib, aiohttp and ``desktop.simulator`` (``auth``, ``config``, ``hubs.*``, ``wire``,
``world.market.feed``). Used by ``server`` (routes, start, shutdown), ``control``
(``publish`` of generated ticks, ``drop_hub_connections``, platform registration) and the
fault scenarios (``faults``).

Connection rules (ASP.NET Core behaviour the official clients rely on), the same on all hubs
and on every transport (WebSockets, Server-Sent Events, long polling: ``hubs.endpoints``):

* ``POST {hub}/negotiate`` as in ``hubs.negotiate``; unknown or reused ids get HTTP 404.
* The handshake as in ``hubs.session``; the server answers ``{}``. The v2 hubs then check
  ``?tradePlatform=``: missing, unknown, of the other kind (an MT4 GUID on the MT5 hub or
  vice versa), or the token is another organisation's → Close message with the error and
  ``allowReconnect: false``, as a failing ``OnConnectedAsync`` would; else they push
  ``OnConnectionStatus({"connected": …})``. The v1 hub pushes nothing (clients call ``Connect``).
* Keep-alive: a ping every ``SimConfig.keepalive_interval`` (15 s); after
  ``client_timeout`` (30 s) without any client message the server sends
  ``{"type":7,"error":"Connection closed with an error.","allowReconnect":true}`` and closes.
  Long polling keeps itself alive as in ASP.NET Core: no pings, and a waiting poll counts
  as the client being there.
* A Close from the client is answered with ``{"type":7}`` and the connection is closed (1000).

Fault-injection API (for scenarios and tests; all on the simulator's loop; ``path``
limits the action to one hub, e.g. ``"/hubs/mt5/v2"``; each returns how many connections
it affected):

* ``await drop_all(close_message=False, code=1000, path=None)`` — close the connections
  cleanly (WebSocket close, end of the event stream, 204 to the next poll), with
  ``{"type":7,"allowReconnect":true}`` first when ``close_message``.
* ``await close_connections(error=None, allow_reconnect=True, code=1000, path=None)`` — send
  ``{"type":7,"error":…,"allowReconnect":…}`` and close: "Close with an error". Clients
  reconnect only when ``allow_reconnect`` is true.
* ``await drop_connections(path=None)`` — cut the TCP connections without any close frame
  (a network failure; WebSocket clients see an abnormal closure, 1006; a long-polling
  connection is forgotten, its next poll gets 404).
* ``set_pump_connected(connected, kind=None)`` — the trade server link went down/up:
  pushes ``OnConnectionStatus({"connected": …})`` to the v2 connections of that kind
  (``"MT4"``/``"MT5"``/None = both) and changes what v1 ``Connect`` answers; new v2
  connections are greeted with the current state.
* ``await close_all()`` — what server shutdown does (monitor stopped, Close with
  ``allowReconnect: true``, WebSocket code 1001).
* ``monitor`` (``MarginMonitor``) — ``monitor.scan()`` forces a margin scan now.
* ``connections`` — handshaken ``HubConnection`` objects by id (``.path``, ``.platform``,
  ``.transport.name``).
* ``poll_timeout`` — seconds a long poll waits for data (ASP.NET Core's 90 s).
* ``platforms.register(guid, "MT4"|"MT5")`` — make a platform known to the hubs.

Ticks per symbol (stalls) are the feed's business, not the registry's: while a symbol is
stalled, simply no ticks for it reach ``publish``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from desktop.simulator.auth.tokens import TokenClaims
from desktop.simulator.config import ORGANIZATION_ID, PLATFORM_ID, SimConfig
from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs.connection import HubConnection, TickRecords
from desktop.simulator.hubs.endpoints import HubEndpoints
from desktop.simulator.hubs.margin_monitor import MarginMonitor
from desktop.simulator.hubs.mt4_v1 import V1Hub
from desktop.simulator.hubs.mt4_v2 import Mt4Hub
from desktop.simulator.hubs.mt5_v2 import Mt5Hub
from desktop.simulator.hubs.negotiate import Negotiations
from desktop.simulator.hubs.platforms import FORBIDDEN, PlatformKinds, canonical
from desktop.simulator.hubs.session import Hub, Session
from desktop.simulator.hubs.streams import HubStreams, StreamState
from desktop.simulator.hubs.transports import Transport
from desktop.simulator.wire import iso_utc_ms
from desktop.simulator.world.market.feed import PriceFeed, TickBatch

_log = logging.getLogger(__name__)


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
        self._live: dict[str, HubConnection] = {}  # also those still before their handshake
        self._endpoints = HubEndpoints(self._negotiations, self._open)
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
        await asyncio.gather(*(conn.close(code=1001) for conn in list(self._live.values())))

    @property
    def poll_timeout(self) -> float:
        """Seconds a long poll waits for data before answering 200 with an empty body."""
        return self._endpoints.poll_timeout

    @poll_timeout.setter
    def poll_timeout(self, seconds: float) -> None:
        self._endpoints.poll_timeout = seconds

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

    async def endpoint(self, request: web.Request, claims: TokenClaims | None = None) -> web.StreamResponse:
        """Serve ``GET``/``POST``/``DELETE {hub}``: the WebSocket, SSE and long-polling transports.

        Args:
            request: The request (already authenticated).
            claims: The caller's token claims (a token of another organisation may use no platform).

        Returns:
            The response (see ``hubs.endpoints``).
        """
        hub = self._hub_for(request)
        if hub is None:
            return web.Response(status=404)
        foreign = claims is not None and claims.organization != ORGANIZATION_ID
        return await self._endpoints.serve(request, hub, foreign)

    def _open(self, hub: Hub, connection_id: str, transport: Transport, platform: str, foreign: bool) -> Session:
        config = self._config
        conn = HubConnection(connection_id, transport, config.keepalive_interval, config.client_timeout, hub.path)
        conn.foreign = foreign
        self._live[connection_id] = conn
        conn.on_end.append(lambda: self._forget(conn))
        session = Session(hub, conn, lambda: self._ready(hub, conn, platform))
        session.start(config.handshake_timeout)
        return session

    def _forget(self, conn: HubConnection) -> None:
        self._live.pop(conn.id, None)
        if self.connections.get(conn.id) is conn:
            del self.connections[conn.id]

    def _ready(self, hub: Hub, conn: HubConnection, platform: str) -> str | None:
        """Handshake done: list the connection and bind its platform; return the Close error when it cannot be."""
        self.connections[conn.id] = conn
        if hub.legacy:
            conn.legacy_prefix = proto.v1_on_tick_prefix(PLATFORM_ID)
            return None
        kind = self.platforms.kind_of(platform)
        if kind is None:
            return f"Connection closed with an error. HubException: Unknown trade platform '{platform}'."
        if conn.foreign:
            return f"Connection closed with an error. HubException: {FORBIDDEN.format(platform)}"
        if kind != hub.platform_type:
            return (
                "Connection closed with an error. HubException: "
                f"Trade platform '{platform}' is not an {hub.platform_type} platform."
            )
        conn.platform = canonical(platform) or platform
        conn.send(proto.invocation("OnConnectionStatus", {"connected": self._pump[kind]}))
        return None
