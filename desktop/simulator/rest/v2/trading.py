"""v2 ``TradeTransaction``: market and pending orders, closes, modifications, deletions, balance and credit.

Imports: stdlib, orjson and ``desktop.simulator`` (``book``, ``rest.pipeline.envelope``, ``rest.pipeline.operation``,
``rules``, ``world.mt4.trade_request``, ``trading``, ``wire``). Registered by ``rest.pipeline.v2``.

Input rules (contract §2.4): enum fields take names (any case) or their native numbers;
an empty ``tradeCommand`` means ``Buy`` and empty ``tradeRequestFlags`` means ``None``.
Unknown names, wrong JSON types, a negative ``order``/``orderBy``, a comment over 32 or a
symbol over 12 characters are ``Validation`` errors; unknown JSON properties are ignored.

``BrBalance`` with ``Balance`` or ``Credit``: ``orderBy`` is the login (≥ 1), ``price`` the
amount (rounded half up to cents, not 0; positive = in). A withdrawal above the free margin
or the balance, or a credit-out above the credit, is ``MT4Error``/``TradeNoMoney`` and
changes nothing. Trading transactions run in ``trading.TradeEngine`` (see there for the
checks and their ``managerCode``); opens need ``symbol`` and take ``orderBy`` as the account
(0 or absent = the platform's manager login, ``config.PLATFORM_MANAGER_LOGIN``: the spec requires
``orderBy`` only for balance and credit), closes/modifications/deletions need ``order`` (≥ 1). An
unknown login, symbol or ticket is ``NotFound``. The answer echoes the request with the
ticket in ``order``, the account in ``orderBy``, the trade's command, the catalogue symbol
name, and the price and volume actually used.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import orjson

from desktop.simulator.config import PLATFORM_MANAGER_LOGIN
from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_TRADE, Operation, V2Request
from desktop.simulator.wire import EPOCH_TEXT, iso_utc, to_cents
from desktop.simulator.world.mt4.book import NotEnoughMoney, UnknownLogin
from desktop.simulator.world.mt4.rules import TradeRefused
from desktop.simulator.world.mt4.trade_request import InvalidRequest, TradeRequest, UnknownOrder, UnknownSymbol
from desktop.simulator.world.mt4.trading import TradeEngine

TRANSACTION_TYPES = {
    "PricesGet": 0, "PricesRequote": 1, "OpenInstant": 64, "OpenRequest": 65, "OpenMarket": 66,
    "PendingOpen": 67, "CloseInstant": 68, "CloseRequest": 69, "CloseMarket": 70, "Modify": 71,
    "Delete": 72, "CloseBy": 73, "CloseAll": 74, "BrOpen": 75, "BrClose": 76, "BrDelete": 77,
    "BrCloseBy": 78, "BrCloseAll": 79, "BrModify": 80, "BrActivate": 81, "BrComment": 82, "BrBalance": 83,
}  # fmt: skip
COMMANDS = ("Buy", "Sell", "BuyLimit", "SellLimit", "BuyStop", "SellStop", "Balance", "Credit")
REQUEST_FLAGS = {"Signal": 1, "Expert": 2, "Gateway": 4, "Mobile": 8, "Web": 16, "API": 32}
MAX_COMMENT = 32
_INT32 = (-(2**31), 2**31 - 1)
#: Transaction types that open a trade or order (``orderBy`` 0 = the manager's own login).
OPENS = ("OpenMarket", "OpenInstant", "OpenRequest", "PendingOpen", "BrOpen")


def _enum(value: Any, names: dict[str, int], field: str, default: str) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        for name, number in names.items():
            if number == value:
                return name
    elif isinstance(value, str):
        for name in names:
            if name.lower() == value.strip().lower():
                return name
    raise ApiFailure.validation(f"'{value}' is not a valid {field}.")


def _flags(value: Any) -> str:
    if value is None or value == "" or value == 0:
        return "None"
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0 or value & ~63:
            raise ApiFailure.validation(f"'{value}' is not a valid tradeRequestFlags.")
        bits = value
    elif isinstance(value, str):
        bits = 0
        lowered = {name.lower(): bit for name, bit in REQUEST_FLAGS.items()}
        for part in (p.strip().lower() for p in value.split(",")):
            if part != "none" and part not in lowered:
                raise ApiFailure.validation(f"'{value}' is not a valid tradeRequestFlags.")
            bits |= lowered.get(part, 0)
    else:
        raise ApiFailure.validation(f"'{value}' is not a valid tradeRequestFlags.")
    names = [name for name, bit in REQUEST_FLAGS.items() if bits & bit]
    return ", ".join(names) if names else "None"


def _int(body: dict[str, Any], field: str) -> int:
    value = body.get(field, 0)
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or not _INT32[0] <= value <= _INT32[1]:
        raise ApiFailure.validation(f"{field} must be a 32-bit integer.")
    return value


def _number(body: dict[str, Any], field: str) -> float:
    value = body.get(field, 0)
    if value is None:
        return 0.0
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ApiFailure.validation(f"{field} must be a number.")
    return float(value)


def _text(body: dict[str, Any], field: str, limit: int) -> str:
    value = body.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiFailure.validation(f"{field} must be a string.")
    if len(value) > limit:
        raise ApiFailure.validation(f"{field} must be at most {limit} characters.")
    return value


def _expiration(body: dict[str, Any]) -> str:
    value = body.get("expiration")
    if value is None or value == "":
        return EPOCH_TEXT
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ApiFailure.validation(f"'{value}' is not a valid expiration.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # .NET clients send default(DateTime) for "no expiration"; anything before 1970 means the same.
    return EPOCH_TEXT if parsed.year < 1970 else iso_utc(parsed.timestamp())


def parse_transaction(raw: bytes, default_type: str = "") -> dict[str, Any]:
    """Validate a ``MT4TradeTransaction`` body and normalise it to its echo shape.

    Args:
        raw: Request body.
        default_type: ``tradeTransactionType`` when the body has none ("" = required).

    Returns:
        All fields of the DTO with enum names normalised (``order`` 0 until executed).

    Raises:
        ApiFailure: Any ``Validation`` problem.
    """
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiFailure.validation("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiFailure.validation("The request body must be a MT4TradeTransaction object.")
    if body.get("tradeTransactionType") in (None, ""):
        if not default_type:
            raise ApiFailure.validation("tradeTransactionType is required.")
        body["tradeTransactionType"] = default_type
    command_numbers = {name: i for i, name in enumerate(COMMANDS)}
    return {
        "tradeTransactionType": _enum(body["tradeTransactionType"], TRANSACTION_TYPES, "tradeTransactionType", ""),
        "tradeCommand": _enum(body.get("tradeCommand"), command_numbers, "tradeCommand", "Buy"),
        "tradeRequestFlags": _flags(body.get("tradeRequestFlags")),
        "expiration": _expiration(body),
        "order": _int(body, "order"),
        "orderBy": _int(body, "orderBy"),
        "symbol": _text(body, "symbol", 12),
        "volume": _int(body, "volume"),
        "price": _number(body, "price"),
        "sl": _number(body, "sl"),
        "tp": _number(body, "tp"),
        "ieDeviation": _int(body, "ieDeviation"),
        "comment": _text(body, "comment", MAX_COMMENT),
        "crc": _int(body, "crc"),
    }


def _balance(request: V2Request, tx: dict[str, Any]) -> Payload:
    if tx["tradeCommand"] not in ("Balance", "Credit"):
        raise ApiFailure.mt4("InvalidData", "BrBalance needs tradeCommand Balance or Credit.")
    if tx["orderBy"] < 1:
        raise ApiFailure.validation("orderBy must be the login of the account (at least 1).")
    cents = to_cents(tx["price"])
    if cents == 0:
        raise ApiFailure.validation("price (the amount) must not be zero.")
    try:
        op = request.control.book.apply_balance(
            tx["orderBy"], cents, tx["tradeCommand"] == "Credit", tx["comment"], request.now
        )
    except UnknownLogin:
        raise ApiFailure.not_found(f"Account {tx['orderBy']} not found.") from None
    except NotEnoughMoney as exc:
        raise ApiFailure.mt4("TradeNoMoney", f"Not enough money: {exc}.") from None
    return Payload({**tx, "order": op.ticket, "price": cents / 100})


def _trade_request(tx: dict[str, Any]) -> TradeRequest:
    if tx["order"] < 0 or tx["orderBy"] < 0:
        raise ApiFailure.validation("order and orderBy must not be negative.")
    expiration = 0 if tx["expiration"] == EPOCH_TEXT else int(datetime.fromisoformat(tx["expiration"]).timestamp())
    login = tx["orderBy"]
    if login == 0 and tx["tradeTransactionType"] in OPENS:
        login = PLATFORM_MANAGER_LOGIN  # the spec requires orderBy only for balance and credit
    return TradeRequest(
        kind=tx["tradeTransactionType"], command=tx["tradeCommand"], flags=tx["tradeRequestFlags"],
        order=tx["order"], login=login, symbol=tx["symbol"], volume=tx["volume"], price=tx["price"],
        sl=tx["sl"], tp=tx["tp"], deviation=tx["ieDeviation"], comment=tx["comment"], expiration=expiration,
    )  # fmt: skip


def trade_transaction(request: V2Request) -> Payload:
    """``POST TradeTransaction``.

    Args:
        request: The call.

    Returns:
        The echoed ``MT4TradeTransaction`` with the ticket in ``order``.
    """
    tx = parse_transaction(request.body)
    if tx["tradeTransactionType"] == "BrBalance":
        return _balance(request, tx)
    try:
        done = TradeEngine(request.control.book).execute(_trade_request(tx), request.now)
    except TradeRefused as exc:
        raise ApiFailure.mt4(exc.code, exc.message) from None
    except InvalidRequest as exc:
        raise ApiFailure.validation(str(exc)) from None
    except UnknownLogin as exc:
        raise ApiFailure.not_found(f"Account {exc.args[0]} not found.") from None
    except UnknownSymbol as exc:
        raise ApiFailure.not_found(f"Symbol '{exc.args[0]}' not found.") from None
    except UnknownOrder as exc:
        raise ApiFailure.not_found(f"No open trade or order #{exc.args[0]}.") from None
    echo = {"tradeCommand": done.command, "order": done.order, "orderBy": done.login, "symbol": done.symbol,
            "price": done.price}  # fmt: skip
    return Payload({**tx, **echo, "volume": done.volume})


OPERATIONS = (Operation("POST", "TradeTransaction", trade_transaction, timeout=TIMEOUT_TRADE),)
