"""Trading accounts, their groups and open positions, and their money at current prices.

Imports: stdlib and ``desktop.simulator.world.mt4.margin``. Used by ``generator`` (seeded creation),
``book`` (the live set), ``trading`` (orders) and the ``dto*`` modules (wire shapes).

Money decision: balance and credit are stored as **integer cents** of the deposit currency,
so deposits and withdrawals are exact; floating profit and margin are computed in float
from live prices and rounded to cents only when they are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.simulator.world.mt4.margin import (
    MarginState,
    Prices,
    convert,
    level_of,
    position_margin,
    position_profit,
)

#: ``MT4User.enableFlags`` bits.
ENABLED = 0x01
CHANGE_PASSWORD = 0x02
READ_ONLY = 0x04
OTP = 0x08


@dataclass(frozen=True)
class Group:
    r"""An MT4 account group (name at most 16 characters).

    Attributes:
        name: Group name, e.g. ``real\usd-std``.
        currency: Deposit currency.
        margin_call: Margin level (%) at or below which the account is in margin call.
        stop_out: Margin level (%) at or below which positions are stopped out.
        leverages: Leverages handed out in this group.
        balance_median: Typical balance, in deposit currency.
        share: Relative share of generated accounts.
        demo: True for demo groups.
    """

    name: str
    currency: str
    margin_call: float
    stop_out: float
    leverages: tuple[int, ...]
    balance_median: float
    share: float
    demo: bool = False


#: The groups of the simulated server.
GROUPS: tuple[Group, ...] = (
    Group("real\\usd-std", "USD", 100.0, 50.0, (100, 200, 500), 4_000.0, 38.0),
    Group("real\\usd-pro", "USD", 100.0, 50.0, (100, 200), 40_000.0, 14.0),
    Group("real\\eur-std", "EUR", 100.0, 50.0, (30,), 5_000.0, 16.0),
    Group("real\\gbp-std", "GBP", 100.0, 50.0, (30,), 5_000.0, 8.0),
    Group("demo\\usd-std", "USD", 80.0, 30.0, (100, 500), 10_000.0, 16.0, demo=True),
    Group("demo\\eur-std", "EUR", 80.0, 30.0, (30, 100), 10_000.0, 8.0, demo=True),
)


def group_by_name(name: str) -> Group:
    """Look a group up by exact name.

    Args:
        name: Group name.

    Returns:
        The group.

    Raises:
        KeyError: No such group.
    """
    for group in GROUPS:
        if group.name == name:
            return group
    raise KeyError(name)


@dataclass
class Position:
    """An open trade: a market position (buy/sell) or a pending order (MT4 ``TradeRecord``).

    Market positions live in ``Account.positions`` (they hold margin and float profit),
    pending orders in ``Account.pending`` (they hold nothing until activated).

    Attributes:
        ticket: Order ticket.
        symbol: Index into the symbol catalogue.
        cmd: 0 buy, 1 sell, 2 buy limit, 3 sell limit, 4 buy stop, 5 sell stop.
        volume: Volume in MT4 units (100 = 1 lot).
        open_price: Open price (the order price of a pending order).
        open_time: Unix open (placing) time.
        commission: Commission charged, deposit currency.
        storage: Accumulated swap, deposit currency.
        login: Owner.
        sl: Stop loss (0 = none).
        tp: Take profit (0 = none).
        comment: Comment (at most 32 characters).
        magic: Expert magic number.
        expiration: Unix expiration of a pending order (0 = good till cancelled).
        reason: ``TradeRecordReason`` name.
        state: ``TradeRecordState`` name (``OpenNormal``; ``OpenRemand`` after a partial close).
        margin_rate: Margin currency → deposit currency rate at open.
        taxes: Taxes, deposit currency.
        timestamp: Unix time of the last change (0 = the open time).
    """

    ticket: int
    symbol: int
    cmd: int
    volume: int
    open_price: float
    open_time: int
    commission: float = 0.0
    storage: float = 0.0
    login: int = 0
    sl: float = 0.0
    tp: float = 0.0
    comment: str = ""
    magic: int = 0
    expiration: int = 0
    reason: str = "Client"
    state: str = "OpenNormal"
    margin_rate: float = 1.0
    taxes: float = 0.0
    timestamp: int = 0

    @property
    def lots(self) -> float:
        """Volume in lots."""
        return self.volume / 100.0

    @property
    def order(self) -> int:
        """The ticket (MT4 ``order``)."""
        return self.ticket


@dataclass
class Account:
    """One trading account (the fields the v2 ``MT4User`` DTO exposes, plus positions).

    Money fields ending in ``_cents`` are integer cents of the group's deposit currency.
    """

    login: int
    group: str
    name: str
    email: str
    country: str
    city: str
    state: str
    zip_code: str
    address: str
    phone: str
    lead_source: str
    external_id: str
    status: str
    comment: str
    leverage: int
    agent_account: int
    last_ip: int
    registered: int
    last_date: int
    balance_cents: int
    credit_cents: int = 0
    prev_month_balance_cents: int = 0
    prev_balance_cents: int = 0
    prev_month_equity_cents: int = 0
    prev_equity_cents: int = 0
    interest_rate: float = 0.0
    taxes: float = 0.0
    enable_flags: int = 0x03
    send_reports: int = 1
    mqid: int = 0
    user_color: int = -1
    positions: list[Position] = field(default_factory=list)
    pending: list[Position] = field(default_factory=list)

    @property
    def enabled(self) -> bool:
        """Whether the account may connect and trade (``enableFlags`` bit 0x01)."""
        return bool(self.enable_flags & ENABLED)

    @property
    def read_only(self) -> bool:
        """Whether the account is read-only (``enableFlags`` bit 0x04)."""
        return bool(self.enable_flags & READ_ONLY)


def account_state(prices: Prices, account: Account, group: Group) -> MarginState:
    """Compute an account's money at the current prices.

    Args:
        prices: Price source.
        account: The account.
        group: Its group (for the deposit currency).

    Returns:
        Balance, credit, profit, equity, margin, free margin, level and volume.
    """
    profit = 0.0
    margin = 0.0
    volume = 0
    for pos in account.positions:
        spec = prices.symbols[pos.symbol]
        raw = position_profit(prices, pos.symbol, pos.cmd, pos.lots, pos.open_price)
        profit += convert(prices, raw, spec.profit_currency, group.currency) + pos.commission + pos.storage
        margin += position_margin(prices, pos.symbol, pos.lots, account.leverage, group.currency)
        volume += pos.volume
    balance = account.balance_cents / 100.0
    credit = account.credit_cents / 100.0
    equity = balance + credit + profit
    return MarginState(
        balance=balance,
        credit=credit,
        profit=profit,
        equity=equity,
        margin=margin,
        free=equity - margin,
        level=level_of(equity, margin),
        volume=volume,
    )


def level_type(state: MarginState, group: Group) -> str:
    """Classify a margin state as the ``MarginLevelType`` enum name.

    Args:
        state: The account's money.
        group: Its group (thresholds).

    Returns:
        ``"Ok"``, ``"MarginCall"`` or ``"StopOut"``.
    """
    if state.margin <= 0:
        return "Ok"
    if state.level <= group.stop_out:
        return "StopOut"
    if state.level <= group.margin_call:
        return "MarginCall"
    return "Ok"
