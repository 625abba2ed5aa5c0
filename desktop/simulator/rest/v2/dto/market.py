"""Wire shapes of market data: symbol info, sessions, chart bars and historical ticks (MT4 v2 DTOs).

Imports: stdlib and ``desktop.simulator`` (``rules``, ``symbols``, ``wire``). Used by
``rest.v2.market`` and ``rest.v2.charts``. Every function returns exactly the properties of the
spec schema it is named after.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.wire import iso_utc
from desktop.simulator.world.market.symbols import SymbolSpec
from desktop.simulator.world.mt4.rules import DaySessions, Window


def mt4_symbol_info(
    spec: SymbolSpec, quote: tuple[float, float, float], day_range: tuple[float, float], direction: str
) -> dict[str, Any]:
    """Build an ``MT4SymbolInfo``.

    Args:
        spec: The symbol (current spread included).
        quote: Last ``(bid, ask, unix_time)``.
        day_range: ``(high, low)`` bid of the current day.
        direction: ``SymbolPriceDirection`` name of the last tick.

    Returns:
        The DTO.
    """
    bid, ask, when = quote
    return {
        "symbol": spec.name,
        "digits": spec.digits,
        "type": spec.sec_type,
        "point": spec.point,
        "spread": spec.spread,
        "direction": direction,
        "bid": bid,
        "ask": ask,
        "high": day_range[0],
        "low": day_range[1],
        "lastTime": iso_utc(when),
    }


def _window(window: Window) -> dict[str, Any]:
    return {
        "openHour": window.open_hour,
        "openMinute": window.open_minute,
        "closeHour": window.close_hour,
        "closeMinute": window.close_minute,
    }


def mt4_day_sessions(day: DaySessions) -> dict[str, Any]:
    """Build an ``MT4SymbolDaySessions``.

    Args:
        day: One weekday's sessions.

    Returns:
        The DTO.
    """
    return {
        "dayOfWeek": day.day,
        "quoteOvernight": 0,
        "tradeOvernight": 0,
        "quote": [_window(w) for w in day.quote],
        "trade": [_window(w) for w in day.trade],
    }


def mt4_chart_bar(bar: tuple[float, ...]) -> dict[str, Any]:
    """Build an ``MT4ChartBar``.

    Args:
        bar: ``(time, open, high, low, close, volume)``.

    Returns:
        The DTO.
    """
    when, open_, high, low, close, volume = bar
    return {"time": iso_utc(when), "open": open_, "high": high, "low": low, "close": close, "volume": volume}


def mt4_tick_record(tick: tuple[float, float, float]) -> dict[str, Any]:
    """Build an ``MT4TickRecord`` (every tick is raw and normal alike: ``flags`` ``All``).

    Args:
        tick: ``(time, bid, ask)``.

    Returns:
        The DTO.
    """
    when, bid, ask = tick
    return {"time": iso_utc(when), "bid": bid, "ask": ask, "dataFeed": 0, "flags": "All"}
