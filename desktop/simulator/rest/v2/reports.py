"""v2 reports: closed-trade reports, daily account reports and server performance.

Imports: stdlib and ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.dto``, ``world``).
Registered by ``rest.pipeline.v2``. The figures' rules are in ``world.mt4.reports``.

* ``ReportsRequest?from=&to=&logins=&name=``: the closed trades (buys and sells, not deleted
  orders or balance records) of the given logins whose close time lies in ``[from, to]``
  (default: everything up to now), by ticket; unknown logins are omitted. ``name`` empty or
  ``RTL_report`` (any case) is the only template; another → ``NotFound``.
* ``DailyReportsRequest?from=&to=&logins=&name=``: the rows of every complete day whose start
  lies in ``[from, to]`` (default ``to`` = now, ``from`` = the start of the 30th day before), by login
  then day, at most 100 000 rows; ``name`` is not used.
* ``PerformanceRequest?from=``: the kept snapshots at or after ``from`` (default: all kept).
Malformed date-times or logins → ``Validation``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_HISTORY, Operation, V2Request
from desktop.simulator.rest.pipeline.params import int32_values, query_value, time_param
from desktop.simulator.rest.v2.dto.mail import mt4_daily_report, mt4_performance
from desktop.simulator.rest.v2.dto.trades import mt4_trade
from desktop.simulator.world.mt4 import reports
from desktop.simulator.world.mt4.reports import DAY

DEFAULT_TEMPLATE = "RTL_report"
DEFAULT_DAYS = 30
MAX_ROWS = 100_000


def _logins(request: V2Request) -> list[int]:
    accounts = request.control.book.accounts
    return [login for login in dict.fromkeys(int32_values(request.query, "logins")) if login in accounts]


def reports_request(request: V2Request) -> Payload:
    """``GET ReportsRequest``: closed trades of some accounts in a window.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Trade`` by ticket.
    """
    name = query_value(request.query, "name") or ""
    if name and name.lower() != DEFAULT_TEMPLATE.lower():
        raise ApiFailure.not_found(f"Report template '{name}' not found.")
    start, end = time_param(request.query, "from"), time_param(request.query, "to")
    trades = request.control.trades
    records = [r for login in _logins(request) for r in trades.history(login, start, end)
               if r.cmd < 2 and r.state != "Deleted"]  # fmt: skip
    return Payload([mt4_trade(record) for record in sorted(records, key=lambda record: record.order)])


def _closes(request: V2Request, start: int, end: int) -> Callable[[int], dict[int, float]]:
    charts = request.control.charts

    @cache
    def closes(index: int) -> dict[int, float]:
        return {int(bar[0]): bar[4] for bar in charts.bars(index, "D1", start, end, "RangeIn")}

    return closes


def daily_reports_request(request: V2Request) -> Payload:
    """``GET DailyReportsRequest``: end-of-day figures of some accounts.

    Args:
        request: The call.

    Returns:
        A list of ``MT4DailyReport`` by login, then day.
    """
    end = time_param(request.query, "to")
    last = min(request.now if end is None else end, request.now)
    start = time_param(request.query, "from")
    first = (int(last) // DAY - DEFAULT_DAYS) * DAY if start is None else start
    begin = request.control.charts.history.begin
    first_day = max(-(-int(first) // DAY) * DAY, begin)
    days = range(first_day, int(last) // DAY * DAY - DAY + 1, DAY)  # complete days only
    feed = request.control.feed
    spreads = [feed.base_spread(index) for index in range(len(feed.symbols))]
    closes = _closes(request, first_day, first_day + len(days) * DAY)
    book = request.control.book
    rows = [row for login in _logins(request)
            for row in reports.daily_rows(book, book.accounts[login], days, closes, spreads)]  # fmt: skip
    return Payload([mt4_daily_report(row) for row in rows[:MAX_ROWS]])


def performance_request(request: V2Request) -> Payload:
    """``GET PerformanceRequest?from=``: server resource snapshots.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Performance``, oldest first.
    """
    start = time_param(request.query, "from")
    online = len(request.control.book.online)
    return Payload([mt4_performance(s) for s in reports.samples(online, start, request.now)])


OPERATIONS = (
    Operation("GET", "ReportsRequest", reports_request, timeout=TIMEOUT_HISTORY),
    Operation("GET", "DailyReportsRequest", daily_reports_request, timeout=TIMEOUT_HISTORY),
    Operation("GET", "PerformanceRequest", performance_request, timeout=TIMEOUT_HISTORY),
)
