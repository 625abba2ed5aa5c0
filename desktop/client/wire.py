"""Decoding of WebAPI JSON (v2 DTOs and hub payloads) into frozen domain records.

Pure functions, no I/O. Field names follow the vendor's v2 OpenAPI document
(``MT4User``, ``MT4MarginLevel``, ``MT4SymbolConfig``, ``MT4TickInfo``) and the hub
payloads (``UserUpdatePayload``, ``MarginCallPayload``).

Strict on purpose: every decoder raises :class:`~desktop.domain.errors.DecodeError`,
naming the field, on a record that is not an object or whose money, price or key is
missing, ill-typed, NaN or infinite. Nothing is replaced by 0.00. Display text that is
``null`` on the wire (a name, a group) reads as empty, as the spec allows.

Imports: desktop.domain and the standard library.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop.domain.errors import DecodeError
from desktop.domain.models import (
    Account,
    AccountChange,
    GroupLevels,
    MarginSnapshot,
    Quote,
    SymbolSpec,
    TradePlatform,
)

_CENT = Decimal("0.01")
JsonObject = dict[str, Any]
CHANGE_KINDS = ("Added", "Updated", "Deleted")
MONEY_LIMIT = 1e15
"""No balance, equity or margin reaches a quadrillion; a double that does is not money (and past
about 1e26 it no longer fits a cent-exact Decimal)."""


class Fields:
    """Typed reads of one JSON object named ``record``; each raises DecodeError naming the field."""

    def __init__(self, record: str, obj: object) -> None:
        if not isinstance(obj, dict):
            raise DecodeError(record, "(record)", f"is {type(obj).__name__}, not an object")
        self.record = record
        self._obj: JsonObject = obj

    def fail(self, field: str, problem: str) -> DecodeError:
        """The error for ``field``, with the value it had."""
        return DecodeError(self.record, field, problem)

    def number(self, field: str) -> float:
        """A finite JSON number."""
        value = self._obj.get(field)
        if value is None:
            raise self.fail(field, "is missing")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"is {type(value).__name__} {value!r:.40}, not a number")
        if not math.isfinite(value):
            raise self.fail(field, f"is {value!r}, not a finite number")
        return float(value)

    def money(self, field: str) -> Decimal:
        """A finite JSON number (a double on the wire) as a Decimal rounded to the cent."""
        value = self.number(field)
        if abs(value) >= MONEY_LIMIT:
            raise self.fail(field, f"is {value!r}, beyond any amount a trade server holds")
        return to_cents(value)

    def integer(self, field: str, minimum: int = 0) -> int:
        """A JSON integer of at least ``minimum``."""
        value = self._obj.get(field)
        if value is None:
            raise self.fail(field, "is missing")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"is {type(value).__name__} {value!r:.40}, not an integer")
        if value < minimum:
            raise self.fail(field, f"is {value}, below {minimum}")
        return value

    def key(self, field: str) -> int:
        """A record key such as a login or a ticket: a positive integer."""
        return self.integer(field, minimum=1)

    def name(self, field: str) -> str:
        """A non-empty string that identifies the record (a symbol, a platform id)."""
        value = self._obj.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, f"is {value!r:.40}, not a name")
        return value

    def text(self, field: str) -> str:
        """Display text; ``null`` or absent reads as empty."""
        value = self._obj.get(field)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail(field, f"is {type(value).__name__}, not text")
        return value

    def raw(self, field: str) -> object:
        """The field as it came."""
        return self._obj.get(field)


def to_cents(value: float) -> Decimal:
    """A finite double as a Decimal rounded to the cent (its shortest repr, not its binary expansion)."""
    return Decimal(repr(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_time(text: object) -> float:
    """An ISO-8601 date-time as UTC epoch seconds (0.0, "no time", when absent or unreadable)."""
    if not isinstance(text, str) or not text:
        return 0.0
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def trade_platform(obj: object) -> TradePlatform:
    """One entry of ``GET /api/TradePlatforms``."""
    f = Fields("TradePlatform", obj)
    platform_id = f.name("id")
    return TradePlatform(id=platform_id, name=f.text("name") or platform_id, type=f.text("type"))


def symbol_spec(obj: object) -> SymbolSpec:
    """An ``MT4SymbolConfig``."""
    f = Fields("MT4SymbolConfig", obj)
    digits = f.integer("digits")
    if digits > 10:
        raise f.fail("digits", f"is {digits}, above 10")
    return SymbolSpec(name=f.name("symbol"), digits=digits, description=f.text("description"))


def tick_info(obj: object) -> Quote:
    """An ``MT4TickInfo`` (REST): ``time`` rather than the hub's ``lastTime``."""
    f = Fields("MT4TickInfo", obj)
    return Quote(f.name("symbol"), f.number("bid"), f.number("ask"), parse_time(f.raw("time")))


