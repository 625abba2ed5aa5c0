"""v2 dealing reads: live trade records, market trades, the stops pre-flight, and group-wide admin lists.

Imports: stdlib and ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.dto``, ``rest.v2.trading``,
``world.mt4``). Registered by ``rest.pipeline.v2``.

* ``TradeRecordRequest/{order}`` reads what ``TradeRecordGet`` reads (the simulator's "cache"
  is the server itself): open, pending or closed; unknown → ``NotFound``.
* ``TradeRecordsRequest?orders=`` answers the known tickets in request order, duplicates once,
  unknown ones omitted; no ``orders`` → an empty list.
* ``TradesGetByMarket`` lists open market positions (no pending orders) by ticket.
* ``TradeCheckStops`` (body ``MT4TradeTransaction``) answers ``true`` when the SL/TP (and a
  pending order's price and expiration, at least 10 minutes ahead) pass the checks
  ``TradeTransaction`` would make, ``false`` when they do not (a success envelope: the check
  ran). With ``order`` the symbol and command are the open trade's; else ``symbol`` is
  required. ``?price`` is the market price to check against (bid and ask alike) instead of
  the current quote. Unknown symbol or ticket → ``NotFound``.
* ``AdmTradesRequest/{group}?openOnly=`` lists the trades of a group's accounts: open trades
  (default ``openOnly=true``), else also their history (closed trades, deleted orders,
  balance and credit records). ``AdmUsersRequestSafe/{group}`` lists a group's accounts as
  ``MT4User``; the group may be a comma-separated list. Group names are exact; an unknown
  group → ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_TRADE, Operation, V2Request
from desktop.simulator.rest.pipeline.params import group_param, int32_values, query_value, ticket_param
from desktop.simulator.rest.v2.dto.mt4 import mt4_user
from desktop.simulator.rest.v2.dto.trades import mt4_trade
from desktop.simulator.rest.v2.trading import COMMANDS, parse_transaction
from desktop.simulator.world.mt4.accounts import GROUPS
from desktop.simulator.world.mt4.rules import TradeRefused, check_pending_price, check_stops
from desktop.simulator.world.mt4.trades import TradeRecord

#: A pending order's expiration must lie this far ahead for ``TradeCheckStops`` (seconds).
MIN_EXPIRATION = 600


def trade_record_request(request: V2Request) -> Payload:
    """``GET TradeRecordRequest/{order}``: an open or closed trade record, live.

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


def trade_records_request(request: V2Request) -> Payload:
    """``GET TradeRecordsRequest?orders=``: the known records of a batch of tickets.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Trade``.
    """
    tickets = dict.fromkeys(int32_values(request.query, "orders"))
    records = (request.control.trades.get(ticket) for ticket in tickets)
    return Payload([mt4_trade(record) for record in records if record is not None])


def trades_get_by_market(request: V2Request) -> Payload:
    """``GET TradesGetByMarket``: every open market position (no pending orders).

    Args:
        request: The call.

    Returns:
        A list of ``MT4Trade`` by ticket.
    """
    return Payload([mt4_trade(r) for r in request.control.trades.open_trades() if r.cmd < 2])


def _price_override(query: Mapping[str, str]) -> float | None:
    raw = query_value(query, "price")
    if raw is None or raw == "":
        return None
    try:
        price = float(raw)
    except ValueError:
        raise ApiFailure.validation(f"The value '{raw}' is not valid for price.") from None
    if not price > 0:
        raise ApiFailure.validation("price must be positive.")
    return price


def _stops_target(request: V2Request, tx: dict[str, Any]) -> tuple[int, int, float]:
    """Return the command, symbol index and order price a ``TradeCheckStops`` body is about."""
    command, symbol, price = COMMANDS.index(tx["tradeCommand"]), tx["symbol"], tx["price"]
    if tx["order"] > 0:
        record = request.control.trades.get(tx["order"])
        if record is None or not record.is_open:
            raise ApiFailure.not_found(f"No open trade or order #{tx['order']}.")
        command, symbol, price = record.cmd, record.symbol, price or record.open_price
    if not symbol:
        raise ApiFailure.validation("symbol (or order) is required.")
    if command > 5:
        raise ApiFailure.validation("tradeCommand must be a trade or order command.")
    index = request.control.feed.resolve(symbol)
    if index is None:
        raise ApiFailure.not_found(f"Symbol '{symbol}' not found.")
    return command, index, price


