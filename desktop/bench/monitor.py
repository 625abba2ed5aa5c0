"""``python -m desktop.bench monitor``: the cost of one margin-monitor scan in the simulator.

Imports: numpy, the standard library and ``desktop.simulator`` (run in this process, on its
own thread, the way the tests run it).

The simulator's margin monitor values every account with positions twice a second; at the
seeded 1,000 accounts one scan must stay well inside that interval, or the simulator's loop
(which also pushes ticks) falls behind. This prints the scan time's percentiles with one last
line ``monitor: accounts=N scans=N mean_ms=X p50_ms=X p99_ms=X max_ms=X``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from desktop.simulator import SimConfig, SimulatorThread

MS = 1000.0


def run_monitor(*, scans: int, accounts: int, seed: int) -> int:
    """Run ``scans`` scans on a simulator seeded with ``accounts`` accounts; print the figures."""
    config = SimConfig(seed=seed, tick_rate=1000, accounts=accounts)
    with SimulatorThread(config) as sim:
        monitor = sim.control.hub.monitor
        sim.call(monitor.scan)  # the first scan records the baseline
        took = [_timed(sim, monitor.scan) for _ in range(scans)]
    ms = np.asarray(took) * MS
    mean, top = float(ms.mean()), float(ms.max())
    p50, p99 = (float(v) for v in np.percentile(ms, [50, 99]))
    print(f"{'accounts':>10} {'scans':>6} {'mean ms':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    print(f"{accounts:>10} {scans:>6} {mean:>8.2f} {p50:>7.2f} {p99:>7.2f} {top:>7.2f}")
    figures = f"mean_ms={mean:.2f} p50_ms={p50:.2f} p99_ms={p99:.2f} max_ms={top:.2f}"
    print(f"monitor: accounts={accounts} scans={scans} {figures}")
    return 0


def _timed(sim: SimulatorThread, scan: Callable[[], object]) -> float:
    """Seconds one scan takes on the simulator's loop (measured there, not across the thread hop)."""

    def measured() -> float:
        started = time.perf_counter()
        scan()
        return time.perf_counter() - started

    return float(sim.call(measured))
