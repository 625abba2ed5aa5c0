"""QuoteBook: the latest quote of every symbol plus its recent history, fed tick by tick.

The feed calls :meth:`QuoteBook.apply` for every tick, on the feed's own thread; that is
O(1), allocates one tuple and holds the book's lock for a few dictionary operations.
Nothing is notified per tick: once per UI frame the GUI thread calls :meth:`QuoteBook.flush`,
which takes the pending ticks in one swap under the lock, moves them into each symbol's
:class:`PriceSeries` in one numpy batch outside it, and returns the symbols that changed.

The handoff is bounded: a symbol's pending ticks never exceed twice the history length
(older ones are dropped, as its history would drop them anyway) however long the GUI
thread is away.

Imports: numpy, the standard library and desktop.domain.
"""

from __future__ import annotations

import threading

from desktop.domain.models import Quote
from desktop.domain.series import PriceSeries

_Sample = tuple[float, float, float]  # bid, ask, time


class QuoteBook:
    """Latest quote and tick history per symbol; ``apply`` may run on another thread than the rest."""

    def __init__(self, history: int = 10_000) -> None:
        self._history = history
        self._bound = 2 * history
        self._lock = threading.Lock()
        self._latest: dict[str, _Sample] = {}
        self._pending: dict[str, list[_Sample]] = {}
        self._series: dict[str, PriceSeries] = {}
        self.total_ticks = 0

    def apply(self, symbol: str, bid: float, ask: float, time: float) -> None:
        """Record one tick. Called from the feed for every tick, so it does the least it can."""
        sample = (bid, ask, time)
        with self._lock:
            self._latest[symbol] = sample
            pending = self._pending.get(symbol)
            if pending is None:
                self._pending[symbol] = [sample]
            else:
                pending.append(sample)
                if len(pending) > self._bound:
                    del pending[: -self._history]
            self.total_ticks += 1

    def flush(self) -> set[str]:
        """Move pending ticks into the histories; return the symbols that ticked since last time."""
        with self._lock:
            pending, self._pending = self._pending, {}
        for symbol, samples in pending.items():
            series = self._series.get(symbol)
            if series is None:
                series = self._series[symbol] = PriceSeries(self._history)
            series.extend(samples)
        return set(pending)

    def latest(self, symbol: str) -> Quote | None:
        """The newest quote of ``symbol``, or ``None`` before its first tick."""
        sample = self._latest.get(symbol)
        if sample is None:
            return None
        return Quote(symbol, sample[0], sample[1], sample[2])

    def symbols(self) -> list[str]:
        """Every symbol that has ticked, in first-tick order."""
        with self._lock:
            return list(self._latest)

    def series(self, symbol: str) -> PriceSeries | None:
        """The flushed history of ``symbol``, or ``None`` before its first flush."""
        return self._series.get(symbol)
