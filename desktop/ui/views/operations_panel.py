"""OperationsPanel: the Operations dock's content — filters, the operations grid and CSV export.

Filters: period (today, the last 7 or 30 days, everything), login, type and operator. The
panel turns them into an :class:`~desktop.services.operations.OperationsFilter` and emits
``filter_changed``; "Export CSV…" asks for a file and emits ``export_requested(path)`` for
the operations shown.

Imports: PySide6, the standard library, desktop.services and desktop.ui.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.amounts import parse_login
from desktop.domain.errors import InvalidInput
from desktop.services.operations import OperationsFilter
from desktop.ui.models.operations import OperationsTableModel
from desktop.ui.views.tables import GridView

ANY = "All"
PERIODS = ("Today", "Last 7 days", "Last 30 days", "All time")


def period_start(choice: str, now: datetime | None = None) -> datetime | None:
    """The first moment of the period ``choice`` (local midnight for "Today"), in UTC; ``None`` for all time."""
    local = (now or datetime.now(UTC)).astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    days = {"Today": 0, "Last 7 days": 6, "Last 30 days": 29}.get(choice)
    return None if days is None else (midnight - timedelta(days=days)).astimezone(UTC)


class OperationsPanel(QWidget):
    """Filter bar, operations grid and export button.

    Signals (GUI thread):
        filter_changed(object): the :class:`OperationsFilter` the operator chose.
        export_requested(str): write the operations shown to this CSV file.
    """

    filter_changed = Signal(object)
    export_requested = Signal(str)

    def __init__(self, model: OperationsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operationsPanel")
        self.model = model
        self.period = QComboBox(self)
        self.period.addItems(PERIODS)
        self.period.setCurrentText("All time")
        self.login = QLineEdit(self)
        self.login.setPlaceholderText("Login")
        self.login.setValidator(QIntValidator(1, 2_147_483_647, self))
        self.login.setClearButtonEnabled(True)
        self.type = QComboBox(self)
        self.operator = QComboBox(self)
        for box in (self.type, self.operator):
            box.addItem(ANY)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count = QLabel(self)
        self.export_button = QPushButton("Export CSV…", self)
        self.table = GridView(model, self, stretch_key="detail")
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self._build()
        self.period.currentTextChanged.connect(self._emit_filter)
        self.login.textChanged.connect(self._emit_filter)
        self.type.currentTextChanged.connect(self._emit_filter)
        self.operator.currentTextChanged.connect(self._emit_filter)
        self.export_button.clicked.connect(self._ask_export_path)
        model.counts_changed.connect(self._show_counts)
        model.modelReset.connect(self.refresh_choices)
        model.rowsInserted.connect(self.refresh_choices)

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("Period", self.period), ("Type", self.type), ("Operator", self.operator)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addWidget(self.login)
        bar.addStretch(1)
        bar.addWidget(self.count)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def current_filter(self) -> OperationsFilter:
        """The filter the controls show now."""
        login = self.login.text().strip()
        return OperationsFilter(
            since=period_start(self.period.currentText()),
            login=_login_or_none(login),
            type=None if self.type.currentText() == ANY else self.type.currentText(),
            operator=None if self.operator.currentText() == ANY else self.operator.currentText(),
        )

    def refresh_choices(self) -> None:
        """Offer every type and operator the journal holds (keeping the current choice)."""
        operators, types = self.model.values()
        for box, values in ((self.type, types), (self.operator, operators)):
            have = [box.itemText(i) for i in range(1, box.count())]
            for value in values:
                if value not in have:
                    box.addItem(value)

    def _emit_filter(self) -> None:
        self.filter_changed.emit(self.current_filter())

    def _show_counts(self, shown: int, total: int) -> None:
        self.count.setText(f"{shown} of {total}" if shown != total else f"{total} operations")

    def _ask_export_path(self) -> None:
        dialog = QFileDialog(self, "Export operations", "operations.csv", "CSV files (*.csv)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self.export_requested.emit)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()


def _login_or_none(text: str) -> int | None:
    """The login the filter names, or ``None`` (every login) while the field is empty or unfinished."""
    try:
        return parse_login(text) if text else None
    except InvalidInput:
        return None
