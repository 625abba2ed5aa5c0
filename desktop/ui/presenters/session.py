"""SessionPresenter: the trade server's clock, the platform and background failures for the status bar.

Imports: PySide6, psygnal (through the services), the standard library, desktop.domain,
desktop.services and desktop.ui.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.models import TradePlatform

if TYPE_CHECKING:
    from desktop.services.session import Session
    from desktop.services.tasks import TaskOwner
    from desktop.services.workstation import Workstation

CLOCK_MS = 1000


class SessionPresenter(QObject):
    """Ticks the server clock once a second and relays session-wide events.

    Signals (GUI thread):
        clock_changed(str): the trade server's time, ``HH:MM:SS``, or ``--:--:--`` before it is known.
        platform_changed(TradePlatform): the session opened on this platform.
        error_occurred(str): a background task failed; the reason.
        unreadable_changed(str): ``N records could not be read (…)``, when that count grows.
        connecting(str): why the start is waiting and when it tries again; ``""`` once past it.
    """

    clock_changed = Signal(str)
    platform_changed = Signal(object)  # TradePlatform
    error_occurred = Signal(str)
    unreadable_changed = Signal(str)
    connecting = Signal(str)

    def __init__(self, workstation: Workstation, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workstation = workstation
        self._session: Session = workstation.session
        self._tasks: TaskOwner = workstation.tasks
        self._unreadable = ""
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._clock.timeout.connect(self._on_clock_timeout)
        workstation.started.connect(self._on_workstation_started)
        workstation.starting.connect(self._on_workstation_starting)
        self._tasks.failed.connect(self._on_tasks_failed)

    @property
    def platform(self) -> TradePlatform | None:
        """The platform of the open session, or ``None`` before it opens."""
        return self._session.platform

    def start(self) -> None:
        """Start the clock (and show it at once)."""
        self._clock.start()
        self._on_clock_timeout()

    def close(self) -> None:
        """Stop the clock and stop listening; call before the window goes."""
        self._clock.stop()
        self._workstation.started.disconnect(self._on_workstation_started)
        self._workstation.starting.disconnect(self._on_workstation_starting)
        self._tasks.failed.disconnect(self._on_tasks_failed)

    def server_time_text(self) -> str:
        """``HH:MM:SS`` of the trade server's clock, or ``--:--:--``."""
        now = self._session.server_time()
        return "--:--:--" if now is None else f"{now:%H:%M:%S}"

    def _on_clock_timeout(self) -> None:
        self.clock_changed.emit(self.server_time_text())
        unreadable = self._workstation.set_aside.summary()
        if unreadable != self._unreadable:
            self._unreadable = unreadable
            self.unreadable_changed.emit(unreadable)

    def _on_workstation_started(self, platform: TradePlatform) -> None:
        self.connecting.emit("")
        self.platform_changed.emit(platform)

    def _on_workstation_starting(self, reason: str) -> None:
        self.connecting.emit(reason)

    def _on_tasks_failed(self, name: str, error: BaseException) -> None:
        self.error_occurred.emit(f"{name}: {error}")
