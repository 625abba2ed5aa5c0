"""PriceSeries: a preallocated numpy ring buffer of (time, bid, ask) for one symbol.

Each sample is written twice, at ``i`` and ``i + capacity``, so the latest window is always
one contiguous slice and the chart gets array views with no copy (stack-notes §5.4).

Imports: numpy and the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
_STORED_ORDER = [2, 0, 1]  # samples are (bid, ask, time); the buffer's rows are time, bid, ask


@dataclass(frozen=True)
class SeriesView:
    """Read-only views of the newest samples, oldest first; valid until the next extend."""

    time: FloatArray
    bid: FloatArray
    ask: FloatArray

    def __len__(self) -> int:
        return int(self.time.shape[0])


class PriceSeries:
    """A fixed-capacity history of one symbol's quotes."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self._capacity = capacity
        self._data = np.zeros((3, 2 * capacity), dtype=np.float64)
        self._next = 0
        self._count = 0

    @property
    def capacity(self) -> int:
        """How many samples the series keeps."""
        return self._capacity

    def __len__(self) -> int:
        return self._count

    def extend(self, samples: Sequence[tuple[float, float, float]]) -> None:
        """Append ``(bid, ask, time)`` samples in arrival order; the oldest fall off."""
        if not samples:
            return
        cap, start = self._capacity, self._next
        rows = np.asarray(samples[-cap:], dtype=np.float64).T[_STORED_ORDER]  # time, bid, ask
        n = rows.shape[1]
        # At most two contiguous runs (up to the end of the ring, then from its start), each
        # written twice; slice copies, not a fancy-indexed scatter.
        first = min(n, cap - start)
        self._data[:, start : start + first] = rows[:, :first]
        self._data[:, start + cap : start + cap + first] = rows[:, :first]
        rest = n - first
        if rest:
            self._data[:, :rest] = rows[:, first:]
            self._data[:, cap : cap + rest] = rows[:, first:]
        self._next = (start + n) % cap
        self._count = min(self._count + n, cap)

    def view(self) -> SeriesView:
        """The samples held, oldest first, as views into the buffer."""
        start = self._next if self._count == self._capacity else 0
        window = self._data[:, start : start + self._count]
        window.flags.writeable = False
        return SeriesView(time=window[0], bid=window[1], ask=window[2])
