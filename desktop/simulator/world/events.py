"""Events of the simulated trade server: what changed, for the hub streams to push.

Whoever changes state publishes an event (REST handlers, the margin monitor, scenarios);
the hub turns each into its stream payload by reading the state as it is then. Delivery is
synchronous, on the simulator's event loop, in publish order; a failing subscriber is logged
and never stops the others or the publisher.

Imports: stdlib only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

_log = logging.getLogger(__name__)

Kind = Literal["Added", "Updated", "Deleted"]


@dataclass(frozen=True)
class UserChanged:
    """An account was created, changed (balance, credit, group, leverage …) or deleted."""

    kind: Kind
    login: int


@dataclass(frozen=True)
class TradeChanged:
    """A trade or order was opened, modified, closed or deleted (``order`` = ticket).

    ``snapshot`` carries the record's last state for ``Deleted`` events, when it is gone
    from the open trades; it is whatever object the trading model uses for a trade.
    """

    kind: Kind
    order: int
    snapshot: object | None = None


@dataclass(frozen=True)
class SymbolChanged:
    """A symbol's configuration changed (spread, trade mode …)."""

    kind: Kind
    symbol: str


@dataclass(frozen=True)
class MarginCallChanged:
    """An account entered, left or moved within margin call / stop out."""

    login: int


Event = UserChanged | TradeChanged | SymbolChanged | MarginCallChanged
Subscriber = Callable[[Event], None]


class EventBus:
    """Synchronous publish/subscribe of :data:`Event` values."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` for every later event; returns a function that unsubscribes."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every subscriber, in subscription order."""
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:  # noqa: BLE001 - one bad subscriber must not stop the others
                _log.exception("event subscriber failed on %r", event)
