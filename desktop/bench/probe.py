"""Probes on the app's quote path: tick → quote book → ``dataChanged`` → painted.

:class:`TickProbe` wraps the hub's tick sink and notes each tick's receipt time and server
stamp. :class:`PaintProbe` watches the market watch's ``dataChanged`` and the paint events
of the grid and the chart: every tick handed to the grid in a ``dataChanged`` is timed again
there, and again once the next paint pass of the window that repainted the grid has finished. The
probe runs each paint pass (the window's ``UpdateRequest``) itself to time it exactly, and
charges it to the UI frame before it, so the frame's cost includes its painting (a pass the
frame runs itself, :meth:`PaintProbe.inside_frame`, is in the frame's work already).

Imports: PySide6, numpy, desktop.client, desktop.bench and the standard library.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from array import array
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from desktop.client.hub import TickSink

Clock = Callable[[], float]


class TickProbe:
    """A tick sink that notes receipt and stamp, then passes the tick on.

    ``handed`` queues stamps for :class:`PaintProbe`; a ``deque`` so that a feed on another
    thread can append while the GUI thread takes.
    """

    def __init__(self, sink: TickSink, clock: Clock = time.time) -> None:
        self._sink = sink
        self._clock = clock
        self.received = array("d")
        self.stamps = array("d")
        self.handed: deque[float] = deque()

    def __call__(self, symbol: str, bid: float, ask: float, stamp: float) -> None:
        """Pass the tick on, then note it."""
        self._sink(symbol, bid, ask, stamp)
        self.received.append(self._clock())
        self.stamps.append(stamp)
        self.handed.append(stamp)


class PaintProbe(QObject):
    """Times ticks at ``dataChanged`` and after the paint that shows them; sums paint per frame."""

    def __init__(
        self,
        ticks: TickProbe,
        data_changed: Any,
        window: QWidget,
        grid: QWidget,
        frame_counter: Callable[[], int],
        clock: Clock = time.time,
    ) -> None:
        super().__init__()
        self._ticks = ticks
        self._window = window
        self._grid = grid
        self._frames = frame_counter
        self._clock = clock
        self._unpainted: list[np.ndarray[Any, Any]] = []
        self._in_pass = False
        self._pass_has_grid = False
        self.changed: list[tuple[float, np.ndarray[Any, Any]]] = []
        self.painted: list[tuple[float, np.ndarray[Any, Any]]] = []
        self.paint_ms_by_frame: dict[int, float] = defaultdict(float)
        self._inside_frame = False
        data_changed.connect(self._on_data_changed)
        window.installEventFilter(self)
        grid.installEventFilter(self)

    def _take_handed(self) -> np.ndarray[Any, Any]:
        handed = self._ticks.handed
        return np.array([handed.popleft() for _ in range(len(handed))], dtype=np.float64)

    def _on_data_changed(self, *_: object) -> None:
        now = self._clock()
        stamps = self._take_handed()
        if stamps.size:
            self.changed.append((now, now - stamps))
            self._unpainted.append(stamps)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Run the window's paint pass (an UpdateRequest) here, to time it from start to end."""
        kind = event.type()
        if kind == QEvent.Type.Paint and watched is self._grid:
            self._pass_has_grid = True
        elif kind == QEvent.Type.UpdateRequest and watched is self._window and not self._in_pass:
            self._in_pass, self._pass_has_grid = True, False
            started = time.perf_counter()
            try:
                type(self._window).event(self._window, event)
            finally:
                self._in_pass = False
            self._on_pass_done((time.perf_counter() - started) * 1000.0)
            return True
        return False

    def inside_frame(self, paint_now: Callable[[], None]) -> Callable[[], None]:
        """Wrap the frame's own paint call: a pass it runs is already in the frame's work time."""

        def wrapped() -> None:
            self._inside_frame = True
            try:
                paint_now()
            finally:
                self._inside_frame = False

        return wrapped

    def _on_pass_done(self, spent_ms: float) -> None:
        if not self._inside_frame:
            self.paint_ms_by_frame[self._frames()] += spent_ms
        if self._pass_has_grid and self._unpainted:
            now = self._clock()
            self.painted.append((now, now - np.concatenate(self._unpainted)))
            self._unpainted = []


def latencies_in(samples: list[tuple[float, np.ndarray[Any, Any]]], start: float, end: float) -> np.ndarray[Any, Any]:
    """The latencies (ms) of the samples taken in ``[start, end)``."""
    chosen = [lat for at, lat in samples if start <= at < end]
    return np.concatenate(chosen) * 1000.0 if chosen else np.empty(0)


class GcProbe:
    """Times every cycle collection of this process (any generation, any thread) while installed."""

    def __init__(self) -> None:
        self._started = 0.0
        self.pauses: list[tuple[float, int, float]] = []  # (epoch, generation, ms)
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.time(), info["generation"], (time.perf_counter() - self._started) * 1000.0))

    def close(self) -> None:
        """Stop timing."""
        gc.callbacks.remove(self._on_gc)

    def summary(self, start: float, end: float) -> str:
        """Collections in ``[start, end)``: how many of each generation, the longest, the total."""
        inside = [(g, ms) for at, g, ms in self.pauses if start <= at < end]
        if not inside:
            return "none"
        per_gen = [sum(1 for g, _ in inside if g == gen) for gen in range(3)]
        longest = max(ms for _, ms in inside)
        total = sum(ms for _, ms in inside) / (end - start)
        return f"gen0/1/2 {per_gen[0]}/{per_gen[1]}/{per_gen[2]}, longest {longest:.1f} ms, {total:.1f} ms/s"


def thread_cpu_s() -> dict[str, float]:
    """CPU seconds each of this process's threads has used, by Python thread name (Linux only).

    Threads Python does not know (Qt's, the C libraries') add up under ``"native"``. Empty
    where ``/proc`` is missing.
    """
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    used: dict[str, float] = defaultdict(float)
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return {}
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        used[names.get(int(task), "native")] += (int(fields[11]) + int(fields[12])) / ticks
    return dict(used)
