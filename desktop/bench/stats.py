"""Figures of a latency sample: percentiles, and how fast the latency grows (a backlog).

Imports: numpy and the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

MS = 1000.0


@dataclass(frozen=True)
class LatencyFigures:
    """One receiver's ticks inside the measured window: rate, latency and its growth."""

    ticks: int
    rate: float
    p50_ms: float
    p99_ms: float
    growth_ms_per_s: float

    def as_json(self) -> dict[str, Any]:
        """The figures as a JSON object."""
        return asdict(self)


def window_figures(received: Sequence[float], stamps: Sequence[float], start: float, end: float) -> LatencyFigures:
    """Figures of the ticks received in ``[start, end)``: stamp to receipt, all in epoch seconds.

    ``growth_ms_per_s`` is the slope of latency over receive time: about 0 when the receiver
    keeps up, and up to 1000 ms/s when it falls behind and queues.
    """
    got = np.asarray(received, dtype=np.float64)
    sent = np.asarray(stamps, dtype=np.float64)
    inside = (got >= start) & (got < end)
    got, sent = got[inside], sent[inside]
    latency = (got - sent) * MS
    return LatencyFigures(
        ticks=int(got.size),
        rate=got.size / (end - start),
        p50_ms=percentile(latency, 50),
        p99_ms=percentile(latency, 99),
        growth_ms_per_s=slope(got - start, latency),
    )


def percentile(values: Sequence[float] | np.ndarray[Any, Any], q: float) -> float:
    """The ``q``-th percentile, or NaN for no values."""
    data = np.asarray(values, dtype=np.float64)
    return float(np.percentile(data, q)) if data.size else float("nan")


def slope(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> float:
    """Least-squares slope of ``y`` over ``x`` (NaN with fewer than two distinct ``x``)."""
    if x.size < 2 or float(np.ptp(x)) == 0.0:
        return float("nan")
    return float(np.polyfit(x, y, 1)[0])
