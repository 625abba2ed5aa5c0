"""The three SignalR transports under one hub connection: WebSockets, Server-Sent Events, long polling.

Imports: stdlib and aiohttp. Used by ``hubs.connection`` (the ``Transport`` seam) and
``hubs.endpoints`` (which builds them from requests).

A transport only carries text frames from the server to the client and ends or cuts the
connection; what the client sends arrives through the hub endpoints (WebSocket messages,
or the POSTs of the HTTP transports) and goes to ``hubs.session``. Each ``send`` waits
while the client is slow (WebSocket and SSE: the socket's drain; long polling: until a
poll has taken what is buffered), so a slow client backs the connection's outbox up and
its tick records get dropped there, never control records. (Long polling: ``send`` only
buffers, and ``drain`` waits for a poll, so a closing connection never waits for one.)
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from aiohttp import web

#: Characters a long-polling connection buffers before ``send`` waits for a poll.
POLL_BUFFER_LIMIT = 1 << 20


class Transport(Protocol):
    """What a hub connection needs of its transport."""

    name: str
    #: True when the transport keeps itself alive (long polling): no pings, no ping timeout.
    inherent_keepalive: bool

    @property
    def closed(self) -> bool:
        """True once the transport can carry nothing more."""

    @property
    def active(self) -> bool:
        """True while the client is demonstrably there (a poll is waiting)."""

    async def send(self, frame: str) -> None:
        """Carry one text frame to the client (raises ConnectionError when it is gone)."""

    async def drain(self) -> None:
        """Wait while the client has not yet taken what was sent (long polling only)."""

    async def close(self, code: int) -> None:
        """End the connection cleanly (WebSocket close code; the HTTP transports end their response)."""

    def abort(self) -> None:
        """Cut the TCP connection without any close (a network failure)."""


def _abort(tcp: asyncio.Transport | None) -> None:
    if tcp is not None:
        tcp.abort()


class WebSocketTransport:
    """A prepared aiohttp WebSocket.

    Args:
        ws: The WebSocket response.
        tcp: The TCP transport under it (for ``abort``).
    """

    name = "WebSockets"
    inherent_keepalive = False

    def __init__(self, ws: web.WebSocketResponse, tcp: asyncio.Transport | None) -> None:
        self.ws = ws
        self._tcp = tcp

    @property
    def closed(self) -> bool:
        """See ``Transport.closed``."""
        return self.ws.closed

    @property
    def active(self) -> bool:
        """See ``Transport.active``."""
        return False

    async def send(self, frame: str) -> None:
        """See ``Transport.send``."""
        await self.ws.send_str(frame)

    async def drain(self) -> None:
        """See ``Transport.drain``."""

    async def close(self, code: int) -> None:
        """See ``Transport.close``."""
        await self.ws.close(code=code)

    def abort(self) -> None:
        """See ``Transport.abort``."""
        _abort(self._tcp)


def sse_event(frame: str) -> bytes:
    """Format a frame as one Server-Sent Event: a ``data:`` line per line of text, then a blank line.

    Args:
        frame: The text (hub records; a trailing CR of a line is dropped, as ASP.NET Core does).

    Returns:
        The UTF-8 bytes of the event.
    """
    lines = [line[:-1] if line.endswith("\r") and len(line) > 1 else line for line in frame.split("\n")]
    return ("".join(f"data: {line}\r\n" for line in lines) + "\r\n").encode()


class SseTransport:
    """The open ``text/event-stream`` response of ``GET {hub}?id=…`` (``Accept: text/event-stream``).

    Args:
        response: The prepared streaming response.
        tcp: The TCP transport under it.
    """

    name = "ServerSentEvents"
    inherent_keepalive = False

    def __init__(self, response: web.StreamResponse, tcp: asyncio.Transport | None) -> None:
        self._response = response
        self._tcp = tcp
        self.done = asyncio.Event()

    @property
    def closed(self) -> bool:
        """See ``Transport.closed``."""
        return self.done.is_set() or self._tcp is None or self._tcp.is_closing()

    @property
    def active(self) -> bool:
        """See ``Transport.active``."""
        return False

    async def send(self, frame: str) -> None:
        """See ``Transport.send``."""
        if self.closed:
            raise ConnectionResetError("the event stream has ended")
        await self._response.write(sse_event(frame))

    async def drain(self) -> None:
        """See ``Transport.drain``."""

    async def close(self, code: int) -> None:
        """See ``Transport.close``."""
        del code
        self.done.set()

    def abort(self) -> None:
        """See ``Transport.abort``."""
        self.done.set()
        _abort(self._tcp)


class LongPollTransport:
    """Frames buffered for the client's next ``GET {hub}?id=…`` poll.

    A poll takes everything buffered (HTTP 200), or waits for data up to the poll timeout
    (200 with an empty body), or learns that the connection has ended (204).
    """

    name = "LongPolling"
    inherent_keepalive = True

    def __init__(self) -> None:
        self._buffer: list[str] = []
        self._size = 0
        self._completed = False
        self._data = asyncio.Event()
        self._drained = asyncio.Event()
        self._poll: asyncio.Transport | None = None
        self.waiting = 0

    @property
    def closed(self) -> bool:
        """See ``Transport.closed``."""
        return self._completed

    @property
    def active(self) -> bool:
        """See ``Transport.active``."""
        return self.waiting > 0

    @property
    def finished(self) -> bool:
        """True when the connection has ended and every frame has been polled."""
        return self._completed and not self._buffer

    async def send(self, frame: str) -> None:
        """See ``Transport.send``."""
        if self._completed:
            raise ConnectionResetError("the long-polling connection has ended")
        self._buffer.append(frame)
        self._size += len(frame)
        self._data.set()

    async def drain(self) -> None:
        """See ``Transport.drain``."""
        while self._size > POLL_BUFFER_LIMIT and not self._completed:
            self._drained.clear()
            await self._drained.wait()

    async def close(self, code: int) -> None:
        """See ``Transport.close``."""
        del code
        self._completed = True
        self._data.set()
        self._drained.set()

    def abort(self) -> None:
        """See ``Transport.abort``."""
        self._buffer, self._size = [], 0
        self._completed = True
        self._data.set()
        self._drained.set()
        _abort(self._poll)

    async def poll(self, wait: float, tcp: asyncio.Transport | None) -> str | None:
        """Wait for frames on behalf of one poll request.

        Args:
            wait: Seconds to wait when nothing is buffered.
            tcp: The poll's TCP transport (cut by ``abort``; a client gone before data came takes nothing).

        Returns:
            The buffered text ("" when the poll timed out), or None when the connection has ended.
        """
        self.waiting += 1
        self._poll = tcp
        try:
            if not self._buffer and not self._completed:
                self._data.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._data.wait(), wait)
        finally:
            self.waiting -= 1
            self._poll = None
        if tcp is not None and tcp.is_closing():
            return ""
        if not self._buffer:
            return None if self._completed else ""
        text = "".join(self._buffer)
        self._buffer, self._size = [], 0
        self._drained.set()
        return text
