"""Trade records and the read API of trades: open positions, pending orders and closed history.

Imports: stdlib and ``desktop.simulator`` model modules (``accounts``, ``margin``,
``wire``). Used by ``book`` (which owns one ``TradeDesk`` as ``Book.trades``, also reachable
as ``SimControl.trades``), ``trading`` (execution), the hub streams and the ``dto*`` modules.

Read API (stable; everything returns immutable ``TradeRecord`` snapshots, valued at the
prices of the moment of the call)::

    control.trades.get(order)              # open, pending or closed trade, or None
    control.trades.open_trades()           # every open position and pending order, by ticket
    control.trades.of_login(login)         # one account's open positions and pending orders
    control.trades.history(login, a, b)    # closed trades and balance/credit records in [a, b]
    control.trades.owner(order)            # login of an open trade or order, or None

A ``TradeRecord`` carries every ``MT4Trade`` field under its native name: ``order``,
``login``, ``symbol`` (name; "" for balance records), ``digits``, ``cmd`` (0-7),
``volume`` (100 = 1 lot), ``open_price``, ``open_time``/``close_time``/``expiration``/
``timestamp`` (Unix seconds; 0 = not set), ``sl``, ``tp``, ``close_price`` (the current
bid/ask while open), ``commission``, ``storage``, ``taxes``, ``profit`` (floating while open,
realised once closed; in the deposit currency, rounded to cents), ``magic``, ``comment``,
``state``/``reason``/``activation`` (enum names) and ``margin_rate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from desktop.simulator.wire import money
from desktop.simulator.world.mt4.accounts import Account, Group, Position
from desktop.simulator.world.mt4.margin import Prices, convert, position_profit

#: ``TradeCommand`` names by native number.
COMMANDS = ("Buy", "Sell", "BuyLimit", "SellLimit", "BuyStop", "SellStop", "Balance", "Credit")


@dataclass(frozen=True)
class TradeRecord:
    """One MT4 trade record as the server would report it at one moment (see module docstring)."""

    order: int
    login: int
    symbol: str
    digits: int
    cmd: int
    volume: int
    open_price: float
    open_time: int
    sl: float
    tp: float
    close_price: float
    close_time: int
    expiration: int
    commission: float
    storage: float
    taxes: float
    profit: float
    magic: int
    comment: str
    state: str
    reason: str
    activation: str
    timestamp: int
    margin_rate: float

    @property
    def ticket(self) -> int:
        """Alias of ``order``."""
        return self.order

    @property
    def is_open(self) -> bool:
        """True while the trade or order is open (not closed or deleted)."""
        return self.close_time == 0

    @property
    def command(self) -> str:
        """``TradeCommand`` name of ``cmd``."""
        return COMMANDS[self.cmd]


def market_price(prices: Prices, position: Position) -> float:
    """Return the price a position would close at now (bid for buys, ask for sells).

    Pending orders report the price they would be compared with (ask for buy orders, bid
    for sell orders).

    Args:
        prices: Price source.
        position: The position or order.

    Returns:
        The price.
    """
    bid, ask, _ = prices.quote(position.symbol)
    if position.cmd in (0, 1):
        return bid if position.cmd == 0 else ask
    return ask if position.cmd % 2 == 0 else bid


def floating_profit(prices: Prices, position: Position, currency: str) -> float:
    """Return a market position's profit at the current prices, in the deposit currency.

    Args:
        prices: Price source.
        position: The position (pending orders have none).
        currency: Deposit currency.

    Returns:
        The profit, excluding commission and swap.
    """
    if position.cmd not in (0, 1):
        return 0.0
    spec = prices.symbols[position.symbol]
    raw = position_profit(prices, position.symbol, position.cmd, position.lots, position.open_price)
    return convert(prices, raw, spec.profit_currency, currency)


def snapshot(prices: Prices, position: Position, currency: str) -> TradeRecord:
    """Turn an open position or pending order into a record valued at the current prices.

    Args:
        prices: Price source.
        position: The position or order.
        currency: The owner's deposit currency.

    Returns:
        The record (``close_time`` 0).
    """
    spec = prices.symbols[position.symbol]
    return TradeRecord(
        order=position.ticket, login=position.login, symbol=spec.name, digits=spec.digits, cmd=position.cmd,
        volume=position.volume, open_price=position.open_price, open_time=position.open_time, sl=position.sl,
        tp=position.tp, close_price=market_price(prices, position), close_time=0, expiration=position.expiration,
        commission=position.commission, storage=position.storage, taxes=position.taxes,
        profit=money(floating_profit(prices, position, currency)), magic=position.magic, comment=position.comment,
        state=position.state, reason=position.reason, activation="None",
        timestamp=position.timestamp or position.open_time, margin_rate=position.margin_rate,
    )  # fmt: skip


def in_window(record: TradeRecord, start: float | None, end: float | None) -> bool:
    """Tell whether a closed record's close time lies in ``[start, end]``.

    Args:
        record: A closed record.
        start: Inclusive lower bound (None = no bound).
        end: Inclusive upper bound (None = no bound).

    Returns:
        True when inside.
    """
    return (start is None or record.close_time >= start) and (end is None or record.close_time <= end)


class TradeSource(Protocol):
    """What the read API of trades uses of the book (``book.Book`` fits)."""

    prices: Prices

    accounts: dict[int, Account]

    open_index: dict[int, int]

    def group_of(self, account: Account) -> Group:
        """Return the group of an account."""
        ...

    def history_of(self, login: int) -> list[TradeRecord]:
        """Return the closed records of an account."""
        ...

    def closed_record(self, ticket: int) -> TradeRecord | None:
        """Return a closed trade by ticket, if any."""
        ...


class TradeDesk:
    """Read access to every trade of a ``Book`` (see the module docstring).

    Args:
        book: The accounts whose trades are read.
    """

    def __init__(self, book: TradeSource) -> None:
        self._book = book

    def _currency(self, account: Account) -> str:
        return self._book.group_of(account).currency

    def _open_items(self) -> Iterator[tuple[Account, Position]]:
        for account in self._book.accounts.values():
            for position in account.positions:
                yield account, position
            for order in account.pending:
                yield account, order

    def find_open(self, order: int) -> tuple[Account, Position] | None:
        """Find the live object of an open position or pending order (for the trading model).

        Args:
            order: Ticket.

        Returns:
            Its account and position, or None.
        """
        login = self._book.open_index.get(order)
        account = self._book.accounts.get(login) if login is not None else None
        if account is None:
            return None
        for position in (*account.positions, *account.pending):
            if position.ticket == order:
                return account, position
        return None

    def owner(self, order: int) -> int | None:
        """Return the login owning an open position or pending order.

        Args:
            order: Ticket.

        Returns:
            The login, or None when no open trade has the ticket.
        """
        found = self.find_open(order)
        return found[0].login if found is not None else None

    def get(self, order: int) -> TradeRecord | None:
        """Return an open position, pending order or closed trade by ticket.

        Args:
            order: Ticket.

        Returns:
            Its record now, or None when the ticket is unknown.
        """
        found = self.find_open(order)
        if found is not None:
            account, position = found
            return snapshot(self._book.prices, position, self._currency(account))
        return self._book.closed_record(order)

    def open_trades(self) -> list[TradeRecord]:
        """Return every open position and pending order, by ascending ticket.

        Returns:
            The records.
        """
        prices = self._book.prices
        records = [snapshot(prices, pos, self._currency(acc)) for acc, pos in self._open_items()]
        return sorted(records, key=lambda record: record.order)

    def of_login(self, login: int) -> list[TradeRecord]:
        """Return one account's open positions and pending orders, by ascending ticket.

        Args:
            login: The account (unknown logins have none).

        Returns:
            The records.
        """
        account = self._book.accounts.get(login)
        if account is None:
            return []
        currency = self._currency(account)
        items = [snapshot(self._book.prices, pos, currency) for pos in (*account.positions, *account.pending)]
        return sorted(items, key=lambda record: record.order)

    def history(self, login: int, start: float | None = None, end: float | None = None) -> list[TradeRecord]:
        """Return closed trades, deleted orders and balance/credit records of an account.

        Args:
            login: The account.
            start: Earliest close time (inclusive), None for all.
            end: Latest close time (inclusive), None for all.

        Returns:
            The records by close time, then ticket.
        """
        records = [record for record in self._book.history_of(login) if in_window(record, start, end)]
        return sorted(records, key=lambda record: (record.close_time, record.order))
