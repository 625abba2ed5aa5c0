"""TaskOwner: the one place that starts background asyncio work.

Imports: the standard library and psygnal.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from psygnal import Signal

_log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskOwner:
    """Keeps a strong reference to every task it starts, logs and publishes their failures.

    Signals (on the asyncio loop thread):
        failed(str, BaseException): a task named ``str`` ended with an exception.
    """

    failed = Signal(str, object)

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, name: str, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Start ``coro`` as a named task that lives until it finishes or :meth:`aclose`."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._on_task_done)
        return task

    @property
    def running(self) -> int:
        """How many tasks have not finished yet."""
        return len(self._tasks)

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            _log.error("task %s failed", task.get_name(), exc_info=exc)
            self.failed.emit(task.get_name(), exc)

    async def aclose(self, grace_s: float = 5.0) -> None:
        """Cancel every task and wait (up to ``grace_s``) until they have ended."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=grace_s)
