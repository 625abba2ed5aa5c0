"""Seeded random-walk price feed: produces ticks and keeps the last quote of every symbol.

Imports: numpy and ``desktop.simulator.world.market.symbols``. Used by ``pump`` (timed generation),
``control`` (manual ``advance``), ``book`` (prices for P/L and margin) and the REST
market endpoints.

The mid price of each symbol is an integer count of 1/1000 points and moves by whole
such steps, so the path is exact integer arithmetic: the same seed gives the same
ticks whether they are drawn one at a time or in batches of any size. Two independent
numpy streams, both derived from the seed, choose the symbol of each tick (weighted:
majors are busier) and its price step.

Market faults act on the feed without touching the random streams, so a faulted run draws
exactly the same numbers as a calm one: a stalled symbol's draws are discarded (its price
stays, the other symbols tick on); ``set_spread`` widens a symbol's spread around the same
mid (``symbols`` then carries the changed spec, so REST and hub configuration show it) and
``jump`` moves a mid by whole points; both return the one requote tick to publish.
``drawn`` counts the ticks drawn from the random streams (the clock of scenarios), while
``generated`` counts the ticks published (jumps and requotes included, stalled ones not).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from desktop.simulator.world.market.symbols import SYMBOLS, SymbolSpec

#: Sub-point resolution of the internal mid price.
_SUB = 1000
#: Volatility is calibrated for at least this many ticks per second in total.
_REFERENCE_RATE = 60.0


@dataclass
class TickBatch:
    """Ticks generated together; they share one timestamp.

    Attributes:
        indices: Symbol index (into ``SYMBOLS``) of each tick.
        bids: Bid of each tick.
        asks: Ask of each tick.
        time: Unix time of the batch, in seconds.
        first_seq: Sequence number of the first tick since the feed started.
    """

    indices: list[int]
    bids: list[float]
    asks: list[float]
    time: float
    first_seq: int
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.indices)


class PriceFeed:
    """Seeded tick generator plus the last quote of every symbol.

    Args:
        seed: Seed of the price path.
        tick_rate: Configured total ticks per second; scales the per-tick step so that
            the per-second volatility stays realistic at any rate.
        start_time: Unix time stamped on the initial quotes.
        symbols: Catalogue to quote (default: ``SYMBOLS``).
    """

    def __init__(
        self, seed: int, tick_rate: float, start_time: float, symbols: tuple[SymbolSpec, ...] = SYMBOLS
    ) -> None:
        self.symbols = symbols
        self._catalogue = symbols
        self._stalled = np.zeros(len(symbols), dtype=bool)
        self._any_stalled = False
        self.drawn = 0
        self._by_name = {spec.name: i for i, spec in enumerate(symbols)}
        self._by_upper = {spec.name.upper(): i for i, spec in enumerate(symbols)}
        choice_seq, shock_seq = np.random.SeedSequence([seed, 0xFEED]).spawn(2)
        self._choice_rng = np.random.default_rng(choice_seq)
        self._shock_rng = np.random.default_rng(shock_seq)
        weights = np.array([s.weight for s in symbols], dtype=np.float64)
        share = weights / weights.sum()
        self._cumulative = np.cumsum(share)
        self._cumulative[-1] = 1.0
        self._scale = np.array([10.0**s.digits for s in symbols])
        self._spread = np.array([s.spread for s in symbols], dtype=np.int64)
        self._half_spread = self._spread * (_SUB // 2)
        self._floor = (self._spread + 1) * _SUB
        self._mid = np.array([round(s.price * 10**s.digits) * _SUB for s in symbols], dtype=np.int64)
        rate = np.maximum(max(tick_rate, _REFERENCE_RATE) * share, 1e-9)
        per_second = np.array([s.volatility * s.price * 10**s.digits * _SUB for s in symbols])
        self._sigma = per_second / np.sqrt(rate)
        bid_points = self._bid_points(self._mid, self._half_spread)
        self._bid: list[float] = (bid_points / self._scale).tolist()
        self._ask: list[float] = ((bid_points + self._spread) / self._scale).tolist()
        self._time: list[float] = [start_time] * len(symbols)
        self.generated = 0

    @staticmethod
    def _bid_points(mid: np.ndarray, half_spread: np.ndarray) -> np.ndarray:
        points: np.ndarray = (mid - half_spread + _SUB // 2) // _SUB
        return points

    def resolve(self, name: str) -> int | None:
        """Find a symbol by name, exactly first, then ignoring case.

        Args:
            name: Symbol name as a client sent it.

        Returns:
            Index into ``symbols``, or None when unknown.
        """
        found = self._by_name.get(name)
        return found if found is not None else self._by_upper.get(name.upper())

    def quote(self, index: int) -> tuple[float, float, float]:
        """Return the last ``(bid, ask, unix_time)`` of a symbol.

        Args:
            index: Symbol index.

        Returns:
            The last quote.
        """
        return self._bid[index], self._ask[index], self._time[index]

    def mid(self, index: int) -> float:
        """Return the last mid price of a symbol.

        Args:
            index: Symbol index.

        Returns:
            (bid + ask) / 2.
        """
        return (self._bid[index] + self._ask[index]) / 2.0

    def next_batch(self, count: int, now: float) -> TickBatch:
        """Draw the next ``count`` ticks of the path and make them the last quotes.

        Args:
            count: Number of ticks.
            now: Unix time to stamp on them.

        Returns:
            The ticks, in generation order (none for a count below 1).
        """
        if count < 1:
            return TickBatch([], [], [], now, self.generated)
        draws = self._choice_rng.random(count)
        idx = np.minimum(np.searchsorted(self._cumulative, draws, side="right"), len(self.symbols) - 1)
        steps = np.rint(self._shock_rng.standard_normal(count) * self._sigma[idx]).astype(np.int64)
        self.drawn += count
        if self._any_stalled:
            keep = ~self._stalled[idx]
            idx, steps = idx[keep], steps[keep]
            count = len(idx)
            if count == 0:
                return TickBatch([], [], [], now, self.generated)
        order = np.argsort(idx, kind="stable")
        sorted_idx = idx[order]
        running = np.cumsum(steps[order])
        starts = np.flatnonzero(np.r_[True, sorted_idx[1:] != sorted_idx[:-1]])
        lengths = np.diff(np.r_[starts, count])
        before = np.repeat(running[starts] - steps[order][starts], lengths)
        mids_sorted = self._mid[sorted_idx] + (running - before)
        mids_sorted = np.maximum(mids_sorted, self._floor[sorted_idx])
        ends = starts + lengths - 1
        self._mid[sorted_idx[ends]] = mids_sorted[ends]
        mids = np.empty(count, dtype=np.int64)
        mids[order] = mids_sorted
        bid_points = self._bid_points(mids, self._half_spread[idx])
        bids = (bid_points / self._scale[idx]).tolist()
        asks = ((bid_points + self._spread[idx]) / self._scale[idx]).tolist()
        indices = idx.tolist()
        self._remember_last(indices, bids, asks, now)
        batch = TickBatch(indices, bids, asks, now, self.generated)
        self.generated += count
        return batch

    def _remember_last(self, indices: list[int], bids: list[float], asks: list[float], now: float) -> None:
        seen: set[int] = set()
        for pos in range(len(indices) - 1, -1, -1):
            index = indices[pos]
            if index in seen:
                continue
            seen.add(index)
            self._bid[index] = bids[pos]
            self._ask[index] = asks[pos]
            self._time[index] = now
            if len(seen) == len(self.symbols):
                break

    def set_stalled(self, index: int, stalled: bool) -> None:
        """Stop (or resume) the ticks of one symbol; the others are not affected.

        Args:
            index: Symbol index.
            stalled: True to stop its ticks.
        """
        self._stalled[index] = stalled
        self._any_stalled = bool(self._stalled.any())

    def is_stalled(self, index: int) -> bool:
        """Tell whether a symbol's ticks are stopped.

        Args:
            index: Symbol index.

        Returns:
            True while stalled.
        """
        return bool(self._stalled[index])

    def base_spread(self, index: int) -> int:
        """Return a symbol's catalogue spread in points.

        Args:
            index: Symbol index.

        Returns:
            The spread before any change.
        """
        return self._catalogue[index].spread

    def set_spread(self, index: int, points: int, now: float) -> TickBatch:
        """Change a symbol's spread around its current mid.

        Args:
            index: Symbol index.
            points: New spread in points (at least 1).
            now: Unix time of the requote.

        Returns:
            The requote tick (not yet published).
        """
        points = max(1, int(points))
        self._spread[index] = points
        self._half_spread[index] = points * (_SUB // 2)
        self._floor[index] = (points + 1) * _SUB
        specs = list(self.symbols)
        specs[index] = dataclasses.replace(specs[index], spread=points)
        self.symbols = tuple(specs)
        return self._requote(index, now)

    def jump(self, index: int, points: int, now: float) -> TickBatch:
        """Move a symbol's mid by whole points at once (a price gap).

        Args:
            index: Symbol index.
            points: Signed move in points.
            now: Unix time of the tick.

        Returns:
            The tick at the new price (not yet published).
        """
        self._mid[index] = max(int(self._mid[index]) + int(points) * _SUB, int(self._floor[index]))
        return self._requote(index, now)

    def restore(self, now: float) -> list[TickBatch]:
        """Resume every stalled symbol and give every symbol its catalogue spread back.

        Args:
            now: Unix time of the requotes.

        Returns:
            The requote ticks of the symbols whose spread changed (not yet published).
        """
        self._stalled[:] = False
        self._any_stalled = False
        return [
            self.set_spread(i, spec.spread, now)
            for i, spec in enumerate(self._catalogue)
            if self.symbols[i].spread != spec.spread
        ]

    def _requote(self, index: int, now: float) -> TickBatch:
        bid_points = int(self._bid_points(self._mid[index : index + 1], self._half_spread[index : index + 1])[0])
        scale = float(self._scale[index])
        bid, ask = bid_points / scale, (bid_points + int(self._spread[index])) / scale
        self._bid[index], self._ask[index], self._time[index] = bid, ask, now
        batch = TickBatch([index], [bid], [ask], now, self.generated)
        self.generated += 1
        return batch
