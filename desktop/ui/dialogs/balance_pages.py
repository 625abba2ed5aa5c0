"""The four pages of the balance dialog: form, review, sending and result.

Pages only build and lay out their widgets and fill them with text; the flow between them
lives in :mod:`desktop.ui.dialogs.balance`.

Imports: PySide6, the standard library, desktop.domain and desktop.ui.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.comments import OPERATOR_COMMENT_MAX
from desktop.domain.models import Account, BalanceKind
from desktop.ui import theme
from desktop.ui.models.columns import format_money, format_percent
from desktop.ui.widgets.inline_error import error_label, set_error


def _value_label(parent: QWidget, name: str = "") -> QLabel:
    label = QLabel(parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


def _stacked(*items: QWidget | QHBoxLayout) -> QVBoxLayout:
    """A field with what belongs under it (its error, the account card), tightly spaced."""
    column = QVBoxLayout()
    column.setSpacing(4)
    for item in items:
        if isinstance(item, QWidget):
            column.addWidget(item)
        else:
            column.addLayout(item)
    return column


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


class FormPage(QWidget):
    """Operation, login with the account's figures, amount and comment, with inline errors.

    Signals:
        None of its own; the dialog connects to its buttons.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_combo = QComboBox(self)
        for kind in BalanceKind:
            self.kind_combo.addItem(kind.label, kind)
        self.login_edit = QLineEdit(self)
        self.login_edit.setPlaceholderText("Account login")
        self.login_edit.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]*"), self))
        self.login_error = error_label(self)
        self.account_card = QLabel(self)
        self.account_card.setObjectName("accountCard")
        self.account_card.setTextFormat(Qt.TextFormat.RichText)
        self.amount_edit = QLineEdit(self)
        self.amount_edit.setPlaceholderText("0.00")
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_error = error_label(self)
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setPlaceholderText("Shown in the client's history (Latin letters, digits)")
        self.comment_counter = QLabel(self)
        self.comment_counter.setObjectName("counter")
        self.comment_error = error_label(self)
        self.cancel_button = QPushButton("Cancel", self)
        self.review_button = QPushButton("Review…", self)
        self.review_button.setDefault(True)
        self._build_layout()
        self.comment_edit.textChanged.connect(self._on_comment_edit_text_changed)
        self._on_comment_edit_text_changed("")

    def _build_layout(self) -> None:
        comment_row = QHBoxLayout()
        comment_row.addWidget(self.comment_edit, 1)
        comment_row.addWidget(self.comment_counter)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(8)
        form.addRow("Operation", self.kind_combo)
        form.addRow("Login", _stacked(self.login_edit, self.login_error, self.account_card))
        form.addRow("Amount", _stacked(self.amount_edit, self.amount_error))
        form.addRow("Comment", _stacked(comment_row, self.comment_error))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(_button_row(self.cancel_button, self.review_button))

    def set_max_amount_hint(self, text: str) -> None:
        """Show the per-operation limit in the amount field's placeholder."""
        self.amount_edit.setPlaceholderText(f"0.00   (max {text})")

    def show_account(self, account: Account | None) -> None:
        """Fill the account card, or empty it."""
        if account is None:
            self.account_card.clear()
            self.account_card.hide()
            return
        dim = theme.TEXT_DIM.name()
        figures = (
            ("Balance", format_money(account.balance)),
            ("Credit", format_money(account.credit)),
            ("Equity", format_money(account.equity)),
            ("Free margin", format_money(account.free_margin)),
            ("Margin", format_money(account.margin)),
            ("Level", format_percent(account.margin_level)),
        )
        cells = [
            f"<td style='color:{dim}; padding-right:6px'>{caption}</td>"
            f"<td align='right' style='padding-right:18px'>{value}</td>"
            for caption, value in figures
        ]
        self.account_card.setText(
            f"<b>{escape(account.name)}</b>&nbsp; <span style='color:{dim}'>{escape(account.group)}"
            f" · 1:{account.leverage}</span>"
            f"<table cellspacing='0' style='margin-top:3px'><tr>{''.join(cells[:3])}</tr>"
            f"<tr>{''.join(cells[3:])}</tr></table>"
        )
        self.account_card.show()

    def clear_errors(self) -> None:
        """Hide every inline error."""
        for label in (self.login_error, self.amount_error, self.comment_error):
            set_error(label, "")

    def _on_comment_edit_text_changed(self, text: str) -> None:
        used = len(text.strip())
        self.comment_counter.setText(f"{used}/{OPERATOR_COMMENT_MAX}")
        self.comment_counter.setProperty("over", used > OPERATOR_COMMENT_MAX)
        self.comment_counter.style().unpolish(self.comment_counter)
        self.comment_counter.style().polish(self.comment_counter)


