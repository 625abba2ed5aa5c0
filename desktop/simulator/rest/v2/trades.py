"""v2 trade reads: open trades (paged and filtered), single records and account history.

Imports: ``desktop.simulator`` (``book``, ``rest.v2.dto.trades``, ``rest.pipeline.envelope``,
``rest.pipeline.operation``,
``rest.pipeline.params``, ``trades``). Registered by ``rest.pipeline.v2``.

"Open trades" are open positions and pending orders, by ascending ticket (``TradesGet``,
``TradesRequest`` are cursor-paged by ticket like ``UsersRequest`` by login).
``TradesGet/{ticket}`` knows only open trades; ``TradeRecordGet/{order}`` also closed ones
(the simulator's cache never forgets them). ``TradesGetByLogin/{login}/{group}`` answers an
empty list when the login is unknown or not in that group (the pump keys trades by both);
``TradesGetBySymbol`` needs ``?symbol`` (unknown → ``NotFound``); ``TradesRequest?group=``
filters by exact, case-sensitive group. ``TradesUserHistory/{login}`` lists closed trades,
deleted pending orders and balance/credit records whose close time lies in
``[fromTime, toTime]`` (both optional), ordered by close time; unknown login → ``NotFound``.
"""

from __future__ import annotations

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_HISTORY, Operation, V2Request, login_param, symbol_param
from desktop.simulator.rest.pipeline.params import group_param, paged, query_value, ticket_param, time_param
from desktop.simulator.rest.v2.dto.trades import mt4_trade
from desktop.simulator.world.mt4.book import UnknownLogin
from desktop.simulator.world.mt4.trades import TradeRecord


def _order(record: TradeRecord) -> int:
    return record.order


def trades_get(request: V2Request) -> Payload:
    """``GET TradesGet``: open trades and orders by ticket, cursor-paged.

    Args:
        request: The call.

    Returns:
        A page of ``MT4Trade``.
    """
    return paged(request.control.trades.open_trades(), _order, request.query, mt4_trade)


def trades_request(request: V2Request) -> Payload:
    """``GET TradesRequest``: like ``TradesGet``, optionally for one group (exact name).

    Args:
        request: The call.

    Returns:
        A page of ``MT4Trade``.
    """
    group = query_value(request.query, "group")
    records = request.control.trades.open_trades()
    if group:
        book = request.control.book
        records = [r for r in records if (a := book.find(r.login)) is not None and a.group == group]
    return paged(records, _order, request.query, mt4_trade)


def trades_get_ticket(request: V2Request) -> Payload:
    """``GET TradesGet/{ticket}``: one open trade or order.

    Args:
        request: The call.

    Returns:
        One ``MT4Trade``.
    """
    ticket = ticket_param(request.params["ticket"], "ticket")
    record = request.control.trades.get(ticket)
    if record is None or not record.is_open:
        raise ApiFailure.not_found(f"No open trade #{ticket}.")
    return Payload(mt4_trade(record))


def trade_record_get(request: V2Request) -> Payload:
    """``GET TradeRecordGet/{order}``: an open or closed trade record.

    Args:
        request: The call.

    Returns:
        One ``MT4Trade``.
    """
    order = ticket_param(request.params["order"])
    record = request.control.trades.get(order)
    if record is None:
        raise ApiFailure.not_found(f"Trade #{order} not found.")
    return Payload(mt4_trade(record))


def trades_by_login(request: V2Request) -> Payload:
    """``GET TradesGetByLogin/{login}/{group}``: one account's open trades and orders.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Trade`` (empty for an unknown login or another group).
    """
    login = login_param(request.params["login"])
    group = group_param(request.params["group"])
    account = request.control.book.find(login)
    if account is None or account.group != group:
        return Payload([])
    return Payload([mt4_trade(r) for r in request.control.trades.of_login(login)])


def trades_by_symbol(request: V2Request) -> Payload:
    """``GET TradesGetBySymbol?symbol=``: open trades and orders on one symbol.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Trade``.
    """
    raw = query_value(request.query, "symbol")
    if raw is None:
        raise ApiFailure.validation("symbol is required.")
    index = request.control.feed.resolve(symbol_param(raw))
    if index is None:
        raise ApiFailure.not_found(f"Symbol '{raw}' not found.")
    name = request.control.feed.symbols[index].name
    return Payload([mt4_trade(r) for r in request.control.trades.open_trades() if r.symbol == name])


def trades_user_history(request: V2Request) -> Payload:
    """``GET TradesUserHistory/{login}?fromTime=&toTime=``: closed trades and balance records.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Trade`` by close time.
    """
    login = login_param(request.params["login"])
    start, end = time_param(request.query, "fromTime"), time_param(request.query, "toTime")
    try:
        request.control.book.get(login)
    except UnknownLogin:
        raise ApiFailure.not_found(f"Account {login} not found.") from None
    return Payload([mt4_trade(r) for r in request.control.trades.history(login, start, end)])


OPERATIONS = (
    Operation("GET", "TradesGet", trades_get),
    Operation("GET", "TradesGet/{ticket}", trades_get_ticket),
    Operation("GET", "TradesRequest", trades_request),
    Operation("GET", "TradesGetByLogin/{login}/{group}", trades_by_login),
    Operation("GET", "TradesGetBySymbol", trades_by_symbol),
    Operation("GET", "TradeRecordGet/{order}", trade_record_get),
    Operation("GET", "TradesUserHistory/{login}", trades_user_history, timeout=TIMEOUT_HISTORY),
)
