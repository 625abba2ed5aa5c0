"""The MT4 server's symbol configuration as live state: changes laid over the catalogue, and hidden symbols.

Imports: stdlib and ``desktop.simulator.world`` (``events``, ``market.symbols``, ``mt4.margin``,
``mt4.records``, ``mt4.rules``). Used by ``book`` (``Book.symbol_config``) and the ``rest.v2``
symbol configuration operations.

An ``MT4SymbolConfig`` record is the catalogue's contract (``SymbolSpec`` in the price feed)
plus stored values of the fields the simulator does not model. A change is applied where it
acts: ``spread`` moves the feed's quotes around the same mid (a requote tick), ``tradeMode``
goes to the trading rules, ``description``, ``swapLong``, ``swapShort``, ``stopsLevel`` and
``contractSize`` replace the contract (margin, profit and stop checks use them at once); the
other writable fields are stored and reported. Every change publishes one ``SymbolChanged``.
Refused with ``InvalidData`` (nothing changed): a different ``digits``, ``type``, ``currency``,
``marginCurrency``, ``profitCalculationMode`` or ``marginCalculationMode`` (the price feed and
the money rules are built on them), a spread below 1 point (the simulated feed quotes fixed
spreads only), a negative stops level, a contract size not above 0. Hidden symbols
(``SymbolHide``) stop ticking and answer ``TradeDisable`` to orders until ``SymbolAdd``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Protocol

from desktop.simulator.world.events import EventBus, SymbolChanged
from desktop.simulator.world.market.symbols import SYMBOLS, SymbolSpec
from desktop.simulator.world.mt4.margin import Prices
from desktop.simulator.world.mt4.records import Shape
from desktop.simulator.world.mt4.rules import TRADE_MODES, SymbolModes

SYMBOL_SHAPE = Shape(
    enums={
        "tradeMode": TRADE_MODES,
        "profitCalculationMode": ("Forex", "CFD", "Futures"),
        "symbolExecMode": ("Request", "Instant", "Market"),
        "swapType": ("Points", "Dollars", "Interest", "MarginCurrency"),
        "gtcMode": ("Daily", "GTC", "DailyNoStops"),
        "marginCalculationMode": ("Forex", "CFD", "Futures", "CFDIndex", "CFDLeverage"),
    },
    read_only=frozenset({"symbol", "count", "countOriginal", "filterCounter", "point", "multiply", "bidTickValue",
                         "askTickValue", "tickValue", "tickSize"}),
)  # fmt: skip
#: Fields that cannot change, and the contract fields a change replaces.
FIXED = ("digits", "type", "currency", "marginCurrency", "profitCalculationMode", "marginCalculationMode")
_CONTRACT = {"description": "description", "swapLong": "swap_long", "swapShort": "swap_short",
             "stopsLevel": "stops_level", "contractSize": "contract_size"}  # fmt: skip
_ACTING = {*_CONTRACT, "spread", "tradeMode"}


class InvalidSymbol(ValueError):
    """A change the trade server refuses (``MT4Error``/``InvalidData``)."""


class SymbolFeed(Protocol):
    """What a symbol change needs of the price feed (``market.feed.PriceFeed`` fits)."""

    symbols: tuple[SymbolSpec, ...]

    def set_spread(self, index: int, points: int, now: float) -> Any:
        """Change a spread; return the requote tick."""
        ...

    def set_stalled(self, index: int, stalled: bool) -> None:
        """Stop or resume a symbol's ticks."""
        ...


def _check(before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    fixed = [key for key in FIXED if after[key] != before[key]]
    if fixed:
        raise InvalidSymbol(f"{fixed[0]} of a configured symbol cannot be changed.")
    if after["spread"] < 1:
        raise InvalidSymbol("spread must be at least 1 point (the server quotes fixed spreads).")
    if after["stopsLevel"] < 0 or after["freezeLevel"] < 0:
        raise InvalidSymbol("stopsLevel and freezeLevel must not be negative.")
    if not after["contractSize"] > 0:
        raise InvalidSymbol("contractSize must be greater than 0.")
    if not after["description"] or len(after["description"]) > 64:
        raise InvalidSymbol("description must be 1 to 64 characters.")


class SymbolSettings:
    """Stored symbol fields and hidden symbols, over the feed's contracts.

    Args:
        events: Where ``SymbolChanged`` is published.
        modes: The trading rules' trade modes.
    """

    def __init__(self, events: EventBus, modes: SymbolModes) -> None:
        self._events = events
        self._modes = modes
        self._stored: dict[str, dict[str, Any]] = {}
        self.hidden: set[str] = set()

    def reset(self, feed: Prices) -> None:
        """Forget every change: the catalogue contracts come back.

        Spreads and stalled symbols are the price feed's to restore (``SimControl.reset``
        restores both after the book).

        Args:
            feed: The price feed.
        """
        catalogue = {spec.name: spec for spec in SYMBOLS}
        feed.symbols = tuple(
            dataclasses.replace(catalogue.get(spec.name, spec), spread=spec.spread) for spec in feed.symbols
        )
        self._stored.clear()
        self.hidden.clear()

    def stored(self, name: str) -> dict[str, Any]:
        """Return the stored (not modelled) fields of a symbol."""
        return dict(self._stored.get(name, {}))

    def apply(self, feed: SymbolFeed, index: int, before: Mapping[str, Any], after: Mapping[str, Any],
              now: float) -> Any:  # fmt: skip
        """Apply a checked change of one symbol's record.

        Args:
            feed: The price feed.
            index: Symbol index.
            before: The current record.
            after: The record with the change laid over it.
            now: Unix time (of the requote tick).

        Returns:
            The requote tick when the spread changed (to publish), else None.

        Raises:
            InvalidSymbol: A value the server refuses (nothing changed).
        """
        _check(before, after)
        spec = feed.symbols[index]
        diff = {key: value for key, value in after.items() if before.get(key) != value}
        contract = {_CONTRACT[key]: value for key, value in diff.items() if key in _CONTRACT}
        if contract:
            specs = list(feed.symbols)
            specs[index] = dataclasses.replace(spec, **contract)
            feed.symbols = tuple(specs)
        tick = feed.set_spread(index, int(diff["spread"]), now) if "spread" in diff else None
        if "tradeMode" in diff:
            self._modes.set(spec.name, str(diff["tradeMode"]))
        rest = {key: value for key, value in diff.items() if key not in _ACTING}
        if rest:
            self._stored.setdefault(spec.name, {}).update(rest)
        if diff.keys() - {"tradeMode"}:
            self._events.publish(SymbolChanged("Updated", spec.name))
        return tick

    def set_hidden(self, feed: SymbolFeed, index: int, hidden: bool) -> bool:
        """Hide a symbol (no ticks, no orders) or show it again.

        Args:
            feed: The price feed.
            index: Symbol index.
            hidden: True hides.

        Returns:
            True (the server's answer to ``SymbolHide``/``SymbolAdd``).
        """
        name = feed.symbols[index].name
        if (name in self.hidden) == hidden:
            return True
        if hidden:
            self.hidden.add(name)
        else:
            self.hidden.discard(name)
        feed.set_stalled(index, hidden)
        self._events.publish(SymbolChanged("Updated", name))
        return True