def group_levels(obj: object) -> GroupLevels:
    """An ``MT4Group``'s margin-call and stop-out levels, with their unit (percent or money)."""
    f = Fields("MT4Group", obj)
    unit = f.raw("marginControllingType")
    if unit not in ("Percent", "Currency"):
        raise f.fail("marginControllingType", f"is {unit!r:.40}, not Percent or Currency")
    return GroupLevels(
        group=f.name("group"),
        margin_call=Decimal(f.integer("marginCall")),
        stop_out=Decimal(f.integer("marginStopout")),
        in_money=unit == "Currency",
        currency=f.text("currency"),
    )


MARGIN_SNAPSHOT_FIELDS = ("login", "balance", "equity", "margin", "free", "level")
"""Every field :func:`margin_snapshot` reads."""


def margin_snapshot(obj: object, record: str = "MT4MarginLevel") -> MarginSnapshot:
    """An ``MT4MarginLevel``; ``level`` may be absent only when the account uses no margin."""
    f = Fields(record, obj)
    margin = f.money("margin")
    return MarginSnapshot(
        login=f.key("login"),
        balance=f.money("balance"),
        equity=f.money("equity"),
        margin=margin,
        free_margin=f.money("free"),
        margin_level=None if margin == 0 else f.money("level"),
    )


def account(user: object, snapshot: MarginSnapshot | None) -> Account:
    """An ``MT4User`` joined with its margin figures (an idle account when there are none)."""
    f = Fields("MT4User", user)
    login, balance, credit = f.key("login"), f.money("balance"), f.money("credit")
    if snapshot is None:
        snapshot = MarginSnapshot(login, balance, balance + credit, Decimal("0.00"), balance + credit, None)
    return Account(
        login=login,
        name=f.text("name"),
        group=f.text("group"),
        leverage=f.integer("leverage"),
        balance=balance,
        credit=credit,
        equity=snapshot.equity,
        margin=snapshot.margin,
        free_margin=snapshot.free_margin,
        margin_level=snapshot.margin_level,
    )


def user_login(user: object) -> int:
    """The login of an ``MT4User``, to join it with its margin figures."""
    return Fields("MT4User", user).key("login")


def account_change(obj: object) -> AccountChange:
    """A hub ``UserUpdatePayload`` (``StreamUserUpdates``)."""
    f = Fields("UserUpdatePayload", obj)
    kind = f.name("kind")
    if kind not in CHANGE_KINDS:
        raise f.fail("kind", f"is {kind!r:.40}, not one of {', '.join(CHANGE_KINDS)}")
    return AccountChange(
        kind=kind,
        login=f.key("login"),
        name=f.text("name"),
        group=f.text("group"),
        leverage=f.integer("leverage"),
        balance=f.money("balance"),
        credit=f.money("credit"),
    )


def margin_call(obj: object) -> MarginSnapshot:
    """A hub ``MarginCallPayload`` (``StreamMarginCallUpdates``): the same figures as REST's."""
    return margin_snapshot(obj, "MarginCallPayload")
