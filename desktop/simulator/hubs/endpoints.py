"""The HTTP side of a hub path: WebSocket, Server-Sent Events and long polling on one URL.

Imports: stdlib, aiohttp and ``desktop.simulator.hubs`` (``connection``, ``negotiate``, ``session``,
``transports``). Used by ``hubs.registry``, which owns the hubs and binds connections.

As ASP.NET Core's ``HttpConnectionDispatcher`` routes them (every request already carries a
valid token: header, or ``access_token``/``signalr_token`` in the query):

* ``GET`` with a WebSocket upgrade: the WebSocket transport; ``id`` optional (``skipNegotiation``).
* ``GET`` with ``Accept: text/event-stream`` and ``id``: the event stream (``:`` first, then
  each frame as ``data:`` lines and a blank line).
* any other ``GET`` with ``id``: a long poll. The first one answers 200 at once with an empty
  body; later ones answer 200 with everything buffered, 200 with an empty body after the
  poll timeout, or 204 once the connection has ended.
* ``POST`` with ``id`` (SSE and long polling): the body is what the client sends; 200. A POST
  before the transport's first GET (signalrcore's long polling sends its handshake first) is
  kept and read when that GET starts the connection, as ASP.NET Core buffers it.
  ``DELETE`` with ``id`` ends a long-polling connection (202); on other transports 400.

Without ``id``: 400 "Connection ID required"; an unknown id: 404 "No Connection with that
ID"; another transport than the one the connection started on: 400 "Cannot change
transports mid-connection"; a second event stream: 409. A WebSocket's id is forgotten once
claimed, so a POST naming it is answered 404 (ASP.NET Core: 405).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from desktop.simulator.hubs.connection import HubConnection
from desktop.simulator.hubs.negotiate import Negotiations, new_id
from desktop.simulator.hubs.session import Hub, Session
from desktop.simulator.hubs.transports import LongPollTransport, SseTransport, Transport, WebSocketTransport

#: ASP.NET Core's ``LongPollingOptions.PollTimeout`` default.
POLL_TIMEOUT = 90.0
#: Seconds an ended HTTP-transport connection's id stays known (for its last polls).
_FORGET_AFTER = 60.0
#: Characters of POSTs kept for a negotiated id whose transport has not started yet.
_EARLY_LIMIT = 64 * 1024
_NO_CACHE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Expires": "Thu, 01 Jan 1970 00:00:00 GMT"}

#: ``open(hub, connection_id, transport, trade_platform, foreign)`` builds and starts a session (registry).
Opener = Callable[[Hub, str, Transport, str, bool], Session]


def _text(status: int, text: str = "") -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain")


def _text_of(message: Any) -> str | None:
    if message.type == WSMsgType.TEXT:
        return str(message.data)
    if message.type == WSMsgType.BINARY:
        return bytes(message.data).decode("utf-8", "replace")
    return None


@dataclass
class _HttpConnection:
    session: Session
    transport: SseTransport | LongPollTransport


class HubEndpoints:
    """Serves the transports of every hub path.

    Args:
        negotiations: Negotiated ids.
        open_session: Builds a started session for a new connection.

    Attributes:
        poll_timeout: Seconds a long poll waits for data before answering 200 empty.
    """

    def __init__(self, negotiations: Negotiations, open_session: Opener) -> None:
        self._negotiations = negotiations
        self._open = open_session
        self._http: dict[str, _HttpConnection] = {}
        self._early: dict[str, list[str]] = {}  # POSTs before the first GET, by negotiated id
        self.poll_timeout = POLL_TIMEOUT

    async def serve(self, request: web.Request, hub: Hub, foreign: bool) -> web.StreamResponse:
        """Answer any request to a hub path.

        Args:
            request: The request (already authenticated).
            hub: The hub of its path.
            foreign: The token is another organisation's (a new connection may use no platform).

        Returns:
            The response (for the WebSocket and SSE ones, once the connection has ended).
        """
        self._forget_ended()
        token = request.query.get("id") or None
        if request.method == "POST":
            return await self._send(request, token)
        if request.method == "DELETE":
            return await self._delete(token)
        if "text/event-stream" in request.headers.get("Accept", ""):
            return await self._event_stream(request, hub, token, foreign)
        if web.WebSocketResponse().can_prepare(request).ok:
            return await self._websocket(request, hub, token, foreign)
        return await self._poll(request, hub, token, foreign)

    def _forget_ended(self) -> None:
        for token in [t for t in self._early if not self._negotiations.is_pending(t)]:
            del self._early[token]
        limit = time.monotonic() - _FORGET_AFTER
        for token in [t for t, c in self._http.items() if c.session.conn.ended.is_set()]:
            conn = self._http[token].session.conn
            if conn.ended_at < limit or isinstance(self._http[token].transport, SseTransport):
                del self._http[token]

    def _known(self, token: str | None) -> web.Response | _HttpConnection | None:
        """The HTTP connection of ``token``, None when it is still only negotiated, else the error answer."""
        if token is None:
            return _text(400, "Connection ID required")
        found = self._http.get(token)
        if found is not None:
            return found
        if self._negotiations.is_pending(token):
            return None
        return _text(404, "No Connection with that ID")

    async def _websocket(self, request: web.Request, hub: Hub, token: str | None, foreign: bool) -> web.StreamResponse:
        if token is not None and token in self._http:
            return _text(400, "Cannot change transports mid-connection")
        if token is not None and not self._negotiations.is_pending(token):
            return _text(404, "No Connection with that ID")
        connection_id = new_id() if token is None else self._negotiations.claim(token)
        if connection_id is None:
            return _text(404, "No Connection with that ID")
        ws = web.WebSocketResponse(autoping=True, heartbeat=None, compress=False, writer_limit=1 << 20)
        await ws.prepare(request)
        session = self._open(
            hub,
            connection_id,
            WebSocketTransport(ws, request.transport),
            request.query.get("tradePlatform", ""),
            foreign,
        )
        try:
            async for message in ws:
                text = _text_of(message)
                if text is None:
                    break
                end = session.feed(text)
                if end is not None:
                    await session.conn.close(end.record)
                    break
        finally:
            await session.conn.close()
        return ws

    async def _event_stream(
        self, request: web.Request, hub: Hub, token: str | None, foreign: bool
    ) -> web.StreamResponse:
        known = self._known(token)
        if isinstance(known, web.Response):
            return known
        if known is not None:
            return _text(409 if isinstance(known.transport, SseTransport) else 400, _conflict(known))
        connection_id = self._negotiations.claim(str(token))
        if connection_id is None:
            return _text(404, "No Connection with that ID")
        response = web.StreamResponse(headers={**_NO_CACHE, "Content-Encoding": "identity"})
        response.content_type = "text/event-stream"
        await response.prepare(request)
        await response.write(b":\r\n")
        transport = SseTransport(response, request.transport)
        session = self._open(hub, connection_id, transport, request.query.get("tradePlatform", ""), foreign)
        self._http[str(token)] = _HttpConnection(session, transport)
        await self._replay(str(token), session)
        try:
            while not transport.done.is_set() and not transport.closed:
                await _wait(session.conn, 1.0)
        finally:
            await session.conn.close()
        return response

    async def _poll(self, request: web.Request, hub: Hub, token: str | None, foreign: bool) -> web.StreamResponse:
        known = self._known(token)
        if isinstance(known, web.Response):
            return known
        if known is None:
            connection_id = self._negotiations.claim(str(token))
            if connection_id is None:
                return _text(404, "No Connection with that ID")
            transport = LongPollTransport()
            session = self._open(hub, connection_id, transport, request.query.get("tradePlatform", ""), foreign)
            self._http[str(token)] = _HttpConnection(session, transport)
            await self._replay(str(token), session)
            return web.Response(status=200, body=b"", content_type="application/octet-stream", headers=_NO_CACHE)
        if not isinstance(known.transport, LongPollTransport):
            return _text(400, "Cannot change transports mid-connection")
        known.session.conn.last_seen = time.monotonic()
        text = await known.transport.poll(self.poll_timeout, request.transport)
        known.session.conn.last_seen = time.monotonic()
        if text is None:
            self._http.pop(str(token), None)
            return web.Response(status=204, content_type="text/plain", headers=_NO_CACHE)
        if not text:
            return web.Response(status=200, body=b"", content_type="text/plain", headers=_NO_CACHE)
        return web.Response(status=200, body=text.encode(), content_type="application/octet-stream", headers=_NO_CACHE)

    async def _send(self, request: web.Request, token: str | None) -> web.Response:
        known = self._known(token)
        if isinstance(known, web.Response):
            return known
        text = (await request.read()).decode("utf-8", "replace")
        if known is None:
            early = self._early.setdefault(str(token), [])
            if sum(map(len, early)) + len(text) > _EARLY_LIMIT:
                return _text(413)
            early.append(text)
            return _text(200)
        conn = known.session.conn
        if conn.closed:
            return _text(404)
        await _feed(known.session, text)
        return _text(200)

    async def _replay(self, token: str, session: Session) -> None:
        for text in self._early.pop(token, []):
            await _feed(session, text)

    async def _delete(self, token: str | None) -> web.Response:
        known = self._known(token)
        if isinstance(known, web.Response):
            return known
        if known is None or not isinstance(known.transport, LongPollTransport):
            return _text(400, "Cannot terminate this connection using the DELETE endpoint.")
        await known.session.conn.close()
        return _text(202)


async def _feed(session: Session, text: str) -> None:
    end = session.feed(text)
    if end is not None:
        await session.conn.close(end.record)


def _conflict(known: _HttpConnection) -> str:
    return "" if isinstance(known.transport, SseTransport) else "Cannot change transports mid-connection"


async def _wait(conn: HubConnection, seconds: float) -> None:
    try:
        await asyncio.wait_for(conn.ended.wait(), seconds)
    except TimeoutError:
        return
