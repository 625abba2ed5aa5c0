"""TickHub: a supervisor around pysignalr that keeps the MT4 v2 tick hub connected.

pysignalr alone is not enough for an all-day workstation (stack-notes §3.1, §3.5):
it does not authorise ``negotiate`` with its token factory, an exception in a callback
kills the connection, a server ``Close`` ends ``run()``, a refused connection at start is
not retried, and its retry budget is spent over the process lifetime and never reset.
So every connection here is a fresh ``SignalRClient`` with a fresh token in its headers;
callbacks never raise; any loss ends that client, and the supervisor reconnects with its
own backoff (reset after every successful connection) and resubscribes every symbol.

The connection runs on a :class:`~desktop.client.network_loop.NetworkLoop` thread of its
own (``own_thread``, the default), so ticks are received and decoded while the GUI thread
paints. ``OnTick`` records are decoded straight from the socket text (tick_decode) and go to
the tick sink on that thread; the sink must be thread-safe (the QuoteBook is). Everything
else crosses back to the loop that called :meth:`TickHub.run`: status signals, stream items,
and the token factory, which runs there (it may use that loop's HTTP client).

Imports: pysignalr, psygnal, desktop.client, desktop.domain, the standard library.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from psygnal import Signal
from pysignalr.client import SignalRClient
from pysignalr.messages import CompletionMessage

from desktop.client import wire
from desktop.client.backoff import Backoff
from desktop.client.network_loop import NetworkLoop, on_loop
from desktop.client.set_aside import SetAside, shorten
from desktop.client.tick_decode import route_ticks_directly, tick_fields
from desktop.domain.errors import DecodeError
from desktop.domain.models import AccountChange, ConnectionState, ConnectionStatus, MarginSnapshot

_log = logging.getLogger(__name__)

TickSink = Callable[[str, float, float, float], None]
"""Receives ``(symbol, bid, ask, time)`` for every tick, on the hub's thread; must not block."""

T = TypeVar("T")

_CLOSE_S = 2.0


class _ConnectionLost(Exception):
    """Raised from pysignalr's close callback to end its run() and hand control back here."""


