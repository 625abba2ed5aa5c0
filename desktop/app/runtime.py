"""run_app: the Qt application and asyncio loop every entry point runs on.

Imports: PySide6, the standard library, desktop.app and desktop.ui.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtWidgets import QApplication

from desktop.app.errors import ErrorRouter
from desktop.app.loop import AppEventLoop, close_app_loop
from desktop.ui.garbage import MainThreadCollector
from desktop.ui.qt_app import configure_application

Main = Callable[[ErrorRouter], Coroutine[Any, Any, int]]


def run_app(main: Main, on_stop_signal: Callable[[], None] | None = None) -> int:
    """Run ``main(router)`` on a themed QApplication and qasync loop; return its exit code.

    Closing the last window does not end the loop: ``main`` decides when the app is done.
    Unexpected errors of Qt slots and of the loop go to ``router``; garbage is collected on
    the GUI thread only (desktop.ui.garbage). SIGINT and SIGTERM call ``on_stop_signal`` on
    the loop's thread (desktop.app.shutdown); without it they close every window.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    app.setQuitOnLastWindowClosed(False)
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)
    router = ErrorRouter()
    router.install(loop)
    collector = MainThreadCollector(parent=app)
    stop = on_stop_signal or app.closeAllWindows
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Close the windows as the user would, so every child process and connection is
        # shut down in order; a write in flight is waited for (bounded) first.
        signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop))
    try:
        code: int = loop.run_until_complete(main(router))
    finally:
        close_app_loop(loop)
        collector.stop()
    return code
