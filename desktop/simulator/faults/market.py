"""Market faults: a stalled symbol, a widened spread, a price gap, and the plan of a margin-call wave.

Imports: stdlib and ``desktop.simulator`` (``accounts``, ``events``, ``feed``, ``margin``).
One ``Market`` per simulator lives at ``SimControl.market``; scenarios and the ``/_sim/``
routes use it, tests may call it directly (on the simulator's loop).

Every change that moves a quote publishes the requote tick at once (to the hub and the
tick history, like ``SimControl.advance``); a spread change also publishes
``SymbolChanged("Updated", symbol)`` on ``control.events``.

A margin-call wave is planned here and played by ``scenarios`` (one gap per step). The
plan picks a symbol and a direction and the accounts it hurts: either the given logins
(the symbol is the one where their combined net exposure, in USD, is largest, and the
price moves against it), or the ``count`` accounts with the largest exposure on the
heavier side of the symbol with the largest one-sided exposure (accounts already at stop
out are skipped). The total move is found by bisection on hypothetical prices: the
smallest move that brings every chosen account that can get there (within half the price)
to its group's stop-out level, plus 5 %. Positions are not closed here: the hub's margin
monitor reports the margin calls and stop outs; closing positions is the trading model's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from desktop.simulator.world.events import SymbolChanged
from desktop.simulator.world.market.feed import PriceFeed, TickBatch
from desktop.simulator.world.market.symbols import SymbolSpec
from desktop.simulator.world.mt4.accounts import Account, account_state
from desktop.simulator.world.mt4.margin import Prices, convert

if TYPE_CHECKING:
    from desktop.simulator.hubs.registry import HubRegistry
    from desktop.simulator.world.events import EventBus
    from desktop.simulator.world.mt4.book import Book

_OVERSHOOT = 1.05
_MAX_MOVE = 0.5
_BISECTIONS = 40


class MarketHost(Protocol):
    """What market faults use of the simulator (``SimControl`` fits)."""

    feed: PriceFeed

    hub: HubRegistry

    events: EventBus

    book: Book

    clock: Callable[[], float]


class UnknownSymbol(ValueError):
    """No symbol has that name."""


@dataclass(frozen=True)
class WavePlan:
    """How a margin-call wave will move one symbol.

    Attributes:
        symbol: Symbol name.
        index: Symbol index.
        logins: Accounts it is aimed at.
        direction: -1 (price falls) or +1 (price rises).
        total_points: Whole move in points (signed).
        step_points: Move of one step in points (signed).
        steps: Number of steps.
    """

    symbol: str
    index: int
    logins: tuple[int, ...]
    direction: int
    total_points: int
    step_points: int
    steps: int

    def describe(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data."""
        return {"symbol": self.symbol, "logins": list(self.logins), "direction": self.direction,
                "totalPoints": self.total_points, "stepPoints": self.step_points, "steps": self.steps}  # fmt: skip


class _Shifted:
    """A price source equal to the feed except one symbol moved by ``shift`` (price units)."""

    def __init__(self, feed: PriceFeed, index: int, shift: float) -> None:
        self.symbols: tuple[SymbolSpec, ...] = feed.symbols
        self._feed, self._index, self._shift = feed, index, shift

    def resolve(self, name: str) -> int | None:
        return self._feed.resolve(name)

    def quote(self, index: int) -> tuple[float, float, float]:
        bid, ask, when = self._feed.quote(index)
        return (bid + self._shift, ask + self._shift, when) if index == self._index else (bid, ask, when)

    def mid(self, index: int) -> float:
        return self._feed.mid(index) + (self._shift if index == self._index else 0.0)


