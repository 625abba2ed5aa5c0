"""v2 back-office writes and checks: balance check and fix, direct trade edit, bulk trade deletion.

Imports: stdlib and ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.dto``, ``rest.v2.users``,
``world.mt4``). Registered by ``rest.pipeline.v2``. The rules are in ``world.mt4.admin``.

* ``AdmBalanceCheck/{login}`` answers the account's ``MT4BalanceDiff`` (``diff`` 0 = intact);
  unknown login → ``NotFound``. ``AdmBalanceCheck?logins=`` lists only the accounts with a
  non-zero diff (unknown logins omitted, like the other batch reads).
* ``AdmBalanceFix?logins=`` writes the diffs onto the accounts and answers ``true``; an empty
  list → ``Validation``, an unknown login → ``NotFound`` and nothing changed.
* ``AdmTradeRecordModify/{ticket}`` (body ``MT4TradeUpdate``; ``order`` ignored) answers the
  edited ``MT4Trade``; numbers must be JSON numbers, ``magic`` an int32, ``comment`` a string
  of at most 32 characters or null (cleared), else ``Validation``; unknown ticket → ``NotFound``.
* ``AdmTradesDelete?orders=`` deletes the tickets and answers ``true``; none → ``Validation``,
  an unknown ticket → ``NotFound`` and nothing deleted.
"""

from __future__ import annotations

import math
from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_CHANGE, Operation, V2Request, login_param
from desktop.simulator.rest.pipeline.params import int32_values, ticket_param
from desktop.simulator.rest.v2.dto.trades import mt4_trade
from desktop.simulator.rest.v2.trading import MAX_COMMENT
from desktop.simulator.rest.v2.users import object_body
from desktop.simulator.world.mt4 import admin
from desktop.simulator.world.mt4.book import UnknownLogin
from desktop.simulator.world.mt4.trade_request import UnknownOrder

_INT32 = (-(2**31), 2**31 - 1)
_NUMBERS = ("sl", "tp", "commission", "commissionAgent", "storage", "profit", "taxes")


def _diff(login: int, cents: int) -> dict[str, Any]:
    return {"login": login, "diff": cents / 100}


def adm_balance_check(request: V2Request) -> Payload:
    """``GET AdmBalanceCheck/{login}``: one account's balance integrity.

    Args:
        request: The call.

    Returns:
        One ``MT4BalanceDiff``.
    """
    login = login_param(request.params["login"])
    try:
        return Payload(_diff(login, admin.balance_diff_cents(request.control.book, login)))
    except UnknownLogin:
        raise ApiFailure.not_found(f"Account {login} not found.") from None


def adm_balance_check_batch(request: V2Request) -> Payload:
    """``GET AdmBalanceCheck?logins=``: the accounts whose balance does not add up.

    Args:
        request: The call.

    Returns:
        A list of ``MT4BalanceDiff`` (non-zero diffs only).
    """
    book = request.control.book
    logins = [login for login in dict.fromkeys(int32_values(request.query, "logins")) if login in book.accounts]
    diffs = ((login, admin.balance_diff_cents(book, login)) for login in logins)
    return Payload([_diff(login, cents) for login, cents in diffs if cents])


def _known_logins(request: V2Request) -> list[int]:
    logins = list(dict.fromkeys(int32_values(request.query, "logins")))
    if not logins:
        raise ApiFailure.validation("logins must name at least one account.")
    missing = [login for login in logins if login not in request.control.book.accounts]
    if missing:
        raise ApiFailure.not_found(f"Account {missing[0]} not found.")
    return logins


def adm_balance_fix(request: V2Request) -> Payload:
    """``POST AdmBalanceFix?logins=``: set the balances to what their histories add up to.

    Args:
        request: The call.

    Returns:
        ``true``.
    """
    for login in _known_logins(request):
        admin.fix_balance(request.control.book, login)
    return Payload(True)


def _trade_update(raw: bytes) -> dict[str, Any]:
    body = object_body(raw, "MT4TradeUpdate")
    changes: dict[str, Any] = {}
    for name in _NUMBERS:
        if name in body and body[name] is not None:
            value = body[name]
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                raise ApiFailure.validation(f"{name} must be a number.")
            changes[name] = float(value)
    if body.get("magic") is not None:
        magic = body["magic"]
        if not isinstance(magic, int) or isinstance(magic, bool) or not _INT32[0] <= magic <= _INT32[1]:
            raise ApiFailure.validation("magic must be a 32-bit integer.")
        changes["magic"] = magic
    if "comment" in body:
        comment = body["comment"]
        if comment is not None and not isinstance(comment, str):
            raise ApiFailure.validation("comment must be a string.")
        if comment is not None and len(comment) > MAX_COMMENT:
            raise ApiFailure.validation(f"comment must be at most {MAX_COMMENT} characters.")
        changes["comment"] = comment or ""
    return changes


def adm_trade_record_modify(request: V2Request) -> Payload:
    """``POST AdmTradeRecordModify/{ticket}``: edit a trade record directly.

    Args:
        request: The call.

    Returns:
        The edited ``MT4Trade``.
    """
    ticket = ticket_param(request.params["ticket"], "ticket")
    changes = _trade_update(request.body)
    try:
        return Payload(mt4_trade(admin.edit_trade(request.control.book, ticket, changes, request.now)))
    except UnknownOrder:
        raise ApiFailure.not_found(f"Trade #{ticket} not found.") from None


def adm_trades_delete(request: V2Request) -> Payload:
    """``POST AdmTradesDelete?orders=``: delete trades by ticket, all or nothing.

    Args:
        request: The call.

    Returns:
        ``true``.
    """
    tickets = int32_values(request.query, "orders")
    if not tickets:
        raise ApiFailure.validation("orders must name at least one ticket.")
    try:
        admin.delete_trades(request.control.book, tickets, request.now)
    except UnknownOrder as exc:
        raise ApiFailure.not_found(f"Trade #{exc.args[0]} not found.") from None
    return Payload(True)


OPERATIONS = (
    Operation("GET", "AdmBalanceCheck/{login}", adm_balance_check),
    Operation("GET", "AdmBalanceCheck", adm_balance_check_batch),
    Operation("POST", "AdmBalanceFix", adm_balance_fix, timeout=TIMEOUT_CHANGE, error_data=False),
    Operation("POST", "AdmTradeRecordModify/{ticket}", adm_trade_record_modify, timeout=TIMEOUT_CHANGE),
    Operation("POST", "AdmTradesDelete", adm_trades_delete, timeout=TIMEOUT_CHANGE, error_data=False),
)
