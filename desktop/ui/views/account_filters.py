"""AccountFiltersBar: a group mask and ranges on balance, equity, free margin and margin level.

It sits under the quick filter and combines with it. Each edit is read as it is typed. A
mask or a bound that cannot be read is said inline, and the grid keeps the last filter that
could be read, with "(not applied)" in the message, so the operator never sees a grid
filtered by something other than what they believe.

Imports: PySide6, the standard library, desktop.domain and desktop.ui.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop.domain.account_filter import AccountFilter, build_filter
from desktop.domain.errors import InvalidInput
from desktop.ui.widgets.inline_error import error_label, set_error

FIGURE_LABELS = {
    "balance": "Balance",
    "equity": "Equity",
    "free_margin": "Free margin",
    "margin_level": "Margin level %",
}


class AccountFiltersBar(QWidget):
    """Group mask and figure ranges; emits the filter each time a readable one is typed.

    Signals (GUI thread):
        filter_changed(AccountFilter): the filter now typed (an inactive one when cleared).
    """

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mask_edit = QLineEdit(self)
        self.mask_edit.setObjectName("groupMaskEdit")
        self.mask_edit.setPlaceholderText(r"Group mask, e.g. real*,!real\usd-pro")
        self.mask_edit.setToolTip(
            "Patterns separated by commas; * matches anything, a leading ! leaves groups out. "
            "The last pattern that matches a group decides."
        )
        self.bound_edits: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        for key in FIGURE_LABELS:
            low, high = QLineEdit(self), QLineEdit(self)
            low.setPlaceholderText("from")
            high.setPlaceholderText("to")
            for edit in (low, high):
                edit.setMaximumWidth(96)
                edit.textChanged.connect(self._on_text_changed)
            self.bound_edits[key] = (low, high)
        self.clear_button = QPushButton("Clear", self)
        self.error = error_label(self)
        self._build_layout()
        self.mask_edit.textChanged.connect(self._on_text_changed)
        self.clear_button.clicked.connect(self.clear)

    def _build_layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 0, 6, 4)
        grid.setHorizontalSpacing(6)
        grid.addWidget(self.mask_edit, 0, 0)
        column = 1
        for key, label in FIGURE_LABELS.items():
            caption = QLabel(label, self)
            caption.setObjectName("caption")
            low, high = self.bound_edits[key]
            for widget in (caption, low, high):
                grid.addWidget(widget, 0, column)
                column += 1
        grid.addWidget(self.clear_button, 0, column)
        grid.addWidget(self.error, 1, 0, 1, column + 1)
        grid.setColumnStretch(0, 1)

    def current(self) -> AccountFilter:
        """The filter typed now.

        Raises:
            InvalidInput: a mask or a bound cannot be read (the message names which).
        """
        bounds = {key: (low.text(), high.text()) for key, (low, high) in self.bound_edits.items()}
        return build_filter(self.mask_edit.text(), bounds)

    def clear(self) -> None:
        """Empty every field (the grid shows every account the quick filter lets through)."""
        for edit in (self.mask_edit, *(e for pair in self.bound_edits.values() for e in pair)):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self._on_text_changed()

    def _on_text_changed(self, *_: object) -> None:
        try:
            account_filter = self.current()
        except InvalidInput as exc:
            set_error(self.error, f"{exc} (not applied: the grid keeps the last filter that could be read)")
            return
        set_error(self.error, "")
        self.filter_changed.emit(account_filter)
