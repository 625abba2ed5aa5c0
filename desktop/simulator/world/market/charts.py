"""Chart bars and tick queries over the tick history (``ChartRequest``, ``TicksRequest``, ``SymbolInfoGet``).

Imports: numpy and ``desktop.simulator`` (``feed``, ``world.market.tick_history``). ``SimControl`` owns one
``Charts`` (``control.charts``) and feeds it every batch of ``advance``; the market
endpoints read it.

Bars are bid bars aggregated from the ticks (``world.market.tick_history``): M1-M30 from minute bars,
H1 and longer from hourly bars (both exact aggregates of the ticks); a bar's volume is its
tick count; bar times are the period start in UTC — weeks start on Sunday 00:00, months
on the 1st. Before every query the symbol's current quote is compared with the last
recorded tick and recorded when it differs (a requote published outside ``advance``), so
the newest bar always closes at the current bid and the newest tick is the current quote.

``mode`` (``RequestMode``): ``RangeInExcludeOutOfRage`` (default) — bars whose time lies in
``[start, end]``; ``RangeIn`` — also the bar that contains ``start``; ``RangeLast`` — from
``start`` to the newest bar (``end`` ignored); ``RangeOut`` — the bars outside the window.
At most ``MAX_ITEMS`` bars or ticks are answered, the earliest first.
"""

from __future__ import annotations

import numpy as np

from desktop.simulator.world.market.feed import PriceFeed, TickBatch
from desktop.simulator.world.market.tick_history import DAY, HIGH, LOW, TIME, HistoricPath, LiveTicks, aggregate

#: ``ChartPeriod`` names → minutes.
PERIODS = {"M1": 1, "M5": 5, "M15": 15, "M30": 30, "H1": 60, "H4": 240, "D1": 1440, "W1": 10080, "Mn1": 43200}
MODES = ("RangeIn", "RangeOut", "RangeLast", "RangeInExcludeOutOfRage")
MAX_ITEMS = 100_000
_WEEK = 7 * DAY
_SUNDAY = 3 * DAY  # 1970-01-04, the first Sunday


