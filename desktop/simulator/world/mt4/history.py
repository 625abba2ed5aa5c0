"""Seeded account history: the closed trades and balance/credit records behind each generated balance.

Imports: numpy and ``desktop.simulator`` model modules. Used by ``book`` (initial state and
``reset``); read through ``TradeDesk.history`` (``TradesUserHistory``).

Every generated account gets an initial deposit at registration, a credit record when it
has credit, and 0-5 closed trades between registration and the data epoch. The records add
up: deposit + withdrawal (when needed) + the net result (profit, commission and swap) of the
closed trades = the balance at the reset, to the cent. The draws come from a numpy stream
per account (``[seed, 0x4157, login]``), so the accounts themselves are exactly what
``generator`` made, and a history is generated only when first read (resets stay cheap).
History tickets start at ``FIRST_HISTORY_TICKET`` (``SLOT`` per account, in login order),
below the open positions' tickets.
Closed-trade prices are drawn around the catalogue prices; they are not taken from the
chart history (which is anchored at the simulator's start, not at the data epoch).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from desktop.simulator.world.mt4.accounts import Account, group_by_name
from desktop.simulator.world.mt4.generator import DATA_EPOCH
from desktop.simulator.world.mt4.margin import Prices, convert
from desktop.simulator.world.mt4.trades import TradeRecord

FIRST_HISTORY_TICKET = 1_000_001
#: Tickets reserved for each generated account's history.
SLOT = 10
_DAY = 86_400


def balance_record(ticket: int, login: int, credit: bool, cents: int, comment: str, when: int) -> TradeRecord:
    """Build the history record of a balance or credit operation.

    Args:
        ticket: Its ticket.
        login: Account.
        credit: True for credit, False for balance.
        cents: Signed amount in cents.
        comment: Comment.
        when: Unix time.

    Returns:
        A closed record with ``cmd`` 6 (Balance) or 7 (Credit) and the amount as profit.
    """
    return TradeRecord(
        order=ticket, login=login, symbol="", digits=0, cmd=7 if credit else 6, volume=0, open_price=0.0,
        open_time=when, sl=0.0, tp=0.0, close_price=0.0, close_time=when, expiration=0, commission=0.0,
        storage=0.0, taxes=0.0, profit=cents / 100, magic=0, comment=comment, state="ClosedNormal",
        reason="Dealer", activation="None", timestamp=when, margin_rate=0.0,
    )  # fmt: skip


class _Draws:
    def __init__(self, seed: int, login: int) -> None:
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0x4157, login]))

    def uniform(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))

    def integer(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high))


@dataclass(frozen=True)
class _Origin:
    """What an account's history is generated from (its state at the reset)."""

    slot: int
    balance_cents: int
    credit_cents: int
    registered: int
    group: str


class SeededHistory:
    """The generated history of every seeded account, made on first use.

    Account ``n`` (in login order) owns the tickets ``FIRST_HISTORY_TICKET + n * SLOT`` to
    ``… + SLOT - 1``; its records come from the numpy stream ``[seed, 0x4157, login]``.

    Args:
        seed: Seed of the draws.
        accounts: The generated accounts, by login (their balance and credit now are what
            the history adds up to).
        prices: Catalogue prices (a feed at its initial quotes).
    """

    def __init__(self, seed: int, accounts: dict[int, Account], prices: Prices) -> None:
        self._seed = seed
        self._prices = prices
        self._logins = sorted(accounts)
        self._origins = {
            login: _Origin(slot, a.balance_cents, a.credit_cents, a.registered, a.group)
            for slot, (login, a) in enumerate(sorted(accounts.items()))
        }
        self._cache: dict[int, list[TradeRecord]] = {}

    def of(self, login: int) -> list[TradeRecord]:
        """Return the generated records of an account (none for accounts created later).

        Args:
            login: The account.

        Returns:
            Its records by close time.
        """
        cached = self._cache.get(login)
        if cached is None:
            origin = self._origins.get(login)
            cached = [] if origin is None else self._generate(login, origin)
            self._cache[login] = cached
        return cached

    def find(self, ticket: int) -> TradeRecord | None:
        """Return a generated record by ticket.

        Args:
            ticket: The ticket.

        Returns:
            The record or None.
        """
        slot = (ticket - FIRST_HISTORY_TICKET) // SLOT
        if not 0 <= slot < len(self._logins):
            return None
        return next((record for record in self.of(self._logins[slot]) if record.order == ticket), None)

    def _generate(self, login: int, origin: _Origin) -> list[TradeRecord]:
        draws = _Draws(self._seed, login)
        currency = group_by_name(origin.group).currency
        start = origin.registered
        end = max(start + _DAY, DATA_EPOCH - _DAY)
        trades = [_closed_trade(draws, self._prices, login, currency, start + 3_600, end)
                  for _ in range(draws.integer(0, SLOT - 3))]  # fmt: skip
        net_cents = sum(round((t.profit + t.commission + t.storage) * 100) for t in trades)
        deposit = origin.balance_cents - net_cents
        if deposit < 10_000:
            deposit = max(origin.balance_cents, 0) + abs(net_cents) + 10_000
        records = [balance_record(0, login, False, deposit, "Initial deposit", start), *trades]
        if origin.credit_cents:
            records.append(balance_record(0, login, True, origin.credit_cents, "Bonus", start + 60))
        withdrawal = origin.balance_cents - deposit - net_cents
        if withdrawal:
            records.append(balance_record(0, login, False, withdrawal, "Withdrawal", end))
        records.sort(key=lambda record: record.open_time)
        first = FIRST_HISTORY_TICKET + origin.slot * SLOT
        numbered = [dataclasses.replace(record, order=first + i) for i, record in enumerate(records)]
        return sorted(numbered, key=lambda record: (record.close_time, record.order))


def _closed_trade(draws: _Draws, prices: Prices, login: int, currency: str, start: int, end: int) -> TradeRecord:
    index = draws.integer(0, len(prices.symbols))
    spec = prices.symbols[index]
    cmd = draws.integer(0, 2)
    volume = draws.integer(1, 101)
    opened = int(draws.uniform(start, max(start + 1, end - _DAY)))
    closed = opened + int(draws.uniform(300, 3 * _DAY))
    mid = prices.mid(index)
    open_price = round(mid * (1 + draws.uniform(-0.01, 0.01)), spec.digits)
    close_price = round(open_price * (1 + draws.uniform(-0.004, 0.004)), spec.digits)
    direction = 1 if cmd == 0 else -1
    raw = (close_price - open_price) * direction * spec.contract_size * volume / 100
    lots = volume / 100
    return TradeRecord(
        order=0, login=login, symbol=spec.name, digits=spec.digits, cmd=cmd, volume=volume,
        open_price=open_price, open_time=opened, sl=0.0, tp=0.0, close_price=close_price, close_time=closed,
        expiration=0, commission=-round(7.0 * lots, 2) if spec.is_forex else 0.0,
        storage=round(draws.uniform(-1.5, 0.5) * lots * max(1, (closed - opened) // _DAY), 2), taxes=0.0,
        profit=round(convert(prices, raw, spec.profit_currency, currency), 2), magic=0, comment="",
        state="ClosedNormal", reason="Client", activation="None", timestamp=closed,
        margin_rate=round(convert(prices, 1.0, spec.margin_currency, currency), 6),
    )  # fmt: skip
