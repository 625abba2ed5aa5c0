"""Tick history of every symbol: a seeded past that ends exactly at the feed's first quote, plus the live ticks.

Imports: numpy and ``desktop.simulator`` (``feed``, ``symbols``). Used by ``charts`` (bars
and tick queries); ``SimControl.advance`` hands every generated batch to ``charts.record``.

The past (``HISTORY_DAYS`` days up to the minute the simulator started) is generated per
symbol and UTC day from ``[seed, 0x7153, symbol, day]``: a random walk of the log price
whose daily anchors are drawn backwards from the first bid of the feed, and, inside each
day, a Brownian bridge between the day's two anchors drawn tick by tick (1 + Poisson(1 +
weight/2) ticks per minute, evenly spaced in the minute; the per-second volatility is the
feed's). So the last historical tick is the feed's first bid, to the point. Prices are
integer points (bid; ask = bid + the catalogue spread). Nothing of the past is stored: a
day is regenerated when asked for (hourly bars are cached per day, minute bars for the
most recent days used).

Live ticks are the feed's first quotes (at the start time) and every batch recorded since.
Their minute bars are kept for the whole run; the raw ticks only for the last
``LIVE_TICKS`` ticks of all symbols together.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque

import numpy as np

from desktop.simulator.world.market.symbols import SymbolSpec

HISTORY_DAYS = 200
LIVE_TICKS = 200_000
DAY = 86_400
_MINUTE_CACHE = 64
#: Columns of a bar array: time (Unix s), open, high, low, close (points), volume (ticks).
TIME, OPEN, HIGH, LOW, CLOSE, VOLUME = range(6)


def aggregate(rows: np.ndarray, keys: np.ndarray, times: np.ndarray | None = None) -> np.ndarray:
    """Merge consecutive bar rows that share a key (rows sorted by time).

    Args:
        rows: Bar array (n, 6).
        keys: Bucket key of each row.
        times: Start time of each row's bucket (default: the first row's time).

    Returns:
        One row per bucket.
    """
    if len(rows) == 0:
        return np.empty((0, 6), dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(rows)] - 1
    out = np.empty((len(starts), 6), dtype=np.int64)
    out[:, TIME] = rows[starts, TIME] if times is None else times[starts]
    out[:, OPEN] = rows[starts, OPEN]
    out[:, HIGH] = np.maximum.reduceat(rows[:, HIGH], starts)
    out[:, LOW] = np.minimum.reduceat(rows[:, LOW], starts)
    out[:, CLOSE] = rows[ends, CLOSE]
    out[:, VOLUME] = np.add.reduceat(rows[:, VOLUME], starts)
    return out


class HistoricPath:
    """The generated past of every symbol (see the module docstring).

    Args:
        seed: Seed of the path.
        symbols: The catalogue.
        start_time: Unix time the simulator started (the feed's first quotes).
        first_bids: The feed's first bid of each symbol, in points.
    """

    def __init__(self, seed: int, symbols: tuple[SymbolSpec, ...], start_time: float, first_bids: list[int]) -> None:
        self._seed = seed
        self._symbols = symbols
        self.end = int(start_time // 60) * 60
        self.last_day = (self.end - 1) // DAY
        self.first_day = self.last_day - HISTORY_DAYS + 1
        self._first_bids = first_bids
        self._anchors: dict[int, np.ndarray] = {}
        self._hours: dict[tuple[int, int], np.ndarray] = {}
        self._minutes: OrderedDict[tuple[int, int], np.ndarray] = OrderedDict()

    @property
    def begin(self) -> int:
        """Unix time of the first historical tick's minute."""
        return self.first_day * DAY

    def days(self, start: float, end: float) -> range:
        """Return the historical days overlapping ``[start, end]``.

        Args:
            start: Unix time.
            end: Unix time.

        Returns:
            Day numbers (Unix days), possibly empty.
        """
        first = max(self.first_day, int(start // DAY))
        last = min(self.last_day, int(end // DAY))
        return range(first, last + 1)

    def _rng(self, index: int, day: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence([self._seed, 0x7153, index, day]))

    def _seconds(self, day: int) -> int:
        return min(DAY, self.end - day * DAY)

    def _log_anchors(self, index: int) -> np.ndarray:
        cached = self._anchors.get(index)
        if cached is not None:
            return cached
        vol = self._symbols[index].volatility
        logs = np.empty(HISTORY_DAYS + 1)
        logs[-1] = math.log(self._first_bids[index])
        for offset in range(HISTORY_DAYS - 1, -1, -1):
            day = self.first_day + offset
            z = float(self._rng(index, day).standard_normal())
            logs[offset] = logs[offset + 1] - vol * math.sqrt(self._seconds(day)) * z
        self._anchors[index] = logs
        return logs

    def day_ticks(self, index: int, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Generate one symbol's ticks of one historical day.

        Args:
            index: Symbol index.
            day: Unix day number (within the history).

        Returns:
            Tick times (Unix s) and bids (points).
        """
        spec = self._symbols[index]
        logs = self._log_anchors(index)
        a, b = logs[day - self.first_day], logs[day - self.first_day + 1]
        rng = self._rng(index, day)
        rng.standard_normal()  # the anchor's draw
        minutes = self._seconds(day) // 60
        rate = 1.0 + spec.weight / 2.0
        counts = 1 + rng.poisson(rate, minutes)
        total = int(counts.sum())
        walk = np.cumsum(rng.standard_normal(total) * spec.volatility * math.sqrt(60.0 / (1.0 + rate)))
        share = np.arange(1, total + 1) / total
        path = a + (b - a) * share + walk - share * walk[-1]
        bids = np.maximum(np.rint(np.exp(path)).astype(np.int64), spec.spread + 1)
        starts = np.cumsum(counts) - counts
        position = np.arange(total) - np.repeat(starts, counts)
        seconds = (position * 2 + 1) * 30 // np.repeat(counts, counts)
        times = day * DAY + np.repeat(np.arange(minutes), counts) * 60 + seconds
        return times.astype(np.int64), bids

    def minute_bars(self, index: int, day: int) -> np.ndarray:
        """Return one symbol's minute bars of one historical day (cached for recent use).

        Args:
            index: Symbol index.
            day: Unix day number.

        Returns:
            Bar array (n, 6).
        """
        key = (index, day)
        cached = self._minutes.get(key)
        if cached is not None:
            self._minutes.move_to_end(key)
            return cached
        times, bids = self.day_ticks(index, day)
        rows = np.stack([times, bids, bids, bids, bids, np.ones_like(bids)], axis=1)
        bars = aggregate(rows, times // 60, (times // 60) * 60)
        self._minutes[key] = bars
        if len(self._minutes) > _MINUTE_CACHE:
            self._minutes.popitem(last=False)
        self._hours.setdefault(key, aggregate(bars, bars[:, TIME] // 3600, (bars[:, TIME] // 3600) * 3600))
        return bars

    def hour_bars(self, index: int, day: int) -> np.ndarray:
        """Return one symbol's hourly bars of one historical day (cached).

        Args:
            index: Symbol index.
            day: Unix day number.

        Returns:
            Bar array (n, 6).
        """
        key = (index, day)
        if key not in self._hours:
            self.minute_bars(index, day)
        return self._hours[key]


class LiveTicks:
    """Ticks recorded since the start: minute bars of the whole run, and the most recent raw ticks.

    Args:
        symbols: The catalogue.
    """

    def __init__(self, symbols: tuple[SymbolSpec, ...]) -> None:
        self._scales = [10**spec.digits for spec in symbols]
        self._minutes: list[dict[int, list[int]]] = [{} for _ in symbols]
        self._recent: deque[tuple[int, float, int, int]] = deque(maxlen=LIVE_TICKS)
        self.last: list[tuple[float, int, int] | None] = [None] * len(symbols)
        self.previous_bid: list[int | None] = [None] * len(symbols)

    def add(self, index: int, bid: float, ask: float, when: float) -> None:
        """Record one tick.

        Args:
            index: Symbol index.
            bid: Bid price.
            ask: Ask price.
            when: Unix time.
        """
        scale = self._scales[index]
        bid_points, ask_points = round(bid * scale), round(ask * scale)
        last = self.last[index]
        self.previous_bid[index] = last[1] if last is not None else None
        self.last[index] = (when, bid_points, ask_points)
        self._recent.append((index, when, bid_points, ask_points))
        minute = int(when // 60) * 60
        bar = self._minutes[index].get(minute)
        if bar is None:
            self._minutes[index][minute] = [bid_points, bid_points, bid_points, bid_points, 1]
            return
        bar[1] = max(bar[1], bid_points)
        bar[2] = min(bar[2], bid_points)
        bar[3] = bid_points
        bar[4] += 1

    def minute_bars(self, index: int, start: float, end: float) -> np.ndarray:
        """Return the live minute bars of a symbol whose minute overlaps ``[start, end]``.

        Args:
            index: Symbol index.
            start: Unix time.
            end: Unix time.

        Returns:
            Bar array (n, 6), by time.
        """
        low = int(start // 60) * 60
        items = sorted((t, bar) for t, bar in self._minutes[index].items() if low <= t <= end)
        if not items:
            return np.empty((0, 6), dtype=np.int64)
        return np.array([[t, *bar] for t, bar in items], dtype=np.int64)

    def ticks(self, index: int, start: float, end: float) -> list[tuple[float, int, int]]:
        """Return the kept raw ticks of a symbol in ``[start, end]``.

        Args:
            index: Symbol index.
            start: Unix time.
            end: Unix time.

        Returns:
            ``(time, bid points, ask points)`` by time.
        """
        found = [(t, b, a) for i, t, b, a in self._recent if i == index and start <= t <= end]
        return sorted(found, key=lambda tick: tick[0])
