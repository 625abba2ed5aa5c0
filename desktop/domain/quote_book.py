"""QuoteBook: the latest quote of every symbol plus its recent history, fed tick by tick.

The feed calls :meth:`QuoteBook.apply` for every tick; that is O(1) and allocates one tuple.
Nothing is notified per tick: once per UI frame the presenter calls :meth:`QuoteBook.flush`,
which moves the pending ticks into each symbol's :class:`PriceSeries` in one numpy batch and
returns the symbols that changed.

Imports: numpy, the standard library and desktop.domain.
"""

from __future__ import annotations

from desktop.domain.models import Quote
from desktop.domain.series import PriceSeries

_Sample = tuple[float, float, float]  # bid, ask, time


class QuoteBook:
    """Latest quote and tick history per symbol."""

    def __init__(self, history: int = 10_000) -> None:
        self._history = history
        self._latest: dict[str, _Sample] = {}
        self._pending: dict[str, list[_Sample]] = {}
        self._series: dict[str, PriceSeries] = {}
        self.total_ticks = 0

    def apply(self, symbol: str, bid: float, ask: float, time: float) -> None:
        """Record one tick. Called from the feed for every tick, so it does the least it can."""
        sample = (bid, ask, time)
        self._latest[symbol] = sample
        pending = self._pending.get(symbol)
        if pending is None:
            self._pending[symbol] = [sample]
        else:
            pending.append(sample)
        self.total_ticks += 1

    def flush(self) -> set[str]:
        """Move pending ticks into the histories; return the symbols that ticked since last time."""
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
        return list(self._latest)

    def series(self, symbol: str) -> PriceSeries | None:
        """The flushed history of ``symbol``, or ``None`` before its first flush."""
        return self._series.get(symbol)
