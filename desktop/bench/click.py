"""``python -m desktop.bench click``: how long a click on a symbol takes to change the chart.

The simulator runs at ``--rate`` ticks/s and the real main window is shown (offscreen
unless a display is set). Every ``--every`` seconds a left click on another symbol's row
of the market watch is posted to Qt's event queue, as the window system would post it;
the time runs from posting until the paint pass that drew the chart of the new symbol
has finished. The last line is ``click: rate=R clicks=N p50_ms=X p99_ms=X max_ms=X``.

Imports: PySide6, every layer; the simulator only as a child process.
"""

from __future__ import annotations

import asyncio
import time

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from desktop.app.demo import SimulatorProcess
from desktop.app.runtime import run_app
from desktop.bench.stats import percentile
from desktop.config import AppConfig
from desktop.services.workstation import Workstation
from desktop.ui.main_window import MainWindow


class ChartPaintWatch(QObject):
    """Notes when a paint pass of the window that repainted the chart plot showed ``target``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self._window = window
        self._plot = window.chart._plot.viewport()
        self._plot_painted = False
        self.target: str | None = None
        self.posted_at = 0.0
        self.delays_ms: list[float] = []
        window.installEventFilter(self)
        self._plot.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Run the window's paint pass here, to know when it ended."""
        kind = event.type()
        if kind == QEvent.Type.Paint and watched is self._plot:
            self._plot_painted = True
        elif kind == QEvent.Type.UpdateRequest and watched is self._window:
            self._plot_painted = False
            type(self._window).event(self._window, event)
            if self.target is not None and self._plot_painted and self._window.chart.symbol == self.target:
                self.delays_ms.append((time.perf_counter() - self.posted_at) * 1000.0)
                self.target = None
            return True
        return False


def post_click(window: MainWindow, row: int) -> None:
    """Queue a left press and release on ``row`` of the market watch, as the window system would."""
    table = window.market_watch.table
    centre = QPointF(table.visualRect(table.model().index(row, 0)).center())
    viewport = table.viewport()
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        buttons = Qt.MouseButton.LeftButton if kind == QEvent.Type.MouseButtonPress else Qt.MouseButton.NoButton
        event = QMouseEvent(
            kind,
            centre,
            viewport.mapToGlobal(centre),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.postEvent(viewport, event)


def run_click(*, rate: float, clicks: int, every: float, warmup: float) -> int:
    """Run the click benchmark on a fresh Qt application and qasync loop; print the figures."""
    return run_app(lambda _router: _measure(rate, clicks, every, warmup))


async def _measure(rate: float, clicks: int, every: float, warmup: float) -> int:
    simulator = SimulatorProcess(tick_rate=rate)
    credentials = await simulator.start()
    workstation = Workstation(credentials, AppConfig())
    window = MainWindow(workstation)
    window.resize(1600, 1000)
    window.show()
    watch = ChartPaintWatch(window)
    missed = 0
    try:
        await workstation.start()
        await asyncio.sleep(warmup)
        symbols = window.watchlist.symbols()
        for i in range(clicks):
            row = (i + 1) % min(len(symbols), 12)
            watch.target = window.watchlist.row_object(row).spec.name  # type: ignore[union-attr]
            if watch.target == window.chart.symbol:
                continue
            watch.posted_at = time.perf_counter()
            post_click(window, row)
            await asyncio.sleep(every)
            missed += watch.target is not None
    finally:
        window.shut_down()
        window.deleteLater()
        await workstation.aclose()
        await simulator.stop()
    _report(rate, watch.delays_ms, missed)
    return 0


def _report(rate: float, delays: list[float], missed: int) -> None:
    p = percentile
    print(f"offered      {rate:>10,.0f} ticks/s")
    print(f"clicks       {len(delays)} charted, {missed} not charted within the interval")
    print(
        f"click->chart p50 {p(delays, 50):6.1f} ms   p99 {p(delays, 99):6.1f} ms   max {max(delays, default=0):6.1f} ms"
    )
    print(
        f"click: rate={rate:.0f} clicks={len(delays)} missed={missed} p50_ms={p(delays, 50):.1f} "
        f"p99_ms={p(delays, 99):.1f} max_ms={max(delays, default=float('nan')):.1f}"
    )
