"""Where unexpected errors go: the log and the status bar, never a traceback dialog.

Imports: the standard library.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

_log = logging.getLogger("desktop")

Reporter = Callable[[str], None]


class ErrorRouter:
    """Installs ``sys.excepthook`` and the loop's exception handler; forwards one line to a reporter."""

    def __init__(self) -> None:
        self._reporters: list[Reporter] = []

    def add_reporter(self, reporter: Reporter) -> None:
        """Also show future errors through ``reporter`` (e.g. the status bar)."""
        self._reporters.append(reporter)

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Route uncaught exceptions of Qt slots and of the asyncio loop here."""
        sys.excepthook = self._on_exception
        loop.set_exception_handler(self._on_loop_exception)

    def _on_exception(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        _log.error("unexpected error", exc_info=(kind, exc, tb))
        self._report(f"Unexpected error: {exc}")

    def _on_loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = context.get("message", "")
        if exc is not None:
            _log.error("asyncio: %s", message, exc_info=exc)
        else:
            _log.error("asyncio: %s", message)
        self._report(f"Unexpected error: {exc or message}")

    def _report(self, line: str) -> None:
        for reporter in self._reporters:
            try:
                reporter(line)
            except Exception:  # noqa: BLE001 - reporting must never raise into Qt
                _log.exception("error reporter failed")
