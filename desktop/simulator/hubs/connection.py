"""One SignalR client connection: its outbox, batched writer, keep-alive, tick and event interests.

The connection is the same on every transport; a ``hubs.transports.Transport`` carries its frames.

Imports: stdlib and ``desktop.simulator.hubs`` (``protocol``, ``transports``). Used by ``hubs.registry`` (lifecycle),
the hubs' methods (``hubs.mt4_v2``, ``hubs.mt5_v2``, ``hubs.mt4_v1``: subscriptions and streams) and
``hubs.streams`` (event items).

Everything sent goes through one outbox list of pre-encoded records. A writer task joins
whatever has accumulated since it last ran into as few text frames as possible
(at most ``FRAME_LIMIT`` characters each; on SSE one event, on long polling part of a poll's
body), so at high tick rates hundreds of records share
a frame and the simulator is not the bottleneck. Control records (completions, pings,
event stream items) are never dropped; when a slow client lets more than ``MAX_PENDING_TICKS`` tick records pile
up, further ticks for it are dropped and counted in ``dropped``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs.transports import Transport

_log = logging.getLogger(__name__)

#: The Close error ASP.NET Core sends for a non-hub exception without detailed errors (e.g. client timeout).
CLOSED_WITH_ERROR = "Connection closed with an error."
FRAME_LIMIT = 256 * 1024
MAX_PENDING_TICKS = 200_000
_FLUSH_ON_CLOSE = 1_000


@dataclass(frozen=True)
class StreamInterest:
    """An open ``StreamTicks`` stream.

    Attributes:
        prefix: Pre-encoded StreamItem prefix carrying the invocation id.
        symbol: Symbol index, or None for every symbol.
    """

    prefix: str
    symbol: int | None


@dataclass(frozen=True)
class EventInterest:
    """An open stream of events (``StreamTrades``, ``StreamUserUpdates`` …).

    Attributes:
        prefix: Pre-encoded StreamItem prefix carrying the invocation id.
        topic: Which payloads it carries (see ``hubs.streams``).
    """

    prefix: str
    topic: str


class TickRecords:
    """Lazily encoded records of one tick batch, shared by all connections.

    Args:
        indices: Symbol index of each tick.
        bids: Bid of each tick.
        asks: Ask of each tick.
        names: Symbol names by index.
        when: ISO-8601 time of the batch.
    """

    def __init__(self, indices: list[int], bids: list[float], asks: list[float], names: list[str], when: str) -> None:
        self.indices = indices
        self._bids = bids
        self._asks = asks
        self._names = names
        self._when = when
        self._payloads: list[str] | None = None
        self._on_tick: list[str] | None = None
        self._legacy: dict[str, list[str]] = {}

    @property
    def payloads(self) -> list[str]:
        """The TickPayload JSON of every tick (built once)."""
        if self._payloads is None:
            names, when, encode = self._names, self._when, proto.tick_payload
            self._payloads = [
                encode(names[i], bid, ask, when)
                for i, bid, ask in zip(self.indices, self._bids, self._asks, strict=True)
            ]
        return self._payloads

    def on_tick(self) -> list[str]:
        """Return the ``OnTick`` invocation record of every tick (built once).

        Returns:
            Records in tick order.
        """
        if self._on_tick is None:
            prefix, suffix = proto.ON_TICK_PREFIX, proto.ON_TICK_SUFFIX
            self._on_tick = [prefix + payload + suffix for payload in self.payloads]
        return self._on_tick

    def legacy_on_tick(self, prefix: str) -> list[str]:
        """Return the v1 ``onTick(tradePlatform, tick)`` record of every tick (built once per prefix).

        Args:
            prefix: ``hub_protocol.v1_on_tick_prefix`` of the platform.

        Returns:
            Records in tick order.
        """
        found = self._legacy.get(prefix)
        if found is None:
            names, suffix, encode = self._names, proto.ON_TICK_SUFFIX, proto.v1_tick_payload
            found = [
                prefix + encode(names[i], bid, ask) + suffix
                for i, bid, ask in zip(self.indices, self._bids, self._asks, strict=True)
            ]
            self._legacy[prefix] = found
        return found


def _chunks(records: list[str], limit: int) -> Iterator[str]:
    start = 0
    size = 0
    for i, item in enumerate(records):
        size += len(item)
        if size >= limit:
            yield "".join(records[start : i + 1])
            start, size = i + 1, 0
    if start < len(records):
        yield "".join(records[start:])


class HubConnection:
    """A connected, handshaken hub client.

    Attributes:
        path: Hub path it is connected to (e.g. ``/hubs/mt4/v2``).
        platform: Trade platform bound at connect (v2 hubs), else "".
        legacy_prefix: For v1 connections, the ``onTick`` prefix of its platform; None on v2.
        foreign: True when its token belongs to another organisation (no platform is allowed).
        subscriptions: Symbol indices with ``OnTick``/``onTick`` pushes.
        streams: Open ``StreamTicks`` streams by invocation id.
        event_streams: Open event streams by invocation id.
        transport: What carries its frames (``transport.name``: WebSockets, ServerSentEvents, LongPolling).
        ended: Set once the connection has ended (closed or cut).

    Args:
        connection_id: The SignalR connection id.
        transport: What carries its frames (WebSocket, SSE or long polling).
        keepalive: Seconds between server pings.
        client_timeout: Seconds of client silence before the server closes it.
        path: Hub path.
    """

    def __init__(
        self, connection_id: str, transport: Transport, keepalive: float, client_timeout: float, path: str = ""
    ) -> None:
        self.id = connection_id
        self.transport = transport
        self.path = path
        self.platform = ""
        self.legacy_prefix: str | None = None
        self.foreign = False
        self.subscriptions: set[int] = set()
        self.streams: dict[str, StreamInterest] = {}
        self.event_streams: dict[str, EventInterest] = {}
        self.dropped = 0
        self.sent_records = 0
        self.last_seen = time.monotonic()
        self.closed = False
        self._closing = False
        self._keepalive = keepalive
        self._client_timeout = client_timeout
        self._outbox: list[str] = []
        self._pending_ticks = 0
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.ended = asyncio.Event()
        self.ended_at = 0.0
        #: Called once when the connection has ended (the registry forgets it).
        self.on_end: list[Callable[[], None]] = []

    def _finish(self) -> None:
        if self.ended.is_set():
            return
        self.ended_at = time.monotonic()
        self.ended.set()
        for callback in self.on_end:
            callback()

    def start(self) -> None:
        """Start the writer (the handshake answer goes through it)."""
        self._tasks.append(asyncio.create_task(self._write_loop(), name=f"hub-writer-{self.id}"))

    def start_keepalive(self) -> None:
        """Start pings and the client timeout (after the handshake, as ASP.NET Core does)."""
        self.last_seen = time.monotonic()
        self._tasks.append(asyncio.create_task(self._keepalive_loop(), name=f"hub-keepalive-{self.id}"))

    def send(self, text: str) -> None:
        """Queue control records (never dropped).

        Args:
            text: One or more complete records.
        """
        if self.closed:
            return
        self._outbox.append(text)
        self._wake.set()

    def offer_ticks(self, records: TickRecords, all_symbols: int) -> None:
        """Queue the ticks of a batch this client asked for.

        Args:
            records: The batch's shared records.
            all_symbols: Number of symbols in the catalogue (fast path when all are subscribed).
        """
        subs, streams = self.subscriptions, self.streams
        if self.closed or (not subs and not streams):
            return
        if self._pending_ticks >= MAX_PENDING_TICKS:
            self.dropped += len(records.indices)
            return
        out = self._outbox
        before = len(out)
        if subs:
            legacy = self.legacy_prefix
            on_tick = records.on_tick() if legacy is None else records.legacy_on_tick(legacy)
            if len(subs) == all_symbols:
                out.extend(on_tick)
            else:
                out.extend([on_tick[i] for i, index in enumerate(records.indices) if index in subs])
        for interest in streams.values():
            self._append_stream(out, interest, records)
        added = len(out) - before
        if added:
            self._pending_ticks += added
            self._wake.set()

    @staticmethod
    def _append_stream(out: list[str], interest: StreamInterest, records: TickRecords) -> None:
        prefix, suffix, want = interest.prefix, proto.STREAM_ITEM_SUFFIX, interest.symbol
        if want is None:
            out.extend([prefix + payload + suffix for payload in records.payloads])
        else:
            payloads = records.payloads
            out.extend([prefix + payloads[i] + suffix for i, index in enumerate(records.indices) if index == want])

    async def _write_loop(self) -> None:
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._outbox:
                    records, self._outbox = self._outbox, []
                    self._pending_ticks = 0
                    self.sent_records += len(records)
                    for frame in _chunks(records, FRAME_LIMIT):
                        await self.transport.send(frame)
                        await self.transport.drain()
        except (ConnectionError, RuntimeError) as exc:
            _log.debug("hub connection %s: write failed: %s", self.id, exc)
            self.closed = True
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.transport.close(1000)
            self._finish()

    def stream_prefixes(self, topic: str) -> list[str]:
        """Return the StreamItem prefixes of this connection's open streams of a topic.

        Args:
            topic: Event topic.

        Returns:
            One prefix per open stream (usually none or one).
        """
        return [interest.prefix for interest in self.event_streams.values() if interest.topic == topic]

    def cancel_stream(self, invocation_id: str) -> None:
        """Stop a stream (CancelInvocation); nothing more is sent for it.

        Args:
            invocation_id: The stream's invocation id.
        """
        self.streams.pop(invocation_id, None)
        self.event_streams.pop(invocation_id, None)

    async def _keepalive_loop(self) -> None:
        # Long polling keeps itself alive: no pings, and a waiting poll counts as the client being there.
        pings = not self.transport.inherent_keepalive
        next_ping = time.monotonic() + self._keepalive
        while True:
            now = time.monotonic()
            if self.transport.active:
                self.last_seen = now
            deadline = self.last_seen + self._client_timeout
            if now >= deadline:
                # ASP.NET Core: CloseException = OperationCanceledException("Client hasn't sent a message/ping
                # within the configured ClientTimeoutInterval."), then AbortAllowReconnect(); without detailed
                # errors only the generic text reaches the client.
                _log.info("hub connection %s: client timeout", self.id)
                await self.close(proto.close_message(CLOSED_WITH_ERROR, allow_reconnect=True))
                return
            if pings and now >= next_ping:
                self.send(proto.PING_RECORD)
                next_ping = now + self._keepalive
            wake = min(next_ping, deadline) if pings else min(deadline, now + 1.0)
            await asyncio.sleep(max(0.01, wake - now))

    async def _stop_tasks(self) -> None:
        current = asyncio.current_task()
        others = [task for task in self._tasks if task is not current]
        for task in others:
            task.cancel()
        for task in others:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close(self, final_record: str | None = None, code: int = 1000) -> None:
        """Stop the tasks, flush what is queued plus an optional last record, close the transport.

        Args:
            final_record: A record to send last (usually a Close message).
            code: WebSocket close code.
        """
        if self._closing:
            return
        self._closing = True
        self.closed = True
        await self._stop_tasks()
        # Flush a short backlog (e.g. the handshake answer); a long one is ticks nobody will read.
        tail = self._outbox if len(self._outbox) <= _FLUSH_ON_CLOSE else []
        tail += [final_record] if final_record else []
        self._outbox = []
        with contextlib.suppress(ConnectionError, RuntimeError):
            for frame in _chunks(tail, FRAME_LIMIT):
                if self.transport.closed:
                    break
                await self.transport.send(frame)
            await self.transport.close(code)
        self._finish()

    async def abort(self) -> None:
        """Cut the connection without a Close message or WebSocket close frame (a network failure)."""
        if self._closing:
            return
        self._closing = True
        self.closed = True
        await self._stop_tasks()
        self._outbox = []
        self.transport.abort()
        self._finish()
