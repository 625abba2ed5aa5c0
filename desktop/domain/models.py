"""Frozen domain records: symbols, quotes, accounts, balance operations, connection status.

Money is ``Decimal`` end to end. Prices are binary floats: they come off the feed as JSON
doubles, live in numpy ring buffers for the charts and are only ever displayed, rounded to
the symbol's digits; no arithmetic on money is done with them.

Imports: the standard library only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


class ConnectionState(enum.Enum):
    """Where a live connection stands, as shown in the status bar."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


@dataclass(frozen=True)
class ConnectionStatus:
    """A connection state with the reason for it (empty when there is nothing to say)."""

    state: ConnectionState
    detail: str = ""


@dataclass(frozen=True)
class TradePlatform:
    """One trade server the API credentials can reach (``GET /api/TradePlatforms``)."""

    id: str
    name: str
    type: str


@dataclass(frozen=True)
class SymbolSpec:
    """What the workstation needs to know to show a symbol's prices."""

    name: str
    digits: int
    description: str = ""
    spread: int = 0
    """The configured spread in points; 0 for a floating spread."""

    @property
    def point(self) -> float:
        """Size of one price point, e.g. 0.00001 for a five-digit FX pair."""
        return 10.0**-self.digits


@dataclass(frozen=True)
class Quote:
    """The latest bid/ask of a symbol; ``time`` is UTC seconds since the epoch."""

    symbol: str
    bid: float
    ask: float
    time: float

    def spread_points(self, digits: int) -> int:
        """Spread in points of a symbol quoted with ``digits`` decimals."""
        scale: float = 10.0**digits
        return round((self.ask - self.bid) * scale)


@dataclass(frozen=True)
class Account:
    """A trade account with its live margin figures.

    ``margin_level`` is ``None`` when the account uses no margin (no open positions).
    """

    login: int
    name: str
    group: str
    leverage: int
    balance: Decimal
    credit: Decimal
    equity: Decimal
    margin: Decimal
    free_margin: Decimal
    margin_level: Decimal | None


class BalanceKind(enum.Enum):
    """The four manual money operations a back-office operator makes."""

    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    CREDIT_IN = "credit_in"
    CREDIT_OUT = "credit_out"

    @property
    def label(self) -> str:
        """Human name, e.g. ``Credit in``."""
        return self.value.replace("_", " ").capitalize()

    @property
    def trade_command(self) -> str:
        """The MT4 trade command that carries this operation: ``Balance`` or ``Credit``."""
        return "Credit" if self in (BalanceKind.CREDIT_IN, BalanceKind.CREDIT_OUT) else "Balance"

    @property
    def sign(self) -> int:
        """+1 for money in, -1 for money out."""
        return -1 if self in (BalanceKind.WITHDRAWAL, BalanceKind.CREDIT_OUT) else 1


@dataclass(frozen=True)
class BalanceOperation:
    """A validated request to move money on one account.

    ``amount`` is always positive; the direction comes from ``kind``. ``idempotency_key`` is
    made once, when the operator confirms, and travels with every attempt to send this
    operation, so the server applies it at most once however often it is sent.
    """

    login: int
    kind: BalanceKind
    amount: Decimal
    comment: str
    idempotency_key: str

    @property
    def signed_amount(self) -> Decimal:
        """The amount as the server wants it: negative for money out."""
        return self.amount * self.kind.sign


@dataclass(frozen=True)
class BalanceReceipt:
    """The server's acceptance of a balance operation."""

    operation: BalanceOperation
    ticket: int
    activity_id: str | None
    account: Account | None
    at: datetime


@dataclass(frozen=True)
class MarginSnapshot:
    """An account's live margin figures (``MarginsGet`` / ``MarginLevelRequest``)."""

    login: int
    balance: Decimal
    equity: Decimal
    margin: Decimal
    free_margin: Decimal
    margin_level: Decimal | None


@dataclass(frozen=True)
class AccountChange:
    """What ``StreamUserUpdates`` says of an account: created, changed or deleted.

    Carries the account's own fields only; equity and margin come with margin figures.
    """

    kind: str  # "Added", "Updated" or "Deleted"
    login: int
    name: str
    group: str
    leverage: int
    balance: Decimal
    credit: Decimal


@dataclass(frozen=True)
class GroupLevels:
    """A group's margin-call and stop-out levels (``MT4Group``), in percent or in money.

    ``in_money`` means the levels are amounts of the deposit currency that equity is compared
    with; otherwise they are margin levels in percent (equity / margin).
    """

    group: str
    margin_call: Decimal
    stop_out: Decimal
    in_money: bool = False
    currency: str = ""
