"""v2 market operations: server time, last ticks and symbol configuration.

Imports: ``desktop.simulator`` (``dto``, ``envelope``, ``operation``, ``wire``). Registered by
``rest_v2``.

Symbols are looked up exactly, then ignoring case (the answer carries the catalogue
spelling). ``ServerTime`` reports UTC; on error its ``data`` is .NET's ``default(DateTime)``
because ``DateTimeApiResponse.data`` is not nullable in the spec.
"""

from __future__ import annotations

from desktop.simulator.dto import mt4_symbol_config, mt4_tick_info
from desktop.simulator.envelope import ApiFailure, Payload
from desktop.simulator.operation import Operation, V2Request, symbol_param
from desktop.simulator.wire import DOTNET_MIN_DATE_TEXT, iso_utc


def _symbol_index(request: V2Request) -> int:
    name = symbol_param(request.params["symbol"])
    index = request.control.feed.resolve(name)
    if index is None:
        raise ApiFailure.not_found(f"Symbol '{name}' not found.")
    return index


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
    index = _symbol_index(request)
    feed = request.control.feed
    return Payload(mt4_tick_info(feed.symbols[index], *feed.quote(index)))


def cfg_symbols(request: V2Request) -> Payload:
    """``GET CfgRequestSymbol``: every symbol's configuration.

    Args:
        request: The call.

    Returns:
        A list of ``MT4SymbolConfig``.
    """
    return Payload([mt4_symbol_config(spec) for spec in request.control.feed.symbols])


def cfg_symbol(request: V2Request) -> Payload:
    """``GET CfgRequestSymbol/{symbol}``.

    Args:
        request: The call.

    Returns:
        One ``MT4SymbolConfig``.
    """
    return Payload(mt4_symbol_config(request.control.feed.symbols[_symbol_index(request)]))


OPERATIONS = (
    Operation("GET", "ServerTime", server_time, error_data=DOTNET_MIN_DATE_TEXT),
    Operation("GET", "TickInfoLast", tick_info_last_all),
    Operation("GET", "TickInfoLast/{symbol}", tick_info_last),
    Operation("GET", "CfgRequestSymbol", cfg_symbols),
    Operation("GET", "CfgRequestSymbol/{symbol}", cfg_symbol),
)
