"""v2 price history: chart bars (``ChartRequest``) and historical ticks (``TicksRequest``).

Imports: ``desktop.simulator`` (``charts``, ``rest.v2.dto.market``, ``rest.pipeline.envelope``,
``rest.pipeline.operation``,
``rest.pipeline.params``, ``rest.v2.market``). Registered by ``rest.pipeline.v2``.

``ChartRequest/{symbol}`` needs ``?period`` (a ``ChartPeriod`` name in any case, ``MN1``
included, or its minutes, e.g. ``60``); ``?start`` defaults to the beginning of the
history and ``?end`` to now; ``?mode`` is a ``RequestMode`` (default
``RangeInExcludeOutOfRage``). ``TicksRequest/{symbol}`` takes the same window and
``?flags`` (``Raw``, ``Normal``, ``All``; default ``All`` — the simulator does not filter
ticks, so every flag selects every tick). ``start`` after ``end`` answers an empty list.
How bars and ticks are made is described in ``charts`` and ``world.market.tick_history``.
"""

from __future__ import annotations

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_HISTORY, Operation, V2Request
from desktop.simulator.rest.pipeline.params import enum_param, enum_value, query_value, time_param
from desktop.simulator.rest.v2.dto.market import mt4_chart_bar, mt4_tick_record
from desktop.simulator.rest.v2.market import symbol_index
from desktop.simulator.world.market.charts import MODES, PERIODS

_TICK_FLAGS = ("Raw", "Normal", "All")


def _period(request: V2Request) -> str:
    raw = query_value(request.query, "period")
    if raw is None or raw == "":
        raise ApiFailure.validation("period is required.")
    if raw.strip().isdigit():
        by_minutes = {str(minutes): name for name, minutes in PERIODS.items()}
        if raw.strip() not in by_minutes:
            raise ApiFailure.validation(f"'{raw}' is not a valid period.")
        return by_minutes[raw.strip()]
    return enum_value(raw, tuple(PERIODS), "period")


def _window(request: V2Request) -> tuple[float, float]:
    start = time_param(request.query, "start")
    end = time_param(request.query, "end")
    return (0.0 if start is None else start), (request.now if end is None else end)


def chart_request(request: V2Request) -> Payload:
    """``GET ChartRequest/{symbol}?period=&start=&end=&mode=``.

    Args:
        request: The call.

    Returns:
        A list of ``MT4ChartBar`` by time.
    """
    index = symbol_index(request)
    period = _period(request)
    start, end = _window(request)
    mode = enum_param(request.query, "mode", MODES, "RangeInExcludeOutOfRage")
    if start > end and mode != "RangeLast":
        return Payload([])
    bars = request.control.charts.bars(index, period, start, end, mode)
    return Payload([mt4_chart_bar(bar) for bar in bars])


def ticks_request(request: V2Request) -> Payload:
    """``GET TicksRequest/{symbol}?start=&end=&flags=``.

    Args:
        request: The call.

    Returns:
        A list of ``MT4TickRecord`` by time.
    """
    index = symbol_index(request)
    start, end = _window(request)
    enum_param(request.query, "flags", _TICK_FLAGS, "All")
    if start > end:
        return Payload([])
    return Payload([mt4_tick_record(tick) for tick in request.control.charts.ticks(index, start, end)])


OPERATIONS = (
    Operation("GET", "ChartRequest/{symbol}", chart_request, timeout=TIMEOUT_HISTORY),
    Operation("GET", "TicksRequest/{symbol}", ticks_request, timeout=TIMEOUT_HISTORY),
)
