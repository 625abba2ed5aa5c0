"""Regression guard: PySide6 6.12.0 on Python 3.11 leaks a reference to None/True per void call
and per Signal.emit() and aborts the interpreter after a few thousand (stack-notes §1.2)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

CALLS = 20_000


class _Emitter(QObject):
    ticked = Signal()
    flagged = Signal(bool)


def test_signal_emit_and_void_calls_keep_none_and_true_alive(qtbot: Any) -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.flagged.connect(received.append)
    timer = QTimer()
    timer.setInterval(10_000)
    notifier = QSocketNotifier(0, QSocketNotifier.Type.Read)  # stdin; never enabled for long
    notifier.setEnabled(False)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)

    for _ in range(CALLS):
        emitter.ticked.emit()
        emitter.flagged.emit(True)
    for _ in range(CALLS // 2):
        timer.start()
        timer.stop()
    for _ in range(CALLS // 2):
        notifier.setEnabled(True)
        notifier.setEnabled(False)

    none_after, true_after = sys.getrefcount(None), sys.getrefcount(True)
    received.clear()
    # Immortal objects (Python ≥ 3.12) report a huge constant count; a leak shows as a drop in the thousands.
    assert none_after >= none_before - 100, f"None lost {none_before - none_after} references"
    assert true_after >= true_before - 100, f"True lost {true_before - true_after} references"
