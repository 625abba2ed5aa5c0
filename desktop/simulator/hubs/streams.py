"""Event-driven hub streams: turns simulator events into StreamItems and callback pushes.

Imports: stdlib and ``desktop.simulator`` (``book``, ``events``, ``feed``, ``hubs.connection``,
``hubs.payloads``, ``hubs.protocol``, ``hubs.margin_monitor``, ``trades``). Used by ``hubs.registry`` (one per registry)
and the hubs' stream methods.

Whoever changes state publishes an event on ``SimControl.events`` (REST handlers, the
margin monitor, scenarios). ``HubStreams`` is subscribed to that bus: for each event it
reads the state as it is *then*, encodes the payload once, and queues a StreamItem on every
open stream of the matching topic:

=====================  ==========================  ===========================================
event                  MT4 v2 stream (topic)       payload
=====================  ==========================  ===========================================
``UserChanged``        ``StreamUserUpdates``       ``UserUpdatePayload``
``TradeChanged``       ``StreamTrades``            ``TradeUpdatePayload``
``SymbolChanged``      ``StreamSymbolUpdates``     ``SymbolUpdatePayload``
``MarginCallChanged``  ``StreamMarginCallUpdates`` ``MarginCallPayload`` (MT4 accounts), or
                                                   MT5 ``OnMarginCall`` + stream items
=====================  ==========================  ===========================================

Users, trades and symbols are change feeds: a new stream starts empty (REST gives the
snapshot). ``StreamMarginCallUpdates`` is a state feed: it starts with the accounts
currently in margin call or stop out, then follows the monitor. Items are control records
(never dropped for a slow client, unlike ticks). Delivery is synchronous on the loop, so
an item is queued before the REST answer that caused it is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from desktop.simulator.hubs import payloads
from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs.connection import EventInterest, HubConnection
from desktop.simulator.hubs.margin_monitor import MarginMonitor
from desktop.simulator.world.events import (
    Event,
    EventBus,
    MarginCallChanged,
    SymbolChanged,
    TradeChanged,
    UserChanged,
)
from desktop.simulator.world.market.feed import PriceFeed
from desktop.simulator.world.mt4.book import Book
from desktop.simulator.world.mt4.trades import TradeRecord
from desktop.simulator.world.mt5.platform import Mt5Book

TOPIC_MARGIN = "mt4.margin"
TOPIC_TRADES = "mt4.trades"
TOPIC_USERS = "mt4.users"
TOPIC_SYMBOLS = "mt4.symbols"
TOPIC_MT5_MARGIN = "mt5.margin"


class StreamState(Protocol):
    """What the streams and the margin monitor read (``SimControl`` fits)."""

    book: Book
    mt5: Mt5Book
    feed: PriceFeed
    events: EventBus
    clock: Callable[[], float]


class Mt5Accounts(Protocol):
    """Tells which logins are the MT5 platform's (``mt5.Mt5Book`` fits)."""

    def owns(self, login: int) -> bool:
        """Tell whether a login is an account of the MT5 platform."""
        ...


class HubStreams:
    """Fan-out of events to the open streams of all hub connections.

    Args:
        state: Simulator state (accounts, prices, event bus, clock).
        connections: The registry's live connections by id.
        monitor: Margin monitor (snapshot of accounts in call, MT5 transitions).
        mt5_path: Path of the MT5 hub (its connections get ``OnMarginCall``).
    """

    def __init__(
        self, state: StreamState, connections: Mapping[str, HubConnection], monitor: MarginMonitor, mt5_path: str
    ) -> None:
        self._state = state
        self._connections = connections
        self._monitor = monitor
        self._mt5_path = mt5_path
        self.mt5: Mt5Accounts = state.mt5
        self.delivered = 0
        state.events.subscribe(self.on_event)

    def open(self, conn: HubConnection, invocation_id: str, topic: str) -> None:
        """Start an event stream on a connection (snapshot first for the MT4 margin stream).

        Args:
            conn: The connection.
            invocation_id: The StreamInvocation's id.
            topic: One of the ``TOPIC_*`` constants.
        """
        prefix = proto.stream_item_prefix(invocation_id)
        if topic == TOPIC_MARGIN:
            items = [self._margin_item(login) for login in self._monitor.in_call()]
            conn.send("".join(prefix + proto.encode(item) + proto.STREAM_ITEM_SUFFIX for item in items if item))
        conn.event_streams[invocation_id] = EventInterest(prefix, topic)

    def on_event(self, event: Event) -> None:
        """Deliver one event (subscribed to ``state.events``).

        Args:
            event: What changed.
        """
        if isinstance(event, UserChanged):
            if not self.mt5.owns(event.login):
                self._deliver(TOPIC_USERS, lambda: self._user_item(event))
        elif isinstance(event, TradeChanged):
            self._deliver(TOPIC_TRADES, lambda: self._trade_item(event))
        elif isinstance(event, SymbolChanged):
            self._deliver(TOPIC_SYMBOLS, lambda: self._symbol_item(event))
        elif isinstance(event, MarginCallChanged):
            if self.mt5.owns(event.login):
                self._deliver_mt5(event.login)
            else:
                self._deliver(TOPIC_MARGIN, lambda: self._margin_item(event.login))

    def _deliver(self, topic: str, build: Callable[[], dict[str, Any] | None]) -> None:
        targets = [(c, p) for c in self._connections.values() if c.event_streams and (p := c.stream_prefixes(topic))]
        if not targets:
            return
        item = build()
        if item is None:
            return
        text = proto.encode(item) + proto.STREAM_ITEM_SUFFIX
        for conn, prefixes in targets:
            conn.send("".join(prefix + text for prefix in prefixes))
        self.delivered += 1

    def _deliver_mt5(self, login: int) -> None:
        change = self._monitor.transition(login)
        if change is None:
            return
        hub = [conn for conn in self._connections.values() if conn.path == self._mt5_path]
        for item in payloads.mt5_margin_calls(login, *change):
            push = proto.invocation("OnMarginCall", item)
            for conn in hub:
                conn.send(push)
            self._deliver(TOPIC_MT5_MARGIN, _constant(item))

    def _margin_item(self, login: int) -> dict[str, Any] | None:
        book = self._state.book
        account = book.accounts.get(login)
        if account is None:
            return None
        return payloads.margin_call(account, book.group_of(account), book.state(account), self._state.clock())

    def _user_item(self, event: UserChanged) -> dict[str, Any]:
        return payloads.user_update(event.kind, event.login, self._state.book.last_known(event.login))

    def _symbol_item(self, event: SymbolChanged) -> dict[str, Any]:
        feed = self._state.feed
        index = feed.resolve(event.symbol)
        spec = None if index is None else feed.symbols[index]
        return payloads.symbol_update(event.kind, event.symbol, spec, self._state.book.modes.get(event.symbol))

    def _trade_item(self, event: TradeChanged) -> dict[str, Any] | None:
        record = event.snapshot if isinstance(event.snapshot, TradeRecord) else None
        record = record or self._state.book.trades.get(event.order)
        return None if record is None else payloads.trade_update(event.kind, record)


def _constant(item: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: item