def bucket_keys(times: np.ndarray, minutes: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the period bucket of each time and the bucket's start time.

    Args:
        times: Unix times (int64).
        minutes: Period in minutes (``PERIODS`` values).

    Returns:
        Keys and start times.
    """
    if minutes == PERIODS["Mn1"]:
        months = times.astype("datetime64[s]").astype("datetime64[M]")
        return months.astype(np.int64), months.astype("datetime64[s]").astype(np.int64)
    if minutes == PERIODS["W1"]:
        keys = (times - _SUNDAY) // _WEEK
        return keys, keys * _WEEK + _SUNDAY
    keys = times // (minutes * 60)
    return keys, keys * minutes * 60


class Charts:
    """Bars and ticks of every symbol (see the module docstring).

    Args:
        seed: Seed of the historical path.
        feed: The live feed, not yet ticked (its quotes are the first live ticks).
    """

    def __init__(self, seed: int, feed: PriceFeed) -> None:
        self._feed = feed
        symbols = feed.symbols
        first = [feed.quote(i) for i in range(len(symbols))]
        start = first[0][2] if first else 0.0
        bids = [round(bid * 10**spec.digits) for (bid, _, _), spec in zip(first, symbols, strict=True)]
        self.history = HistoricPath(seed, symbols, start, bids)
        self.live = LiveTicks(symbols)
        self._spreads = [spec.spread for spec in symbols]
        self._scales = [10.0**spec.digits for spec in symbols]
        for index, (bid, ask, when) in enumerate(first):
            self.live.add(index, bid, ask, when)

    def record(self, batch: TickBatch) -> None:
        """Record a batch of live ticks.

        Args:
            batch: Ticks just generated.
        """
        add = self.live.add
        for index, bid, ask in zip(batch.indices, batch.bids, batch.asks, strict=True):
            add(index, bid, ask, batch.time)

    def _sync(self, index: int) -> None:
        bid, ask, when = self._feed.quote(index)
        last = self.live.last[index]
        scale = self._scales[index]
        if last is None or (last[0], last[1], last[2]) != (when, round(bid * scale), round(ask * scale)):
            self.live.add(index, bid, ask, max(when, last[0] if last else when))

    def _rows(self, index: int, minutes: int, start: float, end: float) -> np.ndarray:
        days = self.history.days(start, end)
        hourly = minutes >= 60
        past = [self.history.hour_bars(index, d) if hourly else self.history.minute_bars(index, d) for d in days]
        live = self.live.minute_bars(index, max(start, self.history.end), end)
        parts = [part for part in (*past, live) if len(part)]
        return np.concatenate(parts) if parts else np.empty((0, 6), dtype=np.int64)

    def bars(self, index: int, period: str, start: float, end: float, mode: str) -> list[tuple[float, ...]]:
        """Return bars of a symbol.

        Args:
            index: Symbol index.
            period: ``ChartPeriod`` name.
            start: Window start (Unix s).
            end: Window end (Unix s).
            mode: ``RequestMode`` name.

        Returns:
            ``(time, open, high, low, close, volume)`` rows with prices in price units.
        """
        self._sync(index)
        minutes = PERIODS[period]
        newest = self.live.last[index]
        now = newest[0] if newest is not None else end
        window = (self.history.begin, now) if mode in ("RangeOut", "RangeLast") else (start, end)
        first_key, _ = bucket_keys(np.array([int(window[0])], dtype=np.int64), minutes)
        rows = self._rows(index, minutes, _bucket_start(int(window[0]), minutes), window[1])
        rows = rows[rows[:, TIME] <= window[1]] if len(rows) else rows
        keys, times = bucket_keys(rows[:, TIME], minutes)
        bars = aggregate(rows, keys, times)
        selected = _select(bars, bucket_keys(bars[:, TIME], minutes)[0], int(first_key[0]), start, end, mode)
        scale = self._scales[index]
        return [
            (float(t), int(o) / scale, int(h) / scale, int(lo) / scale, int(c) / scale, float(v))
            for t, o, h, lo, c, v in selected.tolist()
        ]

    def ticks(self, index: int, start: float, end: float) -> list[tuple[float, float, float]]:
        """Return the ticks of a symbol in ``[start, end]`` (historical and kept live ones).

        Args:
            index: Symbol index.
            start: Window start (Unix s).
            end: Window end (Unix s).

        Returns:
            ``(time, bid, ask)`` by time, at most ``MAX_ITEMS``.
        """
        self._sync(index)
        scale, spread = self._scales[index], self._spreads[index]
        found: list[tuple[float, float, float]] = []
        for day in self.history.days(start, end):
            times, bids = self.history.day_ticks(index, day)
            keep = (times >= start) & (times <= end)
            pairs = zip(times[keep].tolist(), bids[keep].tolist(), strict=True)
            found += [(float(t), b / scale, (b + spread) / scale) for t, b in pairs]
            if len(found) >= MAX_ITEMS:
                return found[:MAX_ITEMS]
        found += [(t, b / scale, a / scale) for t, b, a in self.live.ticks(index, start, end)]
        return found[:MAX_ITEMS]

    def day_range(self, index: int, now: float) -> tuple[float, float]:
        """Return the high and low bid of the current UTC day.

        Args:
            index: Symbol index.
            now: Unix time.

        Returns:
            ``(high, low)``.
        """
        start = (int(now) // DAY) * DAY
        rows = self.bars(index, "D1", start, now, "RangeInExcludeOutOfRage")
        if not rows:
            bid = self._feed.quote(index)[0]
            return bid, bid
        return rows[-1][HIGH], rows[-1][LOW]

    def direction(self, index: int) -> str:
        """Return the direction of the symbol's last tick.

        Args:
            index: Symbol index.

        Returns:
            ``Up``, ``Down`` or ``None`` (unchanged or unknown).
        """
        self._sync(index)
        last, previous = self.live.last[index], self.live.previous_bid[index]
        if last is None or previous is None or last[1] == previous:
            return "None"
        return "Up" if last[1] > previous else "Down"


def _bucket_start(when: int, minutes: int) -> int:
    _, starts = bucket_keys(np.array([when], dtype=np.int64), minutes)
    return int(starts[0])


def _select(bars: np.ndarray, keys: np.ndarray, first_key: int, start: float, end: float, mode: str) -> np.ndarray:
    times = bars[:, TIME]
    if mode == "RangeIn":
        chosen = (keys >= first_key) & (times <= end)
    elif mode == "RangeLast":
        chosen = times >= start
    elif mode == "RangeOut":
        chosen = (times < start) | (times > end)
    else:
        chosen = (times >= start) & (times <= end)
    return bars[chosen][:MAX_ITEMS]
