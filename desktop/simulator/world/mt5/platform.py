"""The simulated MT5 platform: its groups, users, positions, orders and deals, and the group-mask rules.

Imports: stdlib and ``desktop.simulator.world.mt4.margin``. ``SimControl`` owns one ``Mt5Book``
(``control.mt5``); used by ``rest.v2.mt5`` and ``rest.v2.dto.mt5`` and by the MT5 hub: ``owns(login)``,
``state(login, prices)`` (money at current prices, like ``Book.state``), ``users`` (login →
``Mt5User``; ``balance_cents`` may be set to move an account), ``mt5_group(name)``
(``margin_call``/``stop_out`` thresholds in percent).

The MT5 platform is a second entry of ``/api/TradePlatforms`` (``MT5_PLATFORM_ID``). It
quotes the same symbols as the MT4 platform, from the same feed. Its book is small and
seeded (``world.mt5.generator``): logins from ``FIRST_MT5_LOGIN`` (above the int32 range, as MT5
logins are int64), position ids from 70 000 001, order tickets from 80 000 001, deal
tickets from 90 000 001. Volumes are MT5 units (10 000 = 1 lot; ``volumeExt`` 10^8 = 1 lot).

Group masks (``PositionByGroup/{mask}`` …) follow MT5: comma-separated patterns, ``*``
matches any run of characters, a leading ``!`` excludes, names compare ignoring case;
``real*`` = every group starting with "real". ``rights`` (``UsersRights``) is a bit set
whose wire form is the ", "-joined names of the set bits (``Bit<n>`` for a bit without a
name, ``None`` for no bit); input takes names (any case) or a number.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from desktop.simulator.config import MT5_PLATFORM_ID as MT5_PLATFORM_ID  # re-exported: its home was here
from desktop.simulator.world.mt4.margin import MarginState, Prices, convert, level_of, position_margin, position_profit
from desktop.simulator.world.mt5.config import Mt5Config

#: The MT5 trade platform (stable GUID).
MT5_PLATFORM_NAME = "Dealer Desk Demo MT5"
MT5_MANAGER_LOGIN = 1000
FIRST_MT5_LOGIN = 3_000_000_001
MT5_LOT = 10_000

#: ``UsersRights`` bits.
USER_RIGHTS = {
    "Enabled": 0x1, "Password": 0x2, "TradeDisabled": 0x4, "Investor": 0x8, "Confirmed": 0x10, "Trailing": 0x20,
    "Expert": 0x40, "Obsolete": 0x80, "Reports": 0x100, "Readonly": 0x200, "ResetPass": 0x400,
    "OTPEnabled": 0x800, "SponsoredHosting": 0x2000, "APIEnabled": 0x4000, "PushNotification": 0x8000,
    "Technical": 0x10000, "ExcludeReports": 0x20000,
}  # fmt: skip


def format_flags(bits: int, names: dict[str, int]) -> str:
    """Render a bit set as ", "-joined names.

    Args:
        bits: The set bits.
        names: Name → bit.

    Returns:
        E.g. ``"Enabled, Password"``; ``"None"`` for no bit; ``Bit<n>`` for unnamed bits.
    """
    parts = []
    for n in range(64):
        bit = 1 << n
        if bits & bit:
            parts.append(next((name for name, value in names.items() if value == bit), f"Bit{n}"))
    return ", ".join(parts) if parts else "None"


def parse_flags(value: object, names: dict[str, int]) -> int:
    """Read a flags value given as names or a number.

    Args:
        value: ``"Enabled, Password"``, ``"None"``, ``"Bit12"`` or a non-negative integer.
        names: Name → bit.

    Returns:
        The bit set.

    Raises:
        ValueError: An unknown name, a negative number or another JSON type.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if not isinstance(value, str):
        raise ValueError(f"'{value}' is not a valid flags value")
    lowered = {name.lower(): bit for name, bit in names.items()}
    bits = 0
    for part in (p.strip().lower() for p in value.split(",") if p.strip()):
        if part.startswith("bit") and part[3:].isdigit() and int(part[3:]) < 64:
            bits |= 1 << int(part[3:])
        elif part in lowered:
            bits |= lowered[part]
        elif part != "none":
            raise ValueError(f"'{value}' is not a valid flags value")
    return bits


def mask_matches(mask: str, group: str) -> bool:
    """Tell whether a group is selected by an MT5 group mask.

    Args:
        mask: E.g. ``real*``, or ``real*,!real*pro*`` (all real groups but the pro ones).
        group: Group name.

    Returns:
        True when an including pattern matches and no excluding one does.
    """
    name = group.lower()
    included = False
    for raw in (part.strip().lower() for part in mask.split(",") if part.strip()):
        if raw.startswith("!"):
            if fnmatch.fnmatchcase(name, raw[1:]):
                return False
        elif fnmatch.fnmatchcase(name, raw):
            included = True
    return included


@dataclass(frozen=True)
class Mt5Group:
    """An MT5 group."""

    name: str
    currency: str
    margin_call: float
    stop_out: float
    leverage: int
    demo: bool = False


MT5_GROUPS: tuple[Mt5Group, ...] = (
    Mt5Group("real\\retail\\usd", "USD", 100.0, 50.0, 100),
    Mt5Group("real\\retail\\eur", "EUR", 100.0, 50.0, 30),
    Mt5Group("real\\pro\\usd", "USD", 100.0, 30.0, 200),
    Mt5Group("demo\\retail\\usd", "USD", 80.0, 30.0, 500, demo=True),
)


