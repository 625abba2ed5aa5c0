"""v2 market operations: server time, last ticks, symbol configuration, market info and sessions.

Imports: ``desktop.simulator`` (``rest.v2.dto.mt4``, ``rest.v2.dto.market``, ``rest.pipeline.envelope``,
``rest.pipeline.operation``,
``rest.pipeline.params``, ``rules``, ``wire``). Registered by ``rest.pipeline.v2``.

Symbols are looked up exactly, then ignoring case (the answer carries the catalogue
spelling). ``ServerTime`` reports UTC; on error its ``data`` is .NET's ``default(DateTime)``
because ``DateTimeApiResponse.data`` is not nullable in the spec. ``SymbolInfoGet`` needs
``?symbol`` (its answer is one record, so "all symbols" is not offered): ``high``/``low``
are the current UTC day's bid range from the tick history, ``direction`` that of the
last tick. ``SymbolSessionsGet`` reports the rules of ``rules.sessions``.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import Operation, V2Request, symbol_param
from desktop.simulator.rest.pipeline.params import query_value
from desktop.simulator.rest.v2.dto.config import mt4_symbol_record
from desktop.simulator.rest.v2.dto.market import mt4_day_sessions, mt4_symbol_info
from desktop.simulator.rest.v2.dto.mt4 import mt4_tick_info
from desktop.simulator.wire import DOTNET_MIN_DATE_TEXT, iso_utc
from desktop.simulator.world.mt4.rules import sessions


def symbol_index(request: V2Request, raw: str | None = None) -> int:
    """Resolve the ``{symbol}`` path parameter (or ``raw``) to a catalogue index.

    Args:
        request: The call.
        raw: Symbol text to use instead of the path parameter.

    Returns:
        The index.

    Raises:
        ApiFailure: Empty or over 12 characters (``Validation``), unknown (``NotFound``).
    """
    name = symbol_param(request.params["symbol"] if raw is None else raw)
    index = request.control.feed.resolve(name)
    if index is None:
        raise ApiFailure.not_found(f"Symbol '{name}' not found.")
    return index


def symbol_record(request: V2Request, index: int) -> dict[str, Any]:
    """Return the live ``MT4SymbolConfig`` of a symbol (contract, trade mode and stored fields).

    Args:
        request: The call.
        index: Catalogue index.

    Returns:
        The record.
    """
    control = request.control
    spec = control.feed.symbols[index]
    return mt4_symbol_record(spec, control.book.modes.get(spec.name), control.book.symbol_config.stored(spec.name))


def server_time(request: V2Request) -> Payload:
    """``GET ServerTime``.

    Args:
        request: The call.

    Returns:
        The current time as an ISO-8601 UTC string.
    """
    return Payload(iso_utc(request.now))


def tick_info_last_all(request: V2Request) -> Payload:
    """``GET TickInfoLast``: last tick of every symbol.

    Args:
        request: The call.

    Returns:
        A list of ``MT4TickInfo`` in catalogue order.
    """
    feed = request.control.feed
    return Payload([mt4_tick_info(spec, *feed.quote(i)) for i, spec in enumerate(feed.symbols)])


def tick_info_last(request: V2Request) -> Payload:
    """``GET TickInfoLast/{symbol}``.

    Args:
        request: The call.

    Returns:
        One ``MT4TickInfo``.
    """
    index = symbol_index(request)
    feed = request.control.feed
    return Payload(mt4_tick_info(feed.symbols[index], *feed.quote(index)))


def cfg_symbols(request: V2Request) -> Payload:
    """``GET CfgRequestSymbol``: every symbol's configuration.

    Args:
        request: The call.

    Returns:
        A list of ``MT4SymbolConfig``.
    """
    return Payload([symbol_record(request, index) for index in range(len(request.control.feed.symbols))])


def cfg_symbol(request: V2Request) -> Payload:
    """``GET CfgRequestSymbol/{symbol}``.

    Args:
        request: The call.

    Returns:
        One ``MT4SymbolConfig``.
    """
    return Payload(symbol_record(request, symbol_index(request)))


def symbol_info_get(request: V2Request) -> Payload:
    """``GET SymbolInfoGet?symbol=``: market data of one symbol.

    Args:
        request: The call.

    Returns:
        One ``MT4SymbolInfo``.
    """
    raw = query_value(request.query, "symbol")
    if raw is None:
        raise ApiFailure.validation("symbol is required.")
    index = symbol_index(request, raw)
    control = request.control
    quote = control.feed.quote(index)
    day = control.charts.day_range(index, request.now)
    return Payload(mt4_symbol_info(control.feed.symbols[index], quote, day, control.charts.direction(index)))


def symbol_sessions_get(request: V2Request) -> Payload:
    """``GET SymbolSessionsGet/{symbol}``: quote and trade sessions per weekday.

    Args:
        request: The call.

    Returns:
        Seven ``MT4SymbolDaySessions``, Sunday first.
    """
    spec = request.control.feed.symbols[symbol_index(request)]
    return Payload([mt4_day_sessions(day) for day in sessions(spec)])


OPERATIONS = (
    Operation("GET", "ServerTime", server_time, error_data=DOTNET_MIN_DATE_TEXT),
    Operation("GET", "TickInfoLast", tick_info_last_all),
    Operation("GET", "TickInfoLast/{symbol}", tick_info_last),
    Operation("GET", "CfgRequestSymbol", cfg_symbols),
    Operation("GET", "CfgRequestSymbol/{symbol}", cfg_symbol),
    Operation("GET", "SymbolInfoGet", symbol_info_get),
    Operation("GET", "SymbolSessionsGet/{symbol}", symbol_sessions_get),
)
