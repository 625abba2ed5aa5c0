import gc
from typing import Any

from desktop.ui.garbage import MainThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collects_on_its_timer_and_restores_python_collection(qtbot: Any) -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        collector = MainThreadCollector(interval_ms=10)
        assert not gc.isenabled()
        gc.collect()
        for _ in range(gc.get_threshold()[0] + 10):
            Cycle()
        assert collector.collect_due() > 0
        collector.stop()
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()
