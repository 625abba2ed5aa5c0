"""v2 account reads: users (paged, single and batch) and margin levels.

Imports: ``desktop.simulator`` (``book``, ``rest.v2.dto.mt4``, ``rest.pipeline.envelope``,
``rest.pipeline.operation``). Registered by
``rest.pipeline.v2``.

``…Get`` (pump cache) and ``…Request`` (live) read the same state here: the simulator has
no pump lag. ``UserRecordsRequest?logins=…`` answers the known logins in request order
(duplicates once), silently omitting unknown ones; no ``logins`` gives an empty list; a
login that is not an int32 ≥ 1 is ``Validation``. Following the spec, ``MarginLevelGet``
answers ``NotFound`` for an account without open positions (the pump keeps margin only
for those) and ``MarginsGet`` lists only such accounts; ``MarginLevelRequest`` answers for
every account.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Paging, Payload
from desktop.simulator.rest.pipeline.operation import (
    Operation,
    V2Request,
    cursor_param,
    encode_cursor,
    limit_param,
    login_param,
)
from desktop.simulator.rest.pipeline.params import int32_values
from desktop.simulator.rest.v2.dto.mt4 import mt4_margin_level, mt4_user
from desktop.simulator.world.mt4.accounts import Account
from desktop.simulator.world.mt4.book import UnknownLogin


def _account(request: V2Request) -> Account:
    login = login_param(request.params["login"])
    try:
        return request.control.book.get(login)
    except UnknownLogin:
        raise ApiFailure.not_found(f"Account {login} not found.") from None


def users_request(request: V2Request) -> Payload:
    """``GET UsersRequest``: accounts by ascending login, cursor-paged.

    Args:
        request: The call.

    Returns:
        A page of ``MT4User`` with paging metadata.
    """
    limit = limit_param(request.query)
    after = cursor_param(request.query)
    page, has_more = request.control.book.page_after(after, limit)
    cursor = encode_cursor(page[-1].login) if has_more and page else None
    return Payload([mt4_user(a) for a in page], Paging(cursor, cursor is not None))


def user_record(request: V2Request) -> Payload:
    """``GET UserRecordGet/{login}`` and ``UserRecordRequest/{login}``.

    Args:
        request: The call.

    Returns:
        One ``MT4User``.
    """
    return Payload(mt4_user(_account(request)))


def user_records_request(request: V2Request) -> Payload:
    """``GET UserRecordsRequest?logins=…``: a batch of accounts (unknown logins omitted).

    Args:
        request: The call.

    Returns:
        A list of ``MT4User``.
    """
    book = request.control.book
    found = [book.find(login) for login in dict.fromkeys(int32_values(request.query, "logins"))]
    return Payload([mt4_user(account) for account in found if account is not None])


def _margin(request: V2Request, account: Account) -> dict[str, Any]:
    book = request.control.book
    return mt4_margin_level(account, book.group_of(account), book.state(account), request.now)


def margins_get(request: V2Request) -> Payload:
    """``GET MarginsGet``: margin levels of every account with open positions.

    Args:
        request: The call.

    Returns:
        A list of ``MT4MarginLevel`` in login order.
    """
    book = request.control.book
    page, _ = book.page_after(0, None)
    return Payload([_margin(request, a) for a in page if a.positions])


def margin_level_get(request: V2Request) -> Payload:
    """``GET MarginLevelGet/{login}`` (pump: NotFound without open positions).

    Args:
        request: The call.

    Returns:
        One ``MT4MarginLevel``.
    """
    account = _account(request)
    if not account.positions:
        raise ApiFailure.not_found(f"No margin level cached for account {account.login} (no open trades).")
    return Payload(_margin(request, account))


def margin_level_request(request: V2Request) -> Payload:
    """``GET MarginLevelRequest/{login}`` (live: any account).

    Args:
        request: The call.

    Returns:
        One ``MT4MarginLevel``.
    """
    return Payload(_margin(request, _account(request)))


OPERATIONS = (
    Operation("GET", "UsersRequest", users_request),
    Operation("GET", "UserRecordGet/{login}", user_record),
    Operation("GET", "UserRecordRequest/{login}", user_record),
    Operation("GET", "UserRecordsRequest", user_records_request),
    Operation("GET", "MarginsGet", margins_get),
    Operation("GET", "MarginLevelGet/{login}", margin_level_get),
    Operation("GET", "MarginLevelRequest/{login}", margin_level_request),
)