def mt5_group(name: str) -> Mt5Group | None:
    """Look a group up by exact name.

    Args:
        name: Group name.

    Returns:
        The group or None.
    """
    return next((group for group in MT5_GROUPS if group.name == name), None)


@dataclass
class Mt5User:
    """One MT5 account (the ``MT5User`` fields; money in cents)."""

    login: int
    group: str
    first_name: str
    last_name: str
    country: str
    city: str
    email: str
    phone: str
    leverage: int
    registration: int
    last_access: int
    balance_cents: int
    rights: int = USER_RIGHTS["Enabled"] | USER_RIGHTS["Password"] | USER_RIGHTS["Expert"] | USER_RIGHTS["Trailing"]
    credit_cents: int = 0
    middle_name: str = ""
    company: str = ""
    state: str = ""
    zip_code: str = ""
    address: str = ""
    comment: str = ""
    color: int = -16777216
    account: str = ""
    language: int = 0
    id_document: str = ""
    status: str = "Verified"
    agent: int = 0
    lead_campaign: str = ""
    lead_source: str = ""
    client_id: int = 0
    last_ip: str = ""
    last_pass_change: int = 0
    name_override: str | None = None
    prev_day_balance_cents: int = 0
    prev_month_balance_cents: int = 0

    @property
    def name(self) -> str:
        """Display name (first and last name unless set explicitly)."""
        return self.name_override if self.name_override is not None else f"{self.first_name} {self.last_name}"


@dataclass
class Mt5Position:
    """An open MT5 position (hedging account)."""

    position: int
    login: int
    symbol: int
    action: int  # 0 buy, 1 sell
    volume: int  # MT5 units, 10 000 = 1 lot
    price_open: float
    time_create: int
    sl: float = 0.0
    tp: float = 0.0
    storage: float = 0.0
    comment: str = ""
    reason: str = "Client"


@dataclass
class Mt5Order:
    """An MT5 order: pending (``Placed``) or history (``Filled``)."""

    order: int
    login: int
    symbol: int
    type: str  # OrderType name
    state: str  # OrderState name
    volume_initial: int
    volume_current: int
    price_order: float
    time_setup: int
    time_done: int = 0
    position_id: int = 0
    sl: float = 0.0
    tp: float = 0.0
    comment: str = ""
    reason: str = "Client"


@dataclass
class Mt5Deal:
    """An MT5 deal (trade execution or balance operation)."""

    deal: int
    login: int
    order: int
    action: str  # DealAction name
    entry: str  # EntryFlag name
    symbol: int | None
    volume: int
    price: float
    time: int
    profit: float
    commission: float = 0.0
    storage: float = 0.0
    position_id: int = 0
    comment: str = ""
    reason: str = "Client"


@dataclass
class Mt5Book:
    """Everything of the MT5 platform (seeded by ``mt5_generator.generate_mt5``)."""

    users: dict[int, Mt5User] = field(default_factory=dict)
    positions: list[Mt5Position] = field(default_factory=list)
    orders: list[Mt5Order] = field(default_factory=list)
    deals: list[Mt5Deal] = field(default_factory=list)
    config: Mt5Config = field(default_factory=Mt5Config)  # group and symbol changes (config.py)

    def load(self, other: Mt5Book) -> None:
        """Replace the contents with another book's (``reset``; the object stays the same).

        Args:
            other: A freshly generated book.
        """
        self.users, self.positions, self.orders, self.deals = other.users, other.positions, other.orders, other.deals
        self.config = other.config

    def owns(self, login: int) -> bool:
        """Tell whether a login is an account of the MT5 platform.

        Args:
            login: The login.

        Returns:
            True for MT5 accounts.
        """
        return login in self.users

    def state(self, login: int, prices: Prices) -> MarginState:
        """Value an MT5 account at the current prices (hedging: positions are not netted).

        Args:
            login: The account.
            prices: Price source.

        Returns:
            Its money in the deposit currency (``volume`` in MT4-style units, 100 = 1 lot).

        Raises:
            KeyError: No such account.
        """
        user = self.users[login]
        group = mt5_group(user.group)
        currency = group.currency if group is not None else "USD"
        profit = margin = 0.0
        volume = 0
        for position in (p for p in self.positions if p.login == login):
            spec = prices.symbols[position.symbol]
            lots = position.volume / MT5_LOT
            raw = position_profit(prices, position.symbol, position.action, lots, position.price_open)
            profit += convert(prices, raw, spec.profit_currency, currency) + position.storage
            margin += position_margin(prices, position.symbol, lots, user.leverage, currency)
            volume += position.volume * 100 // MT5_LOT
        balance, credit = user.balance_cents / 100, user.credit_cents / 100
        equity = balance + credit + profit
        return MarginState(balance, credit, profit, equity, margin, equity - margin, level_of(equity, margin), volume)

    def logins_in(self, mask: str) -> set[int]:
        """Return the logins of every user whose group matches a mask.

        Args:
            mask: MT5 group mask.

        Returns:
            The logins.
        """
        return {login for login, user in self.users.items() if mask_matches(mask, user.group)}