class ReviewPage(QWidget):
    """Exactly what will be sent, with Back and Confirm and send (Ctrl+Enter).

    Signals:
        None of its own; the dialog connects to its buttons.
    """

    FIELDS = ("operation", "account", "amount", "comment", "before_after", "margin", "reference", "key", "request")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel("Check before sending: this moves real money.", self)
        heading.setObjectName("pageHeading")
        self.values = {name: _value_label(self, f"review_{name}") for name in self.FIELDS}
        self.values["amount"].setObjectName("reviewAmount")
        self.values["request"].setWordWrap(True)
        self.values["request"].setObjectName("reviewRequest")
        self.warning = error_label(self)
        self.warning.setObjectName("reviewWarning")
        self.back_button = QPushButton("Back", self)
        self.confirm_button = QPushButton("Confirm and send", self)
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.confirm_button.setToolTip("Ctrl+Enter")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        captions = (
            "Operation", "Account", "Amount", "Comment as stored", "Effect", "Margin after", "Reference",
            "Idempotency key", "Sent as",
        )  # fmt: skip
        for row, (caption, name) in enumerate(zip(captions, self.FIELDS, strict=True)):
            label = QLabel(caption, self)
            label.setObjectName("caption")
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(self.values[name], row, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(grid)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        layout.addLayout(_button_row(self.back_button, self.confirm_button))


class SendingPage(QWidget):
    """A busy indicator while the presenter sends the operation; nothing to click.

    Signals:
        None of its own; the dialog connects to its buttons.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel(self)
        self.message.setObjectName("pageHeading")
        self.message.setWordWrap(True)
        progress = QProgressBar(self)
        progress.setRange(0, 0)
        progress.setTextVisible(False)
        progress.setMaximumHeight(6)
        note = QLabel(
            "Waiting for the server. The result will show here; this window stays open until it does.",
            self,
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(progress)
        layout.addWidget(note)
        layout.addStretch(2)


class ResultPage(QWidget):
    """Success, refusal or unknown outcome, with the server's references.

    Signals:
        None of its own; the dialog connects to its buttons.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = ""
        self.heading = QLabel(self)
        self.heading.setObjectName("resultHeading")
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("resultExplanation")
        self.details = _value_label(self, "resultDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.check_button = QPushButton("Check again", self)
        self.check_button.setObjectName("checkButton")
        self.check_button.setToolTip(
            "Asks the server with the same key while it still holds it, and the account's history after that"
        )
        self.renew_button = QPushButton("Send as a new operation", self)
        self.renew_button.setObjectName("renewButton")
        self.edit_button = QPushButton("Back to form", self)
        self.new_button = QPushButton("New operation", self)
        self.close_button = QPushButton("Close", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.details)
        layout.addStretch(1)
        layout.addLayout(
            _button_row(self.check_button, self.renew_button, self.edit_button, self.new_button, self.close_button)
        )

    def show_outcome(self, state: str, heading: str, explanation: str, details: str) -> None:
        """Fill the page; ``state`` (``done``, ``refused``, ``not_applied``, ``unknown``) picks the buttons."""
        self.heading.setText(heading)
        self.heading.setProperty("state", state)
        self.heading.style().unpolish(self.heading)
        self.heading.style().polish(self.heading)
        self.explanation.setText(explanation)
        self.details.setText(details)
        self.check_button.setVisible(state == "unknown")
        self.renew_button.setVisible(state == "not_applied")
        self.edit_button.setVisible(state == "refused")
        self.new_button.setVisible(state == "done")
        self._state = state

    def default_button(self) -> QPushButton:
        """The button Enter presses on this page: Back to form after a refusal, else Close."""
        return self.edit_button if self._state == "refused" else self.close_button