class TickHub:
    """Keeps one live subscription of a set of symbols on ``/hubs/mt4/v2``.

    Signals (on the asyncio loop thread):
        status_changed(ConnectionStatus): connecting, connected, or reconnecting with a reason.
    """

    status_changed = Signal(object)

    def __init__(
        self,
        url: Callable[[], str],
        token: Callable[[], Awaitable[str]],
        sink: TickSink,
        *,
        backoff: Backoff | None = None,
        own_thread: bool = True,
        set_aside: SetAside | None = None,
    ) -> None:
        self._url = url
        self._token = token
        self._sink = sink
        self._backoff = backoff or Backoff()
        self._symbols: dict[str, None] = {}
        self._streams: dict[str, Callable[[Any], None]] = {}
        self._ever_connected = False
        self._own_thread = own_thread
        self._home: asyncio.AbstractEventLoop | None = None
        self.connections = 0
        self.set_aside = set_aside or SetAside()
        """Pushed items that could not be read: counted and left out; the stream goes on."""
        self.sink_failures = 0

    def subscribe(self, symbols: list[str]) -> None:
        """Add ``symbols`` to the set subscribed on every (re)connection."""
        self._symbols.update(dict.fromkeys(symbols))

    def watch_account_changes(self, sink: Callable[[AccountChange], None]) -> None:
        """Feed ``StreamUserUpdates`` to ``sink`` on every (re)connection."""
        self._add_stream("StreamUserUpdates", wire.account_change, sink)

    def watch_margin_calls(self, sink: Callable[[MarginSnapshot], None]) -> None:
        """Feed ``StreamMarginCallUpdates`` to ``sink`` on every (re)connection."""
        self._add_stream("StreamMarginCallUpdates", wire.margin_call, sink)

    def _add_stream(self, method: str, decode: Callable[[Any], T], sink: Callable[[T], None]) -> None:
        def deliver(item: Any) -> None:
            sink(decode(item))

        self._streams[method] = deliver

    async def run(self) -> None:
        """Connect, and reconnect after every loss, until cancelled.

        With ``own_thread`` the connection runs on a network thread; cancelling this
        coroutine cancels it there and waits until its sockets are closed.
        """
        self._home = asyncio.get_running_loop()
        if not self._own_thread:
            await self._supervise()
            return
        network = NetworkLoop("tick-hub")
        network.start()
        try:
            await asyncio.wrap_future(network.submit(self._supervise()))
        finally:
            await network.stop()

    async def _supervise(self) -> None:
        attempt = 0
        while not self._orphaned():
            self._emit(ConnectionState.RECONNECTING if self._ever_connected else ConnectionState.CONNECTING)
            connected_before = self.connections
            reason = await self._run_once()
            if self.connections > connected_before:
                attempt = 0
            delay = self._backoff.delay(attempt)
            attempt += 1
            _log.info("tick hub: %s; reconnecting in %.1f s", reason, delay)
            self._emit(ConnectionState.RECONNECTING, f"{reason}; retrying in {delay:.1f} s")
            await asyncio.sleep(delay)
        _log.info("tick hub: the app's event loop has closed; the feed stops")

    def _orphaned(self) -> bool:
        """The loop that ran :meth:`run` has closed without cancelling it: nobody is left to feed."""
        return self._home is not None and self._home.is_closed()

    async def _run_once(self) -> str:
        """Run one connection until it is lost; return why it ended, in words."""
        client: SignalRClient | None = None
        opened: list[Any] = []
        try:
            client = self._build_client(await self._fetch_token())
            _record_connections(client, opened)
            await client.run()
        except _ConnectionLost:
            return "connection lost"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of one connection is retried
            _log.warning("tick hub connection failed: %r", exc)
            return describe(exc)
        finally:
            await _close_all(opened)
        return "connection ended"

    def _build_client(self, token: str) -> SignalRClient:
        client = SignalRClient(self._url(), headers={"Authorization": f"Bearer {token}"})
        # pysignalr copies its headers (the token) into every hub message; the transport keeps
        # its own reference for the HTTP handshake (stack-notes §3.2).
        client._headers = {}
        route_ticks_directly(client, "OnTick", self._on_ticks, self._on_bad_record)
        # Records that arrive in the handshake's own frame skip the direct route and take
        # pysignalr's dispatcher: they must reach the sink too.
        client.on("OnTick", self._on_tick_message)
        client.on("OnConnectionStatus", self._on_connection_status)
        client.on_open(lambda: self._on_open(client))
        client.on_close(self._on_close)
        # Without a global error callback pysignalr raises on an error Completion (a refused
        # subscription, a stream the server lacks) and the whole connection dies.
        client.on_error(self._on_completion_error)
        return client

    async def _on_open(self, client: SignalRClient) -> None:
        self.connections += 1
        self._ever_connected = True
        _log.info("tick hub connected (connection %d)", self.connections)
        for symbol in self._symbols:
            # pysignalr annotates arguments as dicts; the hub method takes the symbol string.
            await client.send("SubscribeToTicks", [symbol], on_invocation=self._on_subscribed)  # type: ignore[list-item]
        for method, deliver in self._streams.items():
            await client.stream(method, [], on_next=self._guard(method, deliver), on_error=self._on_completion_error)
        self._emit(ConnectionState.CONNECTED)

    async def _on_close(self) -> None:
        raise _ConnectionLost

    async def _on_subscribed(self, message: Any) -> None:
        if isinstance(message, CompletionMessage) and message.error:
            _log.warning("subscription refused: %s", message.error)

    async def _on_completion_error(self, message: Any) -> None:
        _log.warning("hub call failed: %s", getattr(message, "error", message))

    def _guard(self, method: str, deliver: Callable[[Any], None]) -> Callable[[Any], Awaitable[None]]:
        def guarded(item: Any) -> None:
            try:
                deliver(item)
            except DecodeError as exc:
                self.set_aside.add(method, item, exc)
            except Exception:  # noqa: BLE001 - a listener's bug must never end the stream
                self._sink_failed(method, item)

        async def on_next(item: Any) -> None:
            self._at_home(guarded, item)

        return on_next

    def _on_ticks(self, args: list[Any]) -> None:
        sink = self._sink
        for payload in args:
            try:
                sink(*tick_fields(payload))
            except DecodeError as exc:
                self.set_aside.add("OnTick", payload, exc)
            except Exception:  # noqa: BLE001 - one failing tick must never end the feed
                self._sink_failed("OnTick", payload)

    @property
    def bad_payloads(self) -> int:
        """Pushed items set aside as unreadable, over every stream."""
        return self.set_aside.total

    def _on_bad_record(self, record: str, error: DecodeError) -> None:
        self.set_aside.add("hub record", record, error)

    def _sink_failed(self, method: str, item: Any) -> None:
        self.sink_failures += 1
        if self.sink_failures <= 10:
            _log.exception("a %s item could not be applied: %s", method, shorten(item))

    async def _on_tick_message(self, args: list[Any]) -> None:
        self._on_ticks(args)

    async def _fetch_token(self) -> str:
        """A fresh token from the factory, run on the loop that runs :meth:`run`."""
        if self._away_from_home():
            assert self._home is not None
            return await on_loop(self._home, self._token)
        return await self._token()

    def _away_from_home(self) -> bool:
        return self._home is not None and asyncio.get_running_loop() is not self._home

    def _at_home(self, action: Callable[..., None], *args: Any) -> None:
        """Run ``action(*args)`` on the loop that runs :meth:`run` (at once when already there)."""
        if self._away_from_home():
            assert self._home is not None
            try:
                self._home.call_soon_threadsafe(action, *args)
            except RuntimeError:  # the app's loop already closed: nobody is left to tell
                _log.debug("hub event after the app's loop closed", exc_info=True)
        else:
            action(*args)

    async def _on_connection_status(self, args: list[Any]) -> None:
        payload = args[0] if args else {}
        if isinstance(payload, dict) and payload.get("connected") is False:
            self._emit(ConnectionState.RECONNECTING, "the WebAPI lost its trade server")
        elif self._ever_connected:
            self._emit(ConnectionState.CONNECTED)

    def _emit(self, state: ConnectionState, detail: str = "") -> None:
        self._at_home(self._emit_here, ConnectionStatus(state, detail))

    def _emit_here(self, status: ConnectionStatus) -> None:
        try:
            self.status_changed.emit(status)
        except Exception:  # noqa: BLE001 - a listener's bug must not stop the supervisor
            _log.exception("status listener failed")