def _expires_too_soon(command: int, expiration: str, now: float) -> bool:
    if command < 2 or expiration.startswith("1970-"):
        return False
    return datetime.fromisoformat(expiration).timestamp() < now + MIN_EXPIRATION


def trade_check_stops(request: V2Request) -> Payload:
    """``POST TradeCheckStops?price=``: would these stops pass the trade server's checks?

    Args:
        request: The call.

    Returns:
        ``true`` or ``false``.
    """
    tx = parse_transaction(request.body, default_type="OpenMarket")  # the type does not matter here
    command, index, price = _stops_target(request, tx)
    spec = request.control.feed.symbols[index]
    bid, ask, _ = request.control.feed.quote(index)
    market = _price_override(request.query)
    if market is not None:
        bid = ask = market
    price = round(price, spec.digits)
    try:
        if command > 1:
            check_pending_price(spec, command, price, bid, ask)
        reference = price if command > 1 else (bid if command == 0 else ask)
        check_stops(spec, command % 2 == 0, reference, round(tx["sl"], spec.digits), round(tx["tp"], spec.digits))
    except TradeRefused:
        return Payload(False)
    return Payload(not _expires_too_soon(command, tx["expiration"], request.now))


def _groups(raw: str) -> set[str]:
    names = {part.strip() for part in raw.split(",") if part.strip()}
    if not names:
        raise ApiFailure.validation("group is required.")
    known = {group.name for group in GROUPS}
    unknown = sorted(names - known)
    if unknown:
        raise ApiFailure.not_found(f"Group '{unknown[0]}' not found.")
    return names


def _open_only(query: Mapping[str, str]) -> bool:
    raw = query_value(query, "openOnly")
    if raw is None or raw == "":
        return True
    if raw.lower() not in ("true", "false"):
        raise ApiFailure.validation(f"The value '{raw}' is not valid for openOnly.")
    return raw.lower() == "true"


def adm_trades_request(request: V2Request) -> Payload:
    """``GET AdmTradesRequest/{group}?openOnly=``: trades of a group's accounts.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Trade``: open ones by ticket, then (``openOnly=false``) history by close time.
    """
    groups = _groups(group_param(request.params["group"]))
    open_only = _open_only(request.query)
    book, trades = request.control.book, request.control.trades
    logins = sorted(login for login, account in book.accounts.items() if account.group in groups)
    records: list[TradeRecord] = [r for login in logins for r in trades.of_login(login)]
    records.sort(key=lambda record: record.order)
    if not open_only:
        history = [r for login in logins for r in trades.history(login)]
        records += sorted(history, key=lambda record: (record.close_time, record.order))
    return Payload([mt4_trade(record) for record in records])


def adm_users_request_safe(request: V2Request) -> Payload:
    """``GET AdmUsersRequestSafe/{group}``: a group's accounts.

    Args:
        request: The call.

    Returns:
        A list of ``MT4User`` by login.
    """
    groups = _groups(group_param(request.params["group"]))
    accounts = request.control.book.accounts
    return Payload([mt4_user(accounts[login]) for login in sorted(accounts) if accounts[login].group in groups])


OPERATIONS = (
    Operation("GET", "TradeRecordRequest/{order}", trade_record_request),
    Operation("GET", "TradeRecordsRequest", trade_records_request),
    Operation("GET", "TradesGetByMarket", trades_get_by_market),
    Operation("POST", "TradeCheckStops", trade_check_stops, timeout=TIMEOUT_TRADE, error_data=False, writes=False),
    Operation("GET", "AdmTradesRequest/{group}", adm_trades_request),
    Operation("GET", "AdmUsersRequestSafe/{group}", adm_users_request_safe),
)
