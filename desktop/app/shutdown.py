"""Shutdown: a close or SIGTERM with a write in flight waits for its answer, records it, then exits.

The first request (SIGTERM, SIGINT, or closing the main window) tells the write pipeline
to send nothing more and waits for the send in flight to be answered, at most
:data:`WAIT_BOUND_S` (the trade deadline plus a margin); the pipeline journals the answer,
then the window closes and the app exits. A second SIGTERM/SIGINT, or the bound running
out, closes at once: the operation still in flight is cancelled, which journals it
``unknown`` for the next start to reconcile.

Imports: PySide6, the standard library, desktop.app, desktop.client (a constant), desktop.services.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtWidgets import QApplication

from desktop.app.desk import Desk
from desktop.client.rest import TRADE_TIMEOUT_S
from desktop.services.tasks import TaskOwner

_log = logging.getLogger(__name__)

WAIT_MARGIN_S = 10.0
WAIT_BOUND_S = TRADE_TIMEOUT_S + WAIT_MARGIN_S
"""How long a shutdown waits for a write's answer: the trade deadline plus a margin."""


class Shutdown:
    """Counts shutdown requests and carries them out in order (see the module docstring)."""

    def __init__(self, bound_s: float = WAIT_BOUND_S) -> None:
        self._bound_s = bound_s
        self._desk: Desk | None = None
        self._signals = 0
        self._tasks = TaskOwner()
        self._waiting: asyncio.Task[None] | None = None

    def attach(self, desk: Desk) -> None:
        """From now on, requests wait for ``desk``'s writes in flight."""
        self._desk = desk
        desk.window.close_deferred.connect(self.request)

    def signal(self) -> None:
        """SIGTERM or SIGINT arrived (called on the loop's thread)."""
        self._signals += 1
        if self._signals > 1:
            _log.warning("second stop signal: closing now, operations in flight stay unknown")
            self._close_now()
            return
        self.request()

    def request(self) -> None:
        """Close as soon as no write is in flight (or the bound has run out)."""
        desk = self._desk
        if desk is None:
            _close_all_windows()
            return
        if self._waiting is None or self._waiting.done():
            self._waiting = self._tasks.spawn("close-when-answered", self._close_when_answered(desk))

    async def _close_when_answered(self, desk: Desk) -> None:
        pipeline = desk.workstation.pipeline
        pipeline.stop_resending()
        if pipeline.in_flight:
            _log.warning("waiting up to %.0f s for the operation in flight before closing", self._bound_s)
        if not await pipeline.drain(self._bound_s):
            _log.warning("no answer within %.0f s: closing, the operation stays unknown", self._bound_s)
            await pipeline.abandon()
        self._close_now()

    def _close_now(self) -> None:
        desk = self._desk
        if desk is None:
            _close_all_windows()
            return
        desk.window.shut_down()
        desk.window.close()
        _close_all_windows()


def _close_all_windows() -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.closeAllWindows()