class Market:
    """Market faults of one simulator.

    Args:
        control: The simulator.
    """

    def __init__(self, control: MarketHost) -> None:
        self._control = control

    @property
    def _feed(self) -> PriceFeed:
        return self._control.feed

    def index(self, symbol: str) -> int:
        """Find a symbol.

        Args:
            symbol: Its name (any case).

        Returns:
            Its index.

        Raises:
            UnknownSymbol: No such symbol.
        """
        found = self._feed.resolve(symbol)
        if found is None:
            raise UnknownSymbol(f"unknown symbol '{symbol}'")
        return found

    def _publish(self, batch: TickBatch) -> None:
        charts = getattr(self._control, "charts", None)  # tick history, when the simulator keeps one
        if charts is not None:
            charts.record(batch)
        self._control.hub.publish(batch)
        stops = getattr(self._control, "stops", None)  # pending orders, SL/TP and stop out, when simulated
        if stops is not None:
            stops.check(set(batch.indices), batch.time)

    def stall(self, symbol: str, stalled: bool = True) -> None:
        """Stop (or resume) the ticks of one symbol; the others continue.

        Args:
            symbol: Symbol name.
            stalled: False resumes it.
        """
        self._feed.set_stalled(self.index(symbol), stalled)

    def widen_spread(self, symbol: str, factor: float) -> int:
        """Multiply a symbol's catalogue spread (factor 1 restores it).

        Args:
            symbol: Symbol name.
            factor: Multiplier (> 0).

        Returns:
            The new spread in points.
        """
        if not factor > 0:
            raise ValueError("factor must be positive")
        index = self.index(symbol)
        points = max(1, round(self._feed.base_spread(index) * factor))
        self._publish(self._feed.set_spread(index, points, self._control.clock()))
        self._control.events.publish(SymbolChanged("Updated", self._feed.symbols[index].name))
        return points

    def gap(self, symbol: str, points: int) -> tuple[float, float]:
        """Jump a symbol's price by ``points`` (signed) at once.

        Args:
            symbol: Symbol name.
            points: Signed move in points.

        Returns:
            The new bid and ask.
        """
        batch = self._feed.jump(self.index(symbol), points, self._control.clock())
        self._publish(batch)
        return batch.bids[0], batch.asks[0]

    def restore(self) -> None:
        """Resume stalled symbols and restore every spread (prices stay where they are)."""
        for batch in self._feed.restore(self._control.clock()):
            self._publish(batch)
            self._control.events.publish(SymbolChanged("Updated", self._feed.symbols[batch.indices[0]].name))

    # -- margin-call wave ----------------------------------------------------------------

    def _exposures(self, logins: set[int] | None) -> dict[int, dict[int, float]]:
        """Net USD exposure by symbol, then login (long positive)."""
        feed = self._feed
        result: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for account in self._control.book.accounts.values():
            if logins is not None and account.login not in logins:
                continue
            for pos in account.positions:
                spec = feed.symbols[pos.symbol]
                notional = pos.lots * spec.contract_size * feed.mid(pos.symbol) * (1 if pos.cmd == 0 else -1)
                result[pos.symbol][account.login] += convert(feed, notional, spec.profit_currency, "USD")
        return result

    def _level(self, prices: Prices, account: Account) -> tuple[float, float]:
        group = self._control.book.group_of(account)
        state = account_state(prices, account, group)
        return (state.level if state.margin > 0 else math.inf), group.stop_out

    def _needed(self, account: Account, index: int, direction: int) -> float | None:
        """Smallest move (price units, positive) that takes an account to stop out, or None."""
        cap = self._feed.mid(index) * _MAX_MOVE
        level, stop_out = self._level(_Shifted(self._feed, index, direction * cap), account)
        if level > stop_out:
            return None
        low, high = 0.0, cap
        for _ in range(_BISECTIONS):
            middle = (low + high) / 2
            level, _ = self._level(_Shifted(self._feed, index, direction * middle), account)
            low, high = (low, middle) if level <= stop_out else (middle, high)
        return high

    def _choose(self, logins: tuple[int, ...] | None, count: int, symbol: str | None) -> tuple[int, int, list[int]]:
        """Pick (symbol index, direction of the move, logins) of a wave."""
        wanted = set(logins) if logins else None
        exposures = self._exposures(wanted)
        if symbol is not None:
            index = self.index(symbol)
            exposures = {index: exposures.get(index, {})}
        if wanted is None:
            return self._largest(exposures, count)
        if not exposures:
            raise ValueError("the given accounts have no open positions")
        chosen = max(sorted(exposures), key=lambda i: abs(sum(exposures[i].values())))
        return chosen, -1 if sum(exposures[chosen].values()) > 0 else 1, sorted(wanted)

    def _largest(self, exposures: dict[int, dict[int, float]], count: int) -> tuple[int, int, list[int]]:
        """The heaviest side of the most exposed symbol, and its ``count`` largest accounts."""
        sides = [(i, sign) for i in sorted(exposures) for sign in (1, -1)]
        if not sides:
            raise ValueError("no account has open positions")
        index, sign = max(sides, key=lambda s: sum(v for v in exposures[s[0]].values() if v * s[1] > 0))
        books = self._control.book.accounts
        ranked = sorted(((v * sign, login) for login, v in exposures[index].items() if v * sign > 0), reverse=True)
        chosen = [login for _, login in ranked if self._not_stopped(books[login])]
        return index, -sign, chosen[:count]

    def _not_stopped(self, account: Account) -> bool:
        level, stop_out = self._level(self._feed, account)
        return level > stop_out

    def plan_wave(
        self, logins: tuple[int, ...] | None = None, count: int = 5, symbol: str | None = None, steps: int = 20
    ) -> WavePlan:
        """Plan a margin-call wave at the current prices.

        Args:
            logins: Accounts to hit (default: the largest exposures, see the module docstring).
            count: How many accounts to pick when ``logins`` is not given.
            symbol: Symbol to move (default: chosen from the exposures).
            steps: Number of equal steps of the move.

        Returns:
            The plan (nothing has moved yet).
        """
        if count < 1 or steps < 1:
            raise ValueError("count and steps must be at least 1")
        index, direction, chosen = self._choose(logins, count, symbol)
        books = self._control.book.accounts
        needs = [self._needed(books[login], index, direction) for login in chosen if login in books]
        reachable = [need for need in needs if need is not None]
        spec = self._feed.symbols[index]
        move = max(reachable, default=self._feed.mid(index) * 0.01) * _OVERSHOOT
        total = max(steps, math.ceil(move / spec.point))
        step = math.ceil(total / steps)
        return WavePlan(spec.name, index, tuple(chosen), direction, direction * step * steps, direction * step, steps)

    def wave_step(self, plan: WavePlan) -> None:
        """Play one step of a wave (one gap of ``plan.step_points``).

        Args:
            plan: The wave.
        """
        self.gap(plan.symbol, plan.step_points)

    def at_stop_out(self, plan: WavePlan) -> list[int]:
        """Return the wave's accounts that reached stop out: at or below the level now, or liquidated.

        The simulated server closes positions at stop out (``world.mt4.stops``), so an account
        the wave drove there is usually above the level again, with its largest losers closed.

        Args:
            plan: The wave.

        Returns:
            Their logins.
        """
        books = self._control.book.accounts
        stops = getattr(self._control, "stops", None)
        liquidated: set[int] = stops.stopped_out if stops is not None else set()
        return [login for login in plan.logins
                if login in liquidated or (login in books and not self._not_stopped(books[login]))]  # fmt: skip
