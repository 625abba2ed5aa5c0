"""The qasync event loop the application runs on, with the fixes released qasync lacks.

Imports: qasync, PySide6, the standard library.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import qasync


class AppEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """A qasync loop that installs the async-generator hooks ``BaseEventLoop.run_forever`` does.

    qasync 0.28.0 skips ``sys.set_asyncgen_hooks`` in ``run_forever``, so async generators
    abandoned mid-iteration (pysignalr's reconnecting websocket iterator, whenever a hub
    connection is cancelled) are finalised by the garbage collector with "async generator
    ignored GeneratorExit" (stack-notes §2.1). With the hooks they are closed on the loop.
    """

    def run_forever(self) -> Any:
        """Run the Qt event loop with this loop's async-generator hooks installed."""
        old = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(firstiter=self._asyncgen_firstiter_hook, finalizer=self._asyncgen_finalizer_hook)
        try:
            return super().run_forever()
        finally:
            sys.set_asyncgen_hooks(*old)


def close_app_loop(loop: asyncio.AbstractEventLoop, drain_s: float = 0.1) -> None:
    """Finish what the loop still owes, then close it.

    Cancels leftover tasks, gives closing sockets ``drain_s`` to run their ``connection_lost``
    callbacks (a qasync loop closed at once leaves them open, and Python warns of unclosed
    transports), finalises async generators, closes the loop and unsets it.
    """
    leftovers = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftovers:
        task.cancel()
    if leftovers:
        loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
    loop.run_until_complete(asyncio.sleep(drain_s))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    asyncio.set_event_loop(None)
