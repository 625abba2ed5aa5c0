"""ConnectDialog: where the WebAPI is and which OAuth2 client to use (live mode, not demo).

It checks the form, emits ``submitted(Credentials)`` and turns busy; the app layer then
connects and either closes the dialog (``accept()``) or calls :meth:`show_error` with the
reason (the auth server's ``invalid_client``, "cannot reach …"), which ends the busy state so
the operator can correct the form and try again. Cancelling while busy emits ``rejected``;
the app should then abandon its attempt. Open it with ``open()``.

Imports: PySide6, the standard library, desktop.config and desktop.ui.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config import PRODUCTION_API, PRODUCTION_AUTH, Credentials
from desktop.domain.errors import ApiFailure, AuthFailed, DesktopError, ServerUnreachable
from desktop.ui.widgets.inline_error import error_label, set_error

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?$")


def describe_connect_error(error: DesktopError) -> str:
    """One plain sentence for why connecting failed, quoting the server's reason."""
    if isinstance(error, AuthFailed):
        return str(error)  # already says who refused and quotes why
    if isinstance(error, ServerUnreachable):
        return f"{str(error).rstrip('.')}. Check the addresses and the network, then connect again."
    if isinstance(error, ApiFailure):
        return f"The WebAPI refused the session: {error}"
    return str(error)


def _url_problem(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "Enter a full address, e.g. https://cloud.mywebapi.com"
    return ""


class ConnectDialog(QDialog):
    """The connection form with inline checks, a busy state and a retryable error line.

    Signals (GUI thread):
        submitted(Credentials): the form is complete; connect with these.
    """

    submitted = Signal(object)  # Credentials

    def __init__(self, parent: QWidget | None = None, *, initial: Credentials | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a trade server")
        self.setObjectName("connectDialog")
        self.setMinimumWidth(480)
        self.heading = QLabel("Dealer Desk connects to the trade server through the CPlugin WebAPI.", self)
        self.heading.setObjectName("hint")
        self.heading.setWordWrap(True)
        self.api_edit = QLineEdit(initial.api_url if initial else PRODUCTION_API, self)
        self.auth_edit = QLineEdit(initial.auth_url if initial else PRODUCTION_AUTH, self)
        self.client_id_edit = QLineEdit(initial.client_id if initial else "", self)
        self.secret_edit = QLineEdit(initial.client_secret if initial else "", self)
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.platform_edit = QLineEdit((initial.trade_platform or "") if initial else "", self)
        self.platform_edit.setPlaceholderText("Optional: empty = the first MT4 platform")
        self.errors = {name: error_label(self) for name in ("api", "auth", "client_id", "secret", "platform")}
        self.error_banner = QLabel(self)
        self.error_banner.setObjectName("formError")
        self.error_banner.setWordWrap(True)
        self.error_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_banner.hide()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.connect_button = QPushButton("Connect", self)
        self.connect_button.setDefault(True)
        self._build_layout()
        self.cancel_button.clicked.connect(self.reject)
        self.connect_button.clicked.connect(self._on_connect_button_clicked)
        (self.client_id_edit if not self.client_id_edit.text() else self.secret_edit).setFocus()

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        rows = (
            ("API base URL", self.api_edit, "api"),
            ("Auth URL", self.auth_edit, "auth"),
            ("Client id", self.client_id_edit, "client_id"),
            ("Client secret", self.secret_edit, "secret"),
            ("Trade platform", self.platform_edit, "platform"),
        )
        for caption, edit, name in rows:
            form.addRow(caption, edit)
            form.addRow("", self.errors[name])
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.connect_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addLayout(buttons)

    @property
    def busy(self) -> bool:
        """True between ``submitted`` and :meth:`show_error` (or the dialog closing)."""
        return not self.connect_button.isEnabled()

    def set_busy(self, busy: bool) -> None:
        """Lock the form and show progress while the app connects."""
        for edit in (self.api_edit, self.auth_edit, self.client_id_edit, self.secret_edit, self.platform_edit):
            edit.setEnabled(not busy)
        self.connect_button.setEnabled(not busy)
        self.connect_button.setText("Connecting…" if busy else "Connect")
        self.progress.setVisible(busy)

    def show_error(self, message: str) -> None:
        """Show why connecting failed and let the operator edit and retry."""
        self.set_busy(False)
        self.error_banner.setText(message)
        self.error_banner.show()
        self.connect_button.setFocus()

    def show_failure(self, error: DesktopError) -> None:
        """:meth:`show_error` with the sentence :func:`describe_connect_error` makes of ``error``."""
        self.show_error(describe_connect_error(error))

    def credentials(self) -> Credentials | None:
        """The form as :class:`Credentials`, or ``None`` after showing what is missing."""
        values = {
            "api": self.api_edit.text().strip().rstrip("/"),
            "auth": self.auth_edit.text().strip().rstrip("/"),
            "client_id": self.client_id_edit.text().strip(),
            "secret": self.secret_edit.text(),
            "platform": self.platform_edit.text().strip().strip("{}"),
        }
        problems = {
            "api": _url_problem(values["api"]),
            "auth": _url_problem(values["auth"]),
            "client_id": "" if values["client_id"] else "Enter the client id.",
            "secret": "" if values["secret"] else "Enter the client secret.",
            "platform": ""
            if not values["platform"] or _GUID.match(values["platform"])
            else "A trade platform id looks like 3f2504e0-4f89-11d3-9a0c-0305e82c3301.",
        }
        for name, problem in problems.items():
            set_error(self.errors[name], problem)
        if any(problems.values()):
            return None
        return Credentials(
            api_url=values["api"],
            auth_url=values["auth"],
            client_id=values["client_id"],
            client_secret=values["secret"],
            trade_platform=values["platform"] or None,
        )

    def _on_connect_button_clicked(self) -> None:
        self.error_banner.hide()
        credentials = self.credentials()
        if credentials is None:
            return
        self.set_busy(True)
        self.submitted.emit(credentials)
