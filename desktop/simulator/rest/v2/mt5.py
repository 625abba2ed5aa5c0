"""The MT5 v2 operations (``/api/v2/MT5/{tradePlatform}/…``) over the seeded MT5 book.

Imports: ``desktop.simulator`` (``rest.v2.dto.mt5``, ``rest.v2.dto.mt5_symbol``, ``rest.pipeline.envelope``, ``mt5``,
``rest.pipeline.operation``, ``rest.pipeline.params``, ``rest.v2.users``, ``users``, ``wire``). Registered by
``rest.pipeline.v2``
under ``MT5_PREFIX``; the platform in the path must be ``mt5.MT5_PLATFORM_ID``.

``UserGet/{login}`` (int64 ≥ 1; unknown → ``NotFound``); ``PATCH UserRecord/{login}``: JSON
merge patch of the writable ``MT5User`` fields (``group``, ``name``, ``company``, address and
contact fields, ``eMail``, ``comment``, ``color``, ``leverage``, ``account``, ``language``,
``id``, ``status``, ``agent``, ``leadCampaign``, ``leadSource``, ``clientID``, ``firstName``,
``lastName``, ``middleName``, ``rights``); unknown and read-only keys (balance, credit,
dates …) are ignored; wrong JSON types or unknown ``rights`` names → ``Validation``;
values the server refuses (unknown group, leverage < 1, text too long, negative numbers) →
``MT5Error``/``InvalidData``. ``GroupGet`` and ``SymbolGet`` match names exactly (symbols
also ignoring case, like MT4); ``PositionByGroup``/``OrderByGroup``/``DealByGroup`` take a
group mask (see ``mt5``; empty → ``Validation``) and page by position id / order / deal
ticket; ``OrderByGroup`` lists the active (placed) orders, ``DealByGroup`` every deal.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import (
    TIMEOUT_CHANGE,
    TIMEOUT_HISTORY,
    Operation,
    V2Request,
    symbol_param,
)
from desktop.simulator.rest.pipeline.params import login64_param, paged
from desktop.simulator.rest.v2.dto.mt5 import mt5_deal, mt5_group, mt5_manager, mt5_order, mt5_position, mt5_user
from desktop.simulator.rest.v2.dto.mt5_symbol import mt5_symbol
from desktop.simulator.rest.v2.users import object_body
from desktop.simulator.wire import DOTNET_MIN_DATE_TEXT, iso_utc
from desktop.simulator.world.mt4 import users
from desktop.simulator.world.mt5.platform import USER_RIGHTS, Mt5User, parse_flags
from desktop.simulator.world.mt5.platform import mt5_group as find_group

#: Path of every v2 MT5 operation, before the action.
MT5_PREFIX = "/api/v2/MT5/{tradePlatform}/"
_T = users.Field
MT5_FIELDS = {
    "group": _T("group", "text", 64), "name": _T("name_override", "text", 128), "company": _T("company", "text", 64),
    "country": _T("country", "text", 32), "city": _T("city", "text", 32), "state": _T("state", "text", 32),
    "zipCode": _T("zip_code", "text", 16), "phone": _T("phone", "text", 32), "eMail": _T("email", "text", 64),
    "comment": _T("comment", "text", 64), "color": _T("color", "int32"), "leverage": _T("leverage", "int32"),
    "account": _T("account", "text", 32), "language": _T("language", "int32"), "address": _T("address", "text", 128),
    "id": _T("id_document", "text", 32), "status": _T("status", "text", 16), "agent": _T("agent", "int64"),
    "leadCampaign": _T("lead_campaign", "text", 32), "leadSource": _T("lead_source", "text", 32),
    "clientID": _T("client_id", "int64"), "firstName": _T("first_name", "text", 64),
    "lastName": _T("last_name", "text", 64), "middleName": _T("middle_name", "text", 64),
}  # fmt: skip


def _user(request: V2Request) -> Mt5User:
    login = login64_param(request.params["login"])
    user = request.control.mt5.users.get(login)
    if user is None:
        raise ApiFailure.not_found(f"User {login} not found.")
    return user


def _user_dto(request: V2Request, user: Mt5User) -> dict[str, Any]:
    return mt5_user(user, (user.balance_cents + user.credit_cents) / 100)


def _mt5_error(message: str) -> ApiFailure:
    return ApiFailure("MT5Error", message, "InvalidData")


def server_time(request: V2Request) -> Payload:
    """``GET ServerTime`` (UTC)."""
    return Payload(iso_utc(request.now))


def manager_current(request: V2Request) -> Payload:
    """``GET ManagerCurrent``: the manager account the simulator connects with."""
    return Payload(mt5_manager())


def user_get(request: V2Request) -> Payload:
    """``GET UserGet/{login}``."""
    return Payload(_user_dto(request, _user(request)))


def _check(values: dict[str, Any]) -> None:
    for name, field in MT5_FIELDS.items():
        value = values.get(field.attribute)
        if field.kind == "text" and value is not None and len(value) > field.limit:
            raise _mt5_error(f"{name} is longer than {field.limit} characters.")
    if "group" in values and find_group(values["group"]) is None:
        raise _mt5_error(f"Group '{values['group']}' does not exist.")
    if "leverage" in values and values["leverage"] < 1:
        raise _mt5_error(f"Invalid leverage {values['leverage']}.")
    if min(values.get("language", 0), values.get("agent", 0), values.get("client_id", 0)) < 0:
        raise _mt5_error("language, agent and clientID must not be negative.")


def user_patch(request: V2Request) -> Payload:
    """``PATCH UserRecord/{login}``: merge patch of an MT5 user."""
    user = _user(request)
    body = object_body(request.body, "JSON merge patch")
    try:
        values = users.coerce(body, MT5_FIELDS)
        if "rights" in body:
            values["rights"] = parse_flags(body["rights"], USER_RIGHTS)
    except (users.BadField, ValueError) as exc:
        raise ApiFailure.validation(str(exc)) from None
    _check(values)
    for attribute, value in values.items():
        setattr(user, attribute, value)
    return Payload(_user_dto(request, user))


def group_get(request: V2Request) -> Payload:
    """``GET GroupGet/{group}`` (exact name)."""
    name = request.params["group"]
    group = find_group(name)
    if group is None:
        raise ApiFailure.not_found(f"Group '{name}' not found.")
    return Payload(request.control.mt5.config.group(group.name, mt5_group(group)))


def symbol_get(request: V2Request) -> Payload:
    """``GET SymbolGet/{symbol}``."""
    name = symbol_param(request.params["symbol"])
    index = request.control.feed.resolve(name)
    if index is None:
        raise ApiFailure.not_found(f"Symbol '{name}' not found.")
    spec = request.control.feed.symbols[index]
    return Payload(request.control.mt5.config.symbol(spec.name, mt5_symbol(spec)))


def _mask(request: V2Request) -> set[int]:
    mask = request.params["mask"].strip()
    if not mask:
        raise ApiFailure.validation("mask must not be empty.")
    return request.control.mt5.logins_in(mask)


def positions_by_group(request: V2Request) -> Payload:
    """``GET PositionByGroup/{mask}``: open positions, paged by position id."""
    logins, book = _mask(request), request.control.mt5
    feed = request.control.feed
    items = sorted((p for p in book.positions if p.login in logins), key=lambda p: p.position)
    currency = {login: find_group(book.users[login].group) for login in logins}

    def build(position: Any) -> object:
        group = currency[position.login]
        return mt5_position(feed, position, group.currency if group is not None else "USD")

    return paged(items, lambda p: p.position, request.query, build)


def orders_by_group(request: V2Request) -> Payload:
    """``GET OrderByGroup/{mask}``: active (placed) orders, paged by ticket."""
    logins, feed = _mask(request), request.control.feed
    items = sorted((o for o in request.control.mt5.orders if o.login in logins and o.state == "Placed"),
                   key=lambda o: o.order)  # fmt: skip
    return paged(items, lambda o: o.order, request.query, lambda o: mt5_order(feed, o))


def deals_by_group(request: V2Request) -> Payload:
    """``GET DealByGroup/{mask}``: every deal, paged by ticket."""
    logins, feed = _mask(request), request.control.feed
    items = sorted((d for d in request.control.mt5.deals if d.login in logins), key=lambda d: d.deal)
    return paged(items, lambda d: d.deal, request.query, lambda d: mt5_deal(feed, d))


OPERATIONS = (
    Operation("GET", "ServerTime", server_time, error_data=DOTNET_MIN_DATE_TEXT),
    Operation("GET", "ManagerCurrent", manager_current),
    Operation("GET", "UserGet/{login}", user_get),
    Operation("PATCH", "UserRecord/{login}", user_patch, timeout=TIMEOUT_CHANGE),
    Operation("GET", "GroupGet/{group}", group_get),
    Operation("GET", "SymbolGet/{symbol}", symbol_get),
    Operation("GET", "PositionByGroup/{mask}", positions_by_group),
    Operation("GET", "OrderByGroup/{mask}", orders_by_group),
    Operation("GET", "DealByGroup/{mask}", deals_by_group, timeout=TIMEOUT_HISTORY),
)