def describe(exc: BaseException) -> str:
    """A one-line reason for a failed connection, for the status bar."""
    name = type(exc).__name__
    if name == "AuthorizationError":
        return "the hub refused the access token"
    if isinstance(exc, OSError) or "Connector" in name:
        return "cannot reach the hub"
    text = str(exc).strip()
    return f"{name}: {text}" if text else name


def _record_connections(client: SignalRClient, opened: list[Any]) -> None:
    """Note every WebSocket the client opens, as it opens it.

    pysignalr opens each connection inside an async generator (``async with … yield``) that
    is abandoned, not closed, when its run() ends; a connection cancelled before its
    handshake finished is not even in ``transport._ws``. Recording them here lets the
    supervisor close each one itself instead of leaving sockets to the garbage collector.
    """
    transport = client._transport
    handshake = transport._handshake

    async def recording_handshake(connection: Any) -> None:
        opened.append(connection)
        await handshake(connection)

    transport._handshake = recording_handshake  # type: ignore[method-assign, assignment]


async def _close_all(connections: list[Any]) -> None:
    for connection in connections:
        try:
            # Within this task (not wait_for's own task, which a draining loop would cancel).
            async with asyncio.timeout(_CLOSE_S):
                await connection.close()
        except Exception:  # noqa: BLE001 - best effort on a connection already given up
            _log.debug("closing a lost hub socket failed", exc_info=True)
        finally:
            # A closing handshake cut short (timed out, cancelled) leaves the socket open until
            # the server answers, which may be after this loop has closed: abort the transport,
            # so that the socket closes on the loop's next turn (a no-op once closed).
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
