"""Reconnect delays: exponential with jitter and a cap; the random source is injectable.

Imports: the standard library only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    """Delay before reconnect attempt ``n`` (0-based): ``base * factor**n``, capped, ±jitter."""

    base_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 15.0
    jitter: float = 0.2
    random: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt``."""
        nominal = min(self.cap_s, self.base_s * self.factor ** max(attempt, 0))
        return nominal * (1.0 - self.jitter + 2.0 * self.jitter * self.random())
