"""Server reports of the MT4 server: daily account reports and performance snapshots.

Imports: stdlib and ``desktop.simulator`` model modules. Used by ``rest.v2.reports``.

Daily reports (``daily_rows``): one row per account and complete UTC day (server time =
UTC), stamped with the day's start. Balance, deposits (balance records), credit and closed
profit (profit + commission + swap of trades closed that day) come from the account's
history, so they add up to today's balance exactly. Floating profit, margin and equity are
those of the positions open at the end of the day — positions still open now and closed
trades that spanned the day end — valued at the day's closing bid (D1 bars of the tick
history; ask = bid + the catalogue spread) with the account's current leverage. A day before
the account's registration, one not complete yet, or one without price history has no row.

Performance (``samples``): one snapshot per 5 minutes of the last 7 days, seeded by its time
(so the same time always reports the same figures); ``users`` is the number of online
sessions, the others vary within plausible ranges of a small server.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass

from desktop.simulator.world.market.symbols import SymbolSpec
from desktop.simulator.world.mt4.accounts import Account, Position, account_state
from desktop.simulator.world.mt4.book import Book
from desktop.simulator.world.mt4.trades import TradeRecord

DAY = 86_400
PERFORMANCE_STEP = 300
PERFORMANCE_KEPT = 7 * DAY


@dataclass(frozen=True)
class Sample:
    """One ``MT4Performance`` snapshot."""

    time: int
    users: int
    cpu: int
    free_mem: int
    network: int
    sockets: int


@dataclass(frozen=True)
class DailyRow:
    """One ``MT4DailyReport`` row (money in cents where it is booked, floats where it is valued)."""

    login: int
    day: int
    group: str
    balance_prev_cents: int
    balance_cents: int
    deposit_cents: int
    credit_cents: int
    profit_closed_cents: int
    profit: float
    equity: float
    margin: float


def samples(online: int, start: float | None, now: float) -> list[Sample]:
    """Return the performance snapshots from ``start`` (default: all kept) up to ``now``.

    Args:
        online: Online sessions now.
        start: Earliest snapshot time, or None.
        now: Unix time.

    Returns:
        The snapshots, oldest first.
    """
    last = int(now) // PERFORMANCE_STEP * PERFORMANCE_STEP
    first = last - PERFORMANCE_KEPT + PERFORMANCE_STEP
    if start is not None:
        first = max(first, -(-int(start) // PERFORMANCE_STEP) * PERFORMANCE_STEP)
    rows = []
    for slot in range(first, last + 1, PERFORMANCE_STEP):
        draw = random.Random(f"performance:{slot}")
        users = max(0, online + draw.randint(-online // 5 - 1, online // 5 + 1))
        rows.append(Sample(slot, users, draw.randint(3, 35), draw.randint(1_500_000, 3_000_000),
                           draw.randint(50, 900), users + draw.randint(20, 60)))  # fmt: skip
    return rows


class DayClose:
    """Prices at the end of one day (fits ``margin.Prices``): each symbol's D1 closing bid.

    Args:
        book: The accounts (for the symbol catalogue).
        closes: Symbol index → day start → closing bid.
        day: Start of the day.
        spreads: Catalogue spread of each symbol, in points.
    """

    def __init__(self, book: Book, closes: Callable[[int], dict[int, float]], day: int, spreads: list[int]) -> None:
        self.symbols: tuple[SymbolSpec, ...] = book.prices.symbols
        self.resolve = book.prices.resolve
        self._closes = closes
        self._day = day
        self._spreads = spreads

    def quote(self, index: int) -> tuple[float, float, float]:
        """Closing ``(bid, ask, time)`` of the day."""
        bid = self._closes(index)[self._day]  # KeyError: no price history for that day
        spec = self.symbols[index]
        return bid, round(bid + self._spreads[index] * spec.point, spec.digits), float(self._day + DAY)

    def mid(self, index: int) -> float:
        """Closing mid price of the day."""
        bid, ask, _ = self.quote(index)
        return (bid + ask) / 2


def _position(record: TradeRecord, index: int) -> Position:
    return Position(ticket=record.order, symbol=index, cmd=record.cmd, volume=record.volume,
                    open_price=record.open_price, open_time=record.open_time, commission=record.commission,
                    storage=record.storage, login=record.login)  # fmt: skip


def daily_rows(book: Book, account: Account, days: range, closes: Callable[[int], dict[int, float]],
               spreads: list[int]) -> list[DailyRow]:  # fmt: skip
    """Return the daily rows of one account for the day starts in ``days``.

    Args:
        book: The accounts.
        account: The account.
        days: Day starts (UTC midnight), complete days only.
        closes: Symbol index → day start → closing bid.
        spreads: Catalogue spread of each symbol.

    Returns:
        The rows, by day.
    """
    history = book.history_of(account.login)
    group = book.group_of(account)
    rows = []
    for day in days:
        end = day + DAY
        if account.registered >= end:
            continue
        booked = [r for r in history if r.close_time < end]
        today = [r for r in booked if r.close_time >= day]
        prices = DayClose(book, closes, day, spreads)
        held = [p for p in account.positions if p.open_time < end]
        spanning = [r for r in history if r.cmd < 2 and r.state != "Deleted" and r.open_time < end <= r.close_time]
        held += [_position(r, i) for r in spanning if (i := book.prices.resolve(r.symbol)) is not None]
        cents = _cents(booked)
        then = dataclasses.replace(account, positions=held, pending=[], balance_cents=cents[0], credit_cents=cents[1])
        try:
            state = account_state(prices, then, group)
        except KeyError:
            continue  # a day without price history: no valuation, no row
        rows.append(DailyRow(account.login, day, account.group, cents[0] - _cents(today)[0], cents[0],
                             sum(round(r.profit * 100) for r in today if r.cmd == 6), cents[1],
                             sum(_trade_cents(r) for r in today if r.cmd < 2), round(state.profit, 2),
                             round(state.equity, 2), round(state.margin, 2)))  # fmt: skip
    return rows


def _trade_cents(record: TradeRecord) -> int:
    if record.state == "Deleted":
        return 0
    return round((record.profit + record.commission + record.storage + record.taxes) * 100)


def _cents(records: list[TradeRecord]) -> tuple[int, int]:
    balance = sum(round(r.profit * 100) for r in records if r.cmd == 6) + sum(_trade_cents(r) for r in records
                                                                            if r.cmd < 2)  # fmt: skip
    credit = sum(round(r.profit * 100) for r in records if r.cmd == 7)
    return balance, credit
