"""The trade server's rules for symbols: sessions, trade modes, volume limits, price and stop checks.

Imports: stdlib and ``desktop.simulator`` (``events``, ``symbols``). Used by ``trading``
(execution checks), ``book`` (one ``SymbolModes`` per book) and the market endpoints.

Deterministic rules (documented in the package decision list):

* Sessions, by server time (UTC): quotes flow 24/7 for every symbol (the feed never stops);
  trading is open Monday 00:00 to Friday 23:59 for every symbol except crypto (security
  group ``Crypto``), which trades every day. Each open day is one window ``00:00-23:59``
  (the close minute included).
* Volume (MT4 units, 100 = 1 lot) by security group: Forex 1-10000 step 1; Metals 1-5000
  step 1; Indices 10-10000 step 10; Crypto 1-1000 step 1; Energies 1-5000 step 1.
* Stops: SL/TP must be on the losing/winning side of the reference price (the close price
  of a position — bid for buys, ask for sells — or the order price of a pending order) by
  at least the symbol's stops level, and at least one point; 0 means "not set". Pending
  prices must be on the right side of the market by the stops level (limits below ask /
  above bid, stops above ask / below bid).
* Trade mode (``Full``, ``Close``, ``No``) is ``Full`` for every symbol until changed with
  ``SymbolModes.set``; ``Close`` allows only closing and deleting, ``No`` nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from desktop.simulator.world.events import EventBus, SymbolChanged
from desktop.simulator.world.market.symbols import SymbolSpec

TRADE_MODES = ("No", "Close", "Full")
_CRYPTO = 3
_WEEKDAYS = (1, 2, 3, 4, 5)  # .NET DayOfWeek: 0 = Sunday


class TradeRefused(Exception):
    """The trade server refused a request (``MT4Error`` with a ``ResultCode``).

    Args:
        code: ``ResultCode`` name, e.g. ``TradeBadVolume``.
        message: Human-readable text.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Window:
    """A session window (close minute included)."""

    open_hour: int
    open_minute: int
    close_hour: int
    close_minute: int


@dataclass(frozen=True)
class DaySessions:
    """The sessions of one weekday (``day`` 0 = Sunday)."""

    day: int
    quote: tuple[Window, ...]
    trade: tuple[Window, ...]


@dataclass(frozen=True)
class VolumeLimits:
    """Allowed volumes of a symbol, in MT4 units."""

    minimum: int
    maximum: int
    step: int


_FULL_DAY = Window(0, 0, 23, 59)
_LIMITS = {
    0: VolumeLimits(1, 10_000, 1),
    1: VolumeLimits(1, 5_000, 1),
    2: VolumeLimits(10, 10_000, 10),
    3: VolumeLimits(1, 1_000, 1),
    4: VolumeLimits(1, 5_000, 1),
}


def sessions(spec: SymbolSpec) -> list[DaySessions]:
    """Return a symbol's weekly sessions, Sunday first.

    Args:
        spec: The symbol.

    Returns:
        Seven entries.
    """
    every_day = spec.sec_type == _CRYPTO
    return [DaySessions(day, (_FULL_DAY,), (_FULL_DAY,) if every_day or day in _WEEKDAYS else ()) for day in range(7)]


def market_open(spec: SymbolSpec, now: float) -> bool:
    """Tell whether a symbol's trade session is open.

    Args:
        spec: The symbol.
        now: Unix time (server time is UTC).

    Returns:
        True inside a trade window.
    """
    moment = time.gmtime(now)
    day = (moment.tm_wday + 1) % 7
    minute = moment.tm_hour * 60 + moment.tm_min
    windows = sessions(spec)[day].trade
    return any(w.open_hour * 60 + w.open_minute <= minute <= w.close_hour * 60 + w.close_minute for w in windows)


