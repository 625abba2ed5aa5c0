"""RateMeter: events per second over a sliding window, from a monotonically growing counter.

Imports: the standard library only.
"""

from __future__ import annotations

from collections import deque


class RateMeter:
    """Turns samples of ``(monotonic seconds, running total)`` into a rate per second."""

    def __init__(self, window_s: float = 2.0) -> None:
        self._window = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def sample(self, now: float, total: int) -> float:
        """Add a sample and return the rate over the window that ends at ``now``."""
        self._samples.append((now, total))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window:
            self._samples.popleft()
        first_t, first_n = self._samples[0]
        elapsed = now - first_t
        return (total - first_n) / elapsed if elapsed > 0 else 0.0
