"""NetworkLoop: an asyncio loop on a thread of its own, for receiving and decoding the feed.

The GUI thread runs Qt's painting and the app's asyncio loop; a socket that becomes
readable while it paints waits for the paint to end. Ticks received on this thread instead
wait at most for the interpreter lock, which painting in Qt's C++ code does not hold.

Imports: the standard library only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_CLEAN_UP_S = 5.0
_CLOSING_S = 0.1


class NetworkLoop:
    """Starts a daemon thread running a fresh asyncio loop; runs coroutines on it; stops it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop (only while started)."""
        assert self._loop is not None, "NetworkLoop not started"
        return self._loop

    def start(self) -> None:
        """Start the thread and its loop; return once the loop runs."""
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._thread = threading.Thread(target=serve, name=self._name, daemon=True)
        self._thread.start()
        ready.wait()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coro`` on this loop; its result as a thread-safe future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def stop(self) -> None:
        """Cancel what still runs there, finalise its async generators, end the thread, close the loop."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_drain(), loop))
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join)
        loop.close()
        self._loop = self._thread = None


async def _drain() -> None:
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    # A task cancelled already is running its clean-up (the hub's supervisor closing its
    # sockets): cancelling it, or the tasks it waits for, again would cut that short. Let those
    # end first, then cancel what is left.
    cleaning_up = [t for t in _unfinished(loop, current) if t.cancelling()]
    if cleaning_up:
        await asyncio.wait(cleaning_up, timeout=_CLEAN_UP_S)  # a clean-up that hangs is cut short
    leftovers = _unfinished(loop, current)
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)
    # Sockets closed just now finish closing in callbacks the loop has yet to run
    # (connection_lost); a loop stopped at once leaves them open.
    await asyncio.sleep(_CLOSING_S)
    await loop.shutdown_asyncgens()


def _unfinished(loop: asyncio.AbstractEventLoop, current: asyncio.Task[Any] | None) -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks(loop) if t is not current and not t.done()]


def on_loop(home: asyncio.AbstractEventLoop, make: Callable[[], Awaitable[T]]) -> Awaitable[T]:
    """Await ``make()`` on ``home`` (another thread's loop) from the calling loop.

    Raises ``RuntimeError`` at once when ``home`` is closed (its owner has gone).
    """

    async def run_there() -> T:
        return await make()

    coro = run_there()
    try:
        future = asyncio.run_coroutine_threadsafe(coro, home)
    except RuntimeError:
        coro.close()  # never scheduled: close it rather than leave it "never awaited"
        raise
    return asyncio.wrap_future(future)
