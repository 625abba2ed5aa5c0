"""The MT4 v2 hub (``/hubs/mt4/v2``): its methods and streams.

Imports: stdlib and ``desktop.simulator`` (``config``, ``feed``, ``hubs.connection``,
``hubs.dispatch``, ``hubs.protocol``, ``hubs.streams``, ``wire``). Used by ``hubs.registry``.

Methods (names matched ignoring case, as ASP.NET Core does):

* ``SubscribeToTicks(symbol)`` / ``UnsubscribeFromTicks(symbol)`` — void Completion, then
  ``OnTick`` pushes for that symbol; a new subscription first gets the current quote;
* ``StreamTicks(symbol?)`` — stream of TickPayload items (no argument or null = every
  symbol), starting with the current quote(s);
* ``StreamMarginCallUpdates()``, ``StreamTrades()``, ``StreamUserUpdates()``,
  ``StreamSymbolUpdates()`` — event streams fed by ``hubs.streams``.

Streams end only by CancelInvocation (or the connection ending); after a cancel nothing
more is sent for that invocation id, and no Completion.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.config import HUB_PATH
from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs import streams as topics
from desktop.simulator.hubs.connection import HubConnection, StreamInterest
from desktop.simulator.hubs.dispatch import Dispatcher, HubError, Method, method_error, type_error
from desktop.simulator.hubs.streams import HubStreams
from desktop.simulator.wire import iso_utc_ms
from desktop.simulator.world.market.feed import PriceFeed

#: Event streams of the MT4 v2 hub and their topics.
EVENT_STREAMS = {
    "StreamMarginCallUpdates": topics.TOPIC_MARGIN,
    "StreamTrades": topics.TOPIC_TRADES,
    "StreamUserUpdates": topics.TOPIC_USERS,
    "StreamSymbolUpdates": topics.TOPIC_SYMBOLS,
}


def resolve_symbol(feed: PriceFeed, target: str, value: Any) -> int:
    """Bind a ``string symbol`` argument to a catalogue index.

    Args:
        feed: Price feed (symbol look-up).
        target: Method name, for the error text.
        value: The argument.

    Returns:
        The symbol index.

    Raises:
        HubError: Not a string (binding error), or an unknown symbol (HubException).
    """
    if not isinstance(value, str):
        raise type_error(target)
    index = feed.resolve(value)
    if index is None:
        raise method_error(target, f"Unknown symbol '{value}'.")
    return index


def current_tick(feed: PriceFeed, index: int) -> str:
    """Encode the current quote of a symbol as a TickPayload.

    Args:
        feed: Price feed.
        index: Symbol index.

    Returns:
        The JSON object text.
    """
    bid, ask, unix_time = feed.quote(index)
    return proto.tick_payload(feed.symbols[index].name, bid, ask, iso_utc_ms(unix_time))


class Mt4Hub:
    """``/hubs/mt4/v2``: platform bound by ``?tradePlatform=``, ``OnConnectionStatus`` after the handshake.

    Args:
        feed: Price feed.
        streams: Event stream fan-out.
    """

    path = HUB_PATH
    platform_type = "MT4"
    legacy = False

    def __init__(self, feed: PriceFeed, streams: HubStreams) -> None:
        self._feed = feed
        self._streams = streams
        methods = [
            Method("SubscribeToTicks", False, 1, 1, self._subscribe),
            Method("UnsubscribeFromTicks", False, 1, 1, self._unsubscribe),
            Method("StreamTicks", True, 0, 1, self._stream_ticks),
        ]
        methods += [Method(name, True, 0, 0, self._event_stream(topic)) for name, topic in EVENT_STREAMS.items()]
        self.dispatcher = Dispatcher(methods)

    def _subscribe(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        index = resolve_symbol(self._feed, "SubscribeToTicks", arguments[0])
        is_new = index not in conn.subscriptions
        conn.subscriptions.add(index)
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id))
        if is_new:
            conn.send(proto.ON_TICK_PREFIX + current_tick(self._feed, index) + proto.ON_TICK_SUFFIX)

    def _unsubscribe(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        index = resolve_symbol(self._feed, "UnsubscribeFromTicks", arguments[0])
        conn.subscriptions.discard(index)
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id))

    def _stream_ticks(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        if invocation_id is None:
            raise HubError("Stream invocations require an invocation id.")
        value = arguments[0] if arguments else None
        symbol = None if value is None else resolve_symbol(self._feed, "StreamTicks", value)
        prefix = proto.stream_item_prefix(invocation_id)
        wanted = range(len(self._feed.symbols)) if symbol is None else (symbol,)
        conn.send("".join(prefix + current_tick(self._feed, i) + proto.STREAM_ITEM_SUFFIX for i in wanted))
        conn.streams[invocation_id] = StreamInterest(prefix, symbol)

    def _event_stream(self, topic: str) -> Any:
        def run(conn: HubConnection, invocation_id: str | None, _arguments: list[Any]) -> None:
            if invocation_id is None:
                raise HubError("Stream invocations require an invocation id.")
            self._streams.open(conn, invocation_id, topic)

        return run
