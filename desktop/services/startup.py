"""StartupRetry: a session's start that waits out a slow or failing server instead of giving up.

Every start-up step (open the session, load symbols and prices, load the accounts) runs
until it works. A transient failure (unreachable, a proxy's HTML page, a 5xx, ``Timeout``,
``Busy``, ``NoConnect``; see :func:`desktop.domain.errors.is_transient`) is reported through
:attr:`StartupRetry.progress` with the reason and the wait, and the step is tried again after
an exponential backoff. A read that ran past its deadline is asked again with a longer one
(reads that time out never ran, so asking again is safe). Anything else (refused
credentials, no such platform, a malformed answer) ends the start at once with its message.

Imports: psygnal, the standard library, desktop.client (Backoff), desktop.domain.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from psygnal import Signal

from desktop.client.backoff import Backoff
from desktop.domain.errors import DesktopError, is_deadline, is_transient

_log = logging.getLogger(__name__)
T = TypeVar("T")

STARTUP_BACKOFF = Backoff(base_s=1.0, factor=2.0, cap_s=15.0)


class Deadlines(Protocol):
    """The REST client's read deadline, which a slow server may need longer (``WebApi`` fits)."""

    def stretch_read_deadline(self) -> float:
        """Lengthen the deadline of reads; return the new one in seconds."""
        ...


class StartupRetry:
    """Runs start-up steps until each works; transient failures wait and retry.

    Signals (on the asyncio loop thread):
        progress(str): why the start is waiting, e.g. ``Loading accounts: the WebAPI is
            unavailable (HTTP 502); trying again in 2 s``; ``""`` once a step has worked.
    """

    progress = Signal(str)

    def __init__(
        self,
        deadlines: Deadlines,
        *,
        backoff: Backoff = STARTUP_BACKOFF,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._deadlines = deadlines
        self._backoff = backoff
        self._sleep = sleep
        self.retries = 0
        self._waiting: dict[str, str] = {}

    @property
    def waiting(self) -> str:
        """Why the start is waiting now (every step that waits), or ``""``."""
        return "; ".join(self._waiting.values())

    async def run(self, name: str, step: Callable[[], Awaitable[T]], *, patient: bool = True) -> T:
        """``await step()`` until it returns; transient failures are reported and retried.

        Steps may run at the same time; each is reported under its own ``name``. A step that
        is not ``patient`` raises its first failure, transient or not.

        Raises:
            DesktopError: a failure that is not transient (shown to the user as final).
        """
        attempt = 0
        try:
            while True:
                try:
                    return await step()
                except DesktopError as exc:
                    if not (patient and is_transient(exc)):
                        raise
                    await self._wait(name, exc, attempt)
                    attempt += 1
        finally:
            if self._waiting.pop(name, None) is not None:
                self.progress.emit(self.waiting)

    async def _wait(self, name: str, exc: DesktopError, attempt: int) -> None:
        self.retries += 1
        extra = ""
        if is_deadline(exc):
            extra = f"; asking again with a {self._deadlines.stretch_read_deadline():.0f} s deadline"
        delay = self._backoff.delay(attempt)
        self._waiting[name] = f"{exc}{extra}; trying again in {delay:.0f} s"
        _log.warning("start-up, %s: %s", name, self._waiting[name])
        self.progress.emit(self.waiting)
        await self._sleep(delay)