def volume_limits(spec: SymbolSpec) -> VolumeLimits:
    """Return a symbol's volume limits.

    Args:
        spec: The symbol.

    Returns:
        Minimum, maximum and step.
    """
    return _LIMITS.get(spec.sec_type, VolumeLimits(1, 10_000, 1))


def check_volume(spec: SymbolSpec, volume: int) -> None:
    """Refuse a volume outside the symbol's limits or off its step.

    Args:
        spec: The symbol.
        volume: Volume in MT4 units.

    Raises:
        TradeRefused: ``TradeBadVolume``.
    """
    limits = volume_limits(spec)
    if not limits.minimum <= volume <= limits.maximum or volume % limits.step:
        raise TradeRefused(
            "TradeBadVolume",
            f"Invalid volume {volume / 100:.2f} for {spec.name}: allowed {limits.minimum / 100:.2f}-"
            f"{limits.maximum / 100:.2f} lots in steps of {limits.step / 100:.2f}.",
        )


def _far_enough(distance: float, spec: SymbolSpec) -> bool:
    return distance >= max(spec.stops_level, 1) * spec.point - spec.point / 2


def check_stops(spec: SymbolSpec, buy_side: bool, reference: float, sl: float, tp: float) -> None:
    """Refuse SL/TP on the wrong side of the reference price or inside the stops level.

    Args:
        spec: The symbol.
        buy_side: True for buys and buy orders (SL below, TP above the reference).
        reference: Close price of a position, or order price of a pending order.
        sl: Stop loss (0 = none).
        tp: Take profit (0 = none).

    Raises:
        TradeRefused: ``TradeBadStops``.
    """
    direction = 1.0 if buy_side else -1.0
    bad_sl = sl < 0 or (sl > 0 and not _far_enough((reference - sl) * direction, spec))
    bad_tp = tp < 0 or (tp > 0 and not _far_enough((tp - reference) * direction, spec))
    if bad_sl or bad_tp:
        raise TradeRefused(
            "TradeBadStops",
            f"Invalid stops for {spec.name}: sl {sl}, tp {tp} against {reference} "
            f"(stops level {spec.stops_level} points).",
        )


def check_pending_price(spec: SymbolSpec, cmd: int, price: float, bid: float, ask: float) -> None:
    """Refuse a pending order price on the wrong side of the market.

    Args:
        spec: The symbol.
        cmd: 2 buy limit, 3 sell limit, 4 buy stop, 5 sell stop.
        price: Order price.
        bid: Current bid.
        ask: Current ask.

    Raises:
        TradeRefused: ``TradeBadPrices``.
    """
    distances = {2: ask - price, 3: price - bid, 4: price - ask, 5: bid - price}
    if price <= 0 or not _far_enough(distances[cmd], spec):
        raise TradeRefused("TradeBadPrices", f"Invalid order price {price} for {spec.name} (bid {bid}, ask {ask}).")


class SymbolModes:
    """The trade mode of every symbol (``Full`` unless changed).

    Args:
        events: Where ``SymbolChanged`` is published when a mode changes.
    """

    def __init__(self, events: EventBus) -> None:
        self._events = events
        self._modes: dict[str, str] = {}

    def get(self, symbol: str) -> str:
        """Return a symbol's ``TradeMode`` name.

        Args:
            symbol: Catalogue name.

        Returns:
            ``Full``, ``Close`` or ``No``.
        """
        return self._modes.get(symbol, "Full")

    def set(self, symbol: str, mode: str) -> None:
        """Change a symbol's trade mode and publish ``SymbolChanged("Updated", symbol)``.

        Args:
            symbol: Catalogue name.
            mode: ``Full``, ``Close`` or ``No``.

        Raises:
            ValueError: Unknown mode.
        """
        if mode not in TRADE_MODES:
            raise ValueError(f"unknown trade mode {mode!r}")
        self._modes[symbol] = mode
        self._events.publish(SymbolChanged("Updated", symbol))

    def clear(self) -> None:
        """Restore ``Full`` everywhere (no events)."""
        self._modes.clear()
