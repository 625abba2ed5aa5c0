"""Drives the price feed in real time: the configured number of ticks per second, in small batches.

Imports: stdlib and ``desktop.simulator.control.state``. Used by ``server`` (one pump per running
simulator, none when ``tick_rate`` is 0).

Every few milliseconds the pump generates the ticks that are due since it started
(``elapsed * rate``) and hands them to the hub in one batch, which the hub connections
turn into few large frames. When the loop falls more than a quarter of a second behind,
the missed ticks are skipped rather than generated in a burst. Ticks are generated through
``SimControl.scenarios.advance_ticks``, which cuts a batch where a scenario step is due, so
scenario effects land on exact positions of the seeded price path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from desktop.simulator.control.state import SimControl

_log = logging.getLogger(__name__)
_MIN_INTERVAL = 0.004
_MAX_INTERVAL = 0.05
_MAX_LAG = 0.25


class TickPump:
    """Background task generating ticks at ``control.config.tick_rate`` per second.

    Args:
        control: The simulator whose feed and hub it drives.
    """

    def __init__(self, control: SimControl) -> None:
        self._control = control
        self._rate = control.config.tick_rate
        self._task: asyncio.Task[None] | None = None
        self.skipped = 0

    def start(self) -> None:
        """Start generating (no-op for a zero rate)."""
        if self._rate > 0 and self._task is None:
            self._task = asyncio.create_task(self._run(), name="tick-pump")

    async def stop(self) -> None:
        """Stop generating and wait for the task to end."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        rate = self._rate
        interval = min(_MAX_INTERVAL, max(_MIN_INTERVAL, 1.0 / rate))
        max_batch = max(1, int(rate * _MAX_LAG))
        started = loop.time()
        emitted = 0
        while True:
            await asyncio.sleep(interval)
            due = int((loop.time() - started) * rate) - emitted
            if due > max_batch:
                self.skipped += due - max_batch
                emitted += due - max_batch
                due = max_batch
            if due > 0:
                self._control.scenarios.advance_ticks(due)
                emitted += due
