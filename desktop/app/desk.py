"""Opening a workstation window on a set of credentials, interactively or not.

Imports: PySide6, the standard library, desktop.app.redaction, desktop.config, desktop.domain,
desktop.services, desktop.ui.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from PySide6.QtCore import QSettings

from desktop.app.redaction import register_secret
from desktop.config import AppConfig, Credentials
from desktop.domain.errors import DesktopError
from desktop.services.tasks import TaskOwner
from desktop.services.workstation import Workstation
from desktop.ui.dialogs.connect import ConnectDialog
from desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)


@dataclass
class Desk:
    """A started workstation and its window."""

    workstation: Workstation
    window: MainWindow

    async def wait_closed(self) -> None:
        """Return once the window has closed."""
        closed = asyncio.Event()
        self.window.closed.connect(closed.set)
        if self.window.isVisible():
            await closed.wait()

    async def aclose(self) -> None:
        """Stop the window's timers and every background task; close the network clients."""
        self.window.shut_down()
        await self.workstation.aclose()


class StartAbandoned(DesktopError):
    """The window was closed (or the app asked to stop) while the session was still starting."""


async def open_desk(
    credentials: Credentials,
    config: AppConfig,
    settings: QSettings | None,
    *,
    operator: str | None = None,
    show: bool = False,
    wait_for_first_contact: bool = True,
) -> Desk:
    """Build the window, then start the workstation (the window must see its first signals).

    ``operator`` is recorded with every write (default: the OS user name). With ``show`` the
    window opens at once, in its "connecting" state, and says why while a slow or failing
    server is waited out; closing it then abandons the start. Without
    ``wait_for_first_contact`` an unreachable server is reported at once (see
    :meth:`Workstation.start`).

    Raises:
        StartAbandoned: the window was closed before the session opened.
        DesktopError: the session cannot open (a final failure); nothing is left running.
    """
    register_secret(credentials.client_secret)
    workstation = Workstation(credentials, config, operator=operator)
    window = MainWindow(workstation, settings=settings)
    if show:
        window.show()
    try:
        await _start_unless_closed(workstation, window, wait_for_first_contact)
    except BaseException:
        window.shut_down()
        window.deleteLater()
        await workstation.aclose()
        raise
    return Desk(workstation, window)


async def _start_unless_closed(workstation: Workstation, window: MainWindow, wait_for_first_contact: bool) -> None:
    """Run ``workstation.start()``; cancel it and raise StartAbandoned if the window closes first."""
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    owner = TaskOwner()
    start = owner.spawn("start", workstation.start(wait_for_first_contact=wait_for_first_contact))
    closing = owner.spawn("window-closing", closed.wait())
    try:
        await asyncio.wait({start, closing}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        window.closed.disconnect(closed.set)
        closing.cancel()
        if not start.done():
            start.cancel()
            await asyncio.gather(start, return_exceptions=True)
    if start.cancelled():
        raise StartAbandoned("The window was closed before the session opened.")
    start.result()


async def connect_interactively(
    config: AppConfig,
    settings: QSettings | None,
    prefill: Credentials | None,
    first_error: DesktopError | None = None,
    *,
    operator: str | None = None,
) -> Desk | None:
    """Ask for credentials until a session opens; ``None`` if the user cancels.

    ``first_error`` is shown at once: why the credentials given on the command line failed.
    """
    dialog = ConnectDialog(initial=prefill)
    if first_error is not None:
        dialog.show_failure(first_error)
    outcome: asyncio.Future[Desk | None] = asyncio.get_running_loop().create_future()
    attempts = TaskOwner()

    async def try_connect(credentials: Credentials) -> None:
        try:
            desk = await open_desk(credentials, config, settings, operator=operator, wait_for_first_contact=False)
        except DesktopError as exc:
            _log.warning("connecting failed: %s", exc)
            dialog.show_failure(exc)
            return
        if outcome.done():  # cancelled meanwhile
            await desk.aclose()
            return
        dialog.accept()
        outcome.set_result(desk)

    def on_submitted(credentials: Credentials) -> None:
        attempts.spawn("connect", try_connect(credentials))

    def on_rejected() -> None:
        if not outcome.done():
            outcome.set_result(None)

    dialog.submitted.connect(on_submitted)
    dialog.rejected.connect(on_rejected)
    dialog.open()
    try:
        return await outcome
    finally:
        await attempts.aclose()  # an attempt still running when the user cancelled
        dialog.deleteLater()
