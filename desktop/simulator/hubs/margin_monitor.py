"""Margin monitor: watches every account with open positions at live prices and reports margin-call changes.

Imports: stdlib and ``desktop.simulator`` (``book``, ``events``, ``feed``, ``hubs.payloads``,
``margin``, ``mt5``). Started by the hub registry (``HubRegistry.start``) on the simulator's
loop; tests call ``scan()``.

Every ``interval`` seconds (default 0.5) it values the accounts that hold positions, plus
those it last saw in margin call or stop out, on both platforms: MT4 accounts with
``Book.state`` (about 3 ms for the seeded 1,000 accounts), MT5 accounts with the same
arithmetic over their positions (MT5 volume 10 000 = 1 lot; no hedged-margin netting). It
classifies them with the group's margin-call / stop-out levels and publishes
``MarginCallChanged(login)`` (MT4 and MT5 logins do not overlap) when an account

* changes level kind (Ok ↔ MarginCall ↔ StopOut, including leaving the call), or
* stays in margin call or stop out while its level (rounded to 0.01 %) moves.

The first scan only records the current state (accounts already in call are not
"changes"; streams send them as a snapshot when they open). ``transition(login)`` tells the
hub the level kinds before and after the last reported change (for MT5's Enter/Leave
items). Closing positions at stop out is the world's (``world.mt4.stops``); this only reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from desktop.simulator.hubs.payloads import level_number
from desktop.simulator.world.events import EventBus, MarginCallChanged
from desktop.simulator.world.market.feed import PriceFeed
from desktop.simulator.world.mt4.book import Book
from desktop.simulator.world.mt4.margin import Prices, convert, level_of, position_margin, position_profit
from desktop.simulator.world.mt5.platform import MT5_LOT, Mt5Book, Mt5Position, Mt5User, mt5_group

_log = logging.getLogger(__name__)
#: Seconds between scans.
DEFAULT_INTERVAL = 0.5


class MonitorState(Protocol):
    """What the monitor reads (``SimControl`` fits)."""

    book: Book
    mt5: Mt5Book
    feed: PriceFeed
    events: EventBus


@dataclass(frozen=True)
class _Seen:
    kind: int
    level: float


class MarginMonitor:
    """Background scan of margin levels.

    Args:
        state: The MT4 and MT5 books to watch (read live on every scan), prices, and the bus
            that receives ``MarginCallChanged``.
        interval: Seconds between scans.
    """

    def __init__(self, state: MonitorState, interval: float = DEFAULT_INTERVAL) -> None:
        self._state = state
        self._events = state.events
        self._interval = interval
        self._seen: dict[int, _Seen] = {}
        self._transitions: dict[int, tuple[int, int]] = {}
        self._task: asyncio.Task[None] | None = None
        self._baseline = False
        self.scans = 0

    def start(self) -> None:
        """Record the current state and start scanning (no-op when running)."""
        if self._task is None:
            self.scan()
            self._task = asyncio.create_task(self._run(), name="margin-monitor")

    async def stop(self) -> None:
        """Stop scanning."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                self.scan()
            except Exception:  # noqa: BLE001 - a model in flux must not end the monitor
                _log.exception("margin scan failed")

    def in_call(self) -> list[int]:
        """Return the logins last seen in margin call or stop out (scanning first if never done).

        Returns:
            Logins in ascending order.
        """
        if not self._baseline:
            self.scan()
        return sorted(self._seen)

    def transition(self, login: int) -> tuple[int, int] | None:
        """Return the native level kinds before and after the last change reported for an account.

        Args:
            login: The account.

        Returns:
            ``(old, new)`` (0 Ok, 1 MarginCall, 2 StopOut), or None if none was reported.
        """
        return self._transitions.get(login)

    def scan(self) -> list[int]:
        """Value the watched accounts now and publish the changes (none on the first scan).

        Returns:
            Logins for which ``MarginCallChanged`` was published.
        """
        seen = self._seen
        changed: list[int] = []
        current: dict[int, _Seen] = {}
        for login, kind, level in (*self._mt4_levels(), *self._mt5_levels()):
            now = _Seen(kind, round(level, 2))
            if kind:
                current[login] = now
            before = seen.get(login)
            if (before.kind if before else 0) != kind or (kind and before != now):
                changed.append(login)
                self._transitions[login] = (before.kind if before else 0, kind)
        self._seen = current
        self.scans += 1
        if not self._baseline:
            self._baseline = True
            self._transitions.clear()
            return []
        for login in changed:
            self._events.publish(MarginCallChanged(login))
        return changed

    def _mt4_levels(self) -> Iterator[tuple[int, int, float]]:
        book, seen = self._state.book, self._seen
        for login, account in book.accounts.items():
            if account.positions or login in seen:
                state = book.state(account)
                yield login, level_number(state, book.group_of(account)), state.level

    def _mt5_levels(self) -> Iterator[tuple[int, int, float]]:
        mt5, prices = self._state.mt5, self._state.feed
        held: dict[int, list[Mt5Position]] = defaultdict(list)
        for position in mt5.positions:
            held[position.login].append(position)
        for login in (held.keys() | self._seen.keys()) & mt5.users.keys():
            user = mt5.users[login]
            group = mt5_group(user.group)
            if group is not None:
                equity, margin = _mt5_money(prices, user, group.currency, held.get(login, []))
                level = level_of(equity, margin)
                yield login, _kind(level, group.margin_call, group.stop_out) if margin > 0 else 0, level


def _kind(level: float, margin_call: float, stop_out: float) -> int:
    return 2 if level <= stop_out else 1 if level <= margin_call else 0


def mt5_money(prices: Prices, book: Mt5Book, login: int) -> tuple[float, float]:
    """Value an MT5 account at the current prices, as ``account_state`` values an MT4 one.

    Args:
        prices: Price source.
        book: The MT5 platform's book.
        login: The account (must exist, in a known group).

    Returns:
        Its equity and margin, in the deposit currency.
    """
    user = book.users[login]
    group = mt5_group(user.group)
    currency = group.currency if group is not None else "USD"
    return _mt5_money(prices, user, currency, [p for p in book.positions if p.login == login])


def _mt5_money(prices: Prices, user: Mt5User, currency: str, positions: list[Mt5Position]) -> tuple[float, float]:
    profit = margin = 0.0
    for position in positions:
        spec = prices.symbols[position.symbol]
        lots = position.volume / MT5_LOT
        raw = position_profit(prices, position.symbol, position.action, lots, position.price_open)
        profit += convert(prices, raw, spec.profit_currency, currency) + position.storage
        margin += position_margin(prices, position.symbol, lots, user.leverage, currency)
    return (user.balance_cents + user.credit_cents) / 100 + profit, margin
