"""Decoding of WebAPI JSON (v2 DTOs and hub payloads) into frozen domain records.

Pure functions, no I/O. Field names follow the vendor's v2 OpenAPI document
(``MT4User``, ``MT4MarginLevel``, ``MT4SymbolConfig``, ``MT4TickInfo``, ``TickPayload``).

Imports: desktop.domain and the standard library.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop.domain.models import Account, AccountChange, MarginSnapshot, Quote, SymbolSpec, TradePlatform

_CENT = Decimal("0.01")
JsonObject = dict[str, Any]


def money(value: object) -> Decimal:
    """A JSON number (a double on the wire) as a Decimal rounded to the cent."""
    if not isinstance(value, int | float):
        return Decimal("0.00")
    return Decimal(repr(float(value))).quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_time(text: object) -> float:
    """An ISO-8601 date-time as UTC epoch seconds (0.0 when absent or unreadable)."""
    if not isinstance(text, str) or not text:
        return 0.0
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def trade_platform(obj: JsonObject) -> TradePlatform:
    """One entry of ``GET /api/TradePlatforms``."""
    return TradePlatform(id=str(obj["id"]), name=str(obj.get("name") or obj["id"]), type=str(obj.get("type", "")))


def symbol_spec(obj: JsonObject) -> SymbolSpec:
    """An ``MT4SymbolConfig``."""
    return SymbolSpec(
        name=str(obj["symbol"]),
        digits=int(obj.get("digits") or 0),
        description=str(obj.get("description") or ""),
    )


def tick_info(obj: JsonObject) -> Quote:
    """An ``MT4TickInfo`` (REST) — ``time`` rather than the hub's ``lastTime``."""
    return Quote(str(obj["symbol"]), float(obj["bid"]), float(obj["ask"]), parse_time(obj.get("time")))


def margin_level(value: object, margin: Decimal) -> Decimal | None:
    """Margin level in percent, or ``None`` when the account uses no margin."""
    if margin == 0 or not isinstance(value, int | float):
        return None
    return Decimal(repr(float(value))).quantize(_CENT, rounding=ROUND_HALF_UP)


def margin_snapshot(obj: JsonObject) -> MarginSnapshot:
    """An ``MT4MarginLevel``."""
    margin = money(obj.get("margin"))
    return MarginSnapshot(
        login=int(obj["login"]),
        balance=money(obj.get("balance")),
        equity=money(obj.get("equity")),
        margin=margin,
        free_margin=money(obj.get("free")),
        margin_level=margin_level(obj.get("level"), margin),
    )


def account(user: JsonObject, snapshot: MarginSnapshot | None) -> Account:
    """An ``MT4User`` joined with its margin figures (an idle account when there are none)."""
    balance, credit = money(user.get("balance")), money(user.get("credit"))
    if snapshot is None:
        snapshot = MarginSnapshot(0, balance, balance + credit, Decimal("0.00"), balance + credit, None)
    return Account(
        login=int(user["login"]),
        name=str(user.get("name") or ""),
        group=str(user.get("group") or ""),
        leverage=int(user.get("leverage") or 0),
        balance=balance,
        credit=credit,
        equity=snapshot.equity,
        margin=snapshot.margin,
        free_margin=snapshot.free_margin,
        margin_level=snapshot.margin_level,
    )


def account_change(obj: JsonObject) -> AccountChange:
    """A hub ``UserUpdatePayload`` (``StreamUserUpdates``)."""
    return AccountChange(
        kind=str(obj.get("kind") or "Updated"),
        login=int(obj["login"]),
        name=str(obj.get("name") or ""),
        group=str(obj.get("group") or ""),
        leverage=int(obj.get("leverage") or 0),
        balance=money(obj.get("balance")),
        credit=money(obj.get("credit")),
    )


def margin_call(obj: JsonObject) -> MarginSnapshot:
    """A hub ``MarginCallPayload`` (``StreamMarginCallUpdates``): the same figures as REST's."""
    return margin_snapshot(obj)
