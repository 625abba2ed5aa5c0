"""MainThreadCollector: cyclic garbage collection on the GUI thread only.

Python runs its cycle collector in whichever thread happens to allocate when a threshold is
crossed: an asyncio resolver thread, or a simulator thread in the tests. Qt objects freed
there are destroyed off the GUI thread ("QObject::~QObject: Timers cannot be stopped from
another thread") and Qt may crash. pyqtgraph documents the same hazard and fix
(``pyqtgraph.util.garbage_collector``): switch automatic collection off and collect from a
timer on the GUI thread, generation by generation, as the thresholds would have.

Imports: PySide6 and the standard library.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadCollector(QObject):
    """Disables automatic collection while alive and collects on a GUI-thread timer instead."""

    def __init__(self, interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def collect_due(self) -> int:
        """Collect each generation whose threshold is crossed; return how many objects were freed."""
        counts = gc.get_count()
        freed = 0
        for generation in range(3):
            if counts[generation] <= self._thresholds[generation]:
                break
            freed += gc.collect(generation)
        return freed

    def stop(self) -> None:
        """Stop the timer, collect everything once, and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def _on_timer_timeout(self) -> None:
        self.collect_due()
