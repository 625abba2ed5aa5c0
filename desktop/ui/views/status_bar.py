"""DeskStatusBar: connection light, platform, server clock, tick rate, account count, last error.

Imports: PySide6, the standard library, desktop.domain and desktop.ui.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from desktop.domain.models import ConnectionState, ConnectionStatus
from desktop.ui import theme
from desktop.ui.widgets.status_light import StatusLight

_STATE_COLOURS = {
    ConnectionState.CONNECTED: theme.UP,
    ConnectionState.CONNECTING: theme.WARN,
    ConnectionState.RECONNECTING: theme.WARN,
    ConnectionState.DISCONNECTED: theme.DOWN,
}

_LEVEL_PROPERTY = {"ok": "ok", "error": "error", "warning": "warning"}


def _label(parent: QWidget, name: str, tooltip: str = "") -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setToolTip(tooltip)
    return label


class DeskStatusBar(QStatusBar):
    """The main window's status bar; setters only, no logic.

    Signals:
        The standard QStatusBar signals only.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.connection = StatusLight("Disconnected", theme.DOWN, self)
        self.connection.setObjectName("connectionLight")
        self.platform = _label(self, "platformLabel", "Trade platform")
        self.clock = _label(self, "clockLabel", "Trade server time")
        self.rate = _label(self, "rateLabel", "Ticks received per second")
        self.accounts = _label(self, "accountsLabel", "Accounts loaded")
        self.unreadable = _label(
            self, "unreadableLabel", "Records from the server that could not be read were left out"
        )
        self.unreadable.setProperty("level", "warning")
        self.unreadable.hide()
        self.message = _label(self, "messageLabel")
        self.message.setMinimumWidth(120)
        self.addWidget(self.connection)
        self.addWidget(self.platform)
        self.addWidget(self.message, 1)
        self.addPermanentWidget(self.unreadable)
        self.addPermanentWidget(self.rate)
        self.addPermanentWidget(self.accounts)
        self.addPermanentWidget(self.clock)
        self._source = ""
        self.set_clock("--:--:--")
        self.set_rate(0.0)
        self.set_accounts(0)

    def set_connection(self, status: ConnectionStatus) -> None:
        """Show the feed's state in its colour, with the reason as tooltip."""
        text = status.state.value.capitalize()
        self.connection.set_state(text, _STATE_COLOURS[status.state], status.detail)

    def set_platform(self, name: str) -> None:
        """Show the trade platform's name."""
        self.platform.setText(name)

    def set_clock(self, text: str) -> None:
        """Show the trade server's time."""
        self.clock.setText(f"Server {text}")

    def set_rate(self, ticks_per_second: float) -> None:
        """Show the tick rate."""
        self.rate.setText(f"{ticks_per_second:,.0f} ticks/s")

    def set_accounts(self, total: int) -> None:
        """Show how many accounts are loaded."""
        self.accounts.setText(f"{total:,} accounts")

    def set_unreadable(self, summary: str) -> None:
        """Show how many server records were set aside as unreadable (hidden when none)."""
        total, _, sources = summary.partition(" (")
        self.unreadable.setText(total)
        self.unreadable.setToolTip(
            f"Left out, by source: {sources.rstrip(')')}. The log names the fields." if sources else ""
        )
        self.unreadable.setVisible(bool(summary))

    def show_event(self, text: str, level: str = "error", source: str = "") -> None:
        """Show the latest error or operation outcome (kept until the next one), stamped with local time.

        ``source`` names a lasting condition (``feed``, ``refresh``, ``startup``) whose message
        :meth:`clear_event` takes away once the cause is gone.
        """
        self._source = source
        stamp = time.strftime("%H:%M:%S")
        self.message.setText(f"{stamp}  {text}")
        self.message.setToolTip(text)
        self.message.setProperty("level", _LEVEL_PROPERTY.get(level, "error"))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def clear_event(self, source: str) -> None:
        """Take the message away if it is still the one ``source`` showed (its cause is gone)."""
        if source and self._source == source:
            self._source = ""
            self.message.clear()
            self.message.setToolTip("")
