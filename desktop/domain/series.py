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
        batch = np.asarray(samples[-self._capacity :], dtype=np.float64).T  # rows: bid, ask, time
        n = batch.shape[1]
        idx = (self._next + np.arange(n)) % self._capacity
        for row, src in ((0, 2), (1, 0), (2, 1)):  # stored rows: time, bid, ask
            self._data[row, idx] = batch[src]
            self._data[row, idx + self._capacity] = batch[src]
        self._next = int((self._next + n) % self._capacity)
        self._count = min(self._count + n, self._capacity)

    def view(self) -> SeriesView:
        """The samples held, oldest first, as views into the buffer."""
        start = self._next if self._count == self._capacity else 0
        window = self._data[:, start : start + self._count]
        window.flags.writeable = False
        return SeriesView(time=window[0], bid=window[1], ask=window[2])
