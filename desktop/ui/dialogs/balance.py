"""BalanceDialog: deposit, withdrawal, credit in and credit out on one account, in four steps.

1. Form: the operator types; the account's figures show as soon as the login is known.
   "Review…" validates through the injected ``prepare`` (which raises InvalidInput and
   returns the :class:`Operation` that would be sent) and shows what is wrong next to the
   field. Nothing is sent.
2. Review: exactly what will be sent (the comment as stored, with the operation's
   reference; the request body), the figure before and after, warnings (a withdrawal above
   free margin). "Confirm and send" (Ctrl+Enter; Enter alone never sends) emits
   ``confirmed(Operation)`` once.
3. Sending: a busy page. Esc and the close button are refused, so the result cannot be lost.
4. Result: the presenter calls :meth:`show_outcome` (or :meth:`show_failure` for an error
   around sending). Applied: ticket and the new figures. Refused: the server's reason.
   Unknown: "Check again" emits ``check_requested(Operation)``; the pipeline then asks the
   server with the same key while the server still holds it and reads the account's history
   after that, so it never applies twice. Proven not applied: "Send as a new operation"
   emits ``renew_requested(Operation)``; the presenter answers with :meth:`show_review` of
   the same write under a new key, which is confirmed like any other.

The dialog never touches the network. Open it with ``open()``.

Imports: PySide6, the standard library, desktop.domain and desktop.ui.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop.domain.amounts import parse_login
from desktop.domain.balance_ops import balance_review, unlisted_login_text
from desktop.domain.comments import check_operator_comment
from desktop.domain.errors import DesktopError, InvalidInput
from desktop.domain.models import Account, BalanceKind
from desktop.domain.operations import Operation, OperationState, Outcome, Review
from desktop.services.journal import JournalError
from desktop.ui.dialogs.balance_pages import FormPage, ResultPage, ReviewPage, SendingPage
from desktop.ui.dialogs.balance_text import (
    applied_details,
    done_heading,
    error_details,
    not_applied_text,
    outcome_details,
    refusal_text,
    review_texts,
    unknown_text,
)
from desktop.ui.models.columns import format_money
from desktop.ui.widgets.inline_error import set_error

LookupAccount = Callable[[int], Account | None]
"""Returns the account with a login as last seen, or ``None``."""

PrepareOperation = Callable[[int, BalanceKind, str, str], Operation]
ReviewOperation = Callable[[Operation], Review]
"""The service's review of an operation (its figures and warnings, with the group's levels)."""
"""``(login, kind, amount_text, comment) -> Operation``; raises InvalidInput."""


class Step(IntEnum):
    """The dialog's pages, in order."""

    FORM = 0
    REVIEW = 1
    SENDING = 2
    RESULT = 3


class BalanceDialog(QDialog):
    """Collects one balance operation, confirms it and shows its outcome.

    Signals (GUI thread):
        confirmed(Operation): the operator confirmed; send it.
        check_requested(Operation): the outcome is unknown and the operator asks again.
        renew_requested(Operation): proven not applied; the operator wants it sent as a new one.
    """

    confirmed = Signal(object)  # Operation
    check_requested = Signal(object)  # Operation
    renew_requested = Signal(object)  # Operation

    def __init__(
        self,
        lookup: LookupAccount,
        prepare: PrepareOperation,
        parent: QWidget | None = None,
        *,
        login: int | None = None,
        kind: BalanceKind = BalanceKind.DEPOSIT,
        max_amount: Decimal | None = None,
        review: ReviewOperation | None = None,
    ) -> None:
        super().__init__(parent)
        self._review = review
        self.setWindowTitle("Balance operation")
        self.setObjectName("balanceDialog")
        self.setMinimumWidth(540)
        self._lookup = lookup
        self._prepare = prepare
        self._operation: Operation | None = None
        self._account: Account | None = None
        self.form_page = FormPage(self)
        self.review_page = ReviewPage(self)
        self.sending_page = SendingPage(self)
        self.result_page = ResultPage(self)
        self._stack = QStackedWidget(self)
        for page in (self.form_page, self.review_page, self.sending_page, self.result_page):
            self._stack.addWidget(page)
        QVBoxLayout(self).addWidget(self._stack)
        if max_amount is not None:
            self.form_page.set_max_amount_hint(format_money(max_amount))
        self._connect_signals()
        self.form_page.kind_combo.setCurrentIndex(list(BalanceKind).index(kind))
        if login is not None:
            self.form_page.login_edit.setText(str(login))
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter presses only the page's explicit default, never a focused button
        self._show_step(Step.FORM)

    def _connect_signals(self) -> None:
        self.form_page.login_edit.textChanged.connect(self._on_login_edit_text_changed)
        self.form_page.amount_edit.textChanged.connect(lambda _: set_error(self.form_page.amount_error, ""))
        self.form_page.comment_edit.textChanged.connect(lambda _: set_error(self.form_page.comment_error, ""))
        self.form_page.cancel_button.clicked.connect(self.reject)
        self.form_page.review_button.clicked.connect(self._on_review_button_clicked)
        self.review_page.back_button.clicked.connect(self._on_back_button_clicked)
        self.review_page.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.result_page.check_button.clicked.connect(self._on_check_button_clicked)
        self.result_page.renew_button.clicked.connect(self._on_renew_button_clicked)
        self.result_page.edit_button.clicked.connect(self._on_back_button_clicked)
        self.result_page.new_button.clicked.connect(self._on_new_button_clicked)
        self.result_page.close_button.clicked.connect(self.accept)

    # -- what the presenter and tests use ---------------------------------------------------

    @property
    def step(self) -> Step:
        """The page shown."""
        return Step(self._stack.currentIndex())

    @property
    def operation(self) -> Operation | None:
        """The operation under review, being sent, or last sent."""
        return self._operation

    @property
    def sending_in_progress(self) -> bool:
        """True while waiting for the presenter's result; closing is refused meanwhile."""
        return self.step == Step.SENDING

    def show_outcome(self, outcome: Outcome, account: Account | None, at: datetime | None = None) -> None:
        """Show how the operation ended: applied, refused, proven not applied, or unknown."""
        op = self._operation
        if op is None:
            return
        page = self.result_page
        if outcome.state is OperationState.APPLIED:
            details = applied_details(outcome, op, account, at or datetime.now(UTC))
            page.show_outcome("done", done_heading(op), "The server applied the operation.", details)
        elif outcome.state is OperationState.REFUSED:
            page.show_outcome("refused", "Not applied", refusal_text(outcome), outcome_details(outcome, op))
        elif outcome.state is OperationState.NOT_APPLIED:
            page.show_outcome("not_applied", "Not applied", not_applied_text(outcome), outcome_details(outcome, op))
        else:
            page.show_outcome("unknown", "Outcome unknown", unknown_text(outcome), outcome_details(outcome, op))
        self._show_step(Step.RESULT)

    def show_failure(self, error: DesktopError) -> None:
        """Show an error raised around sending: not journaled (nothing sent), or a bug (unknown)."""
        details = error_details(error, self._operation)
        if isinstance(error, InvalidInput | JournalError):
            self.result_page.show_outcome("refused", "Not sent", f"{error} Nothing was sent to the server.", details)
        else:
            text = "Something went wrong while sending: the operation may or may not have been applied."
            self.result_page.show_outcome("unknown", "Outcome unknown", text, details)
        self._show_step(Step.RESULT)

    def show_review(self, operation: Operation) -> None:
        """Review ``operation`` (e.g. a write renewed under a new key) before it is confirmed."""
        self._operation = operation
        self._fill_review(operation)
        self._show_step(Step.REVIEW)

    # -- closing ----------------------------------------------------------------------------

    def reject(self) -> None:
        """Close, unless an operation is being sent (then Esc and Cancel do nothing)."""
        if not self.sending_in_progress:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Refuse to close while sending, so the operation's result is not lost."""
        if self.sending_in_progress:
            event.ignore()
            return
        super().closeEvent(event)

    # -- flow -------------------------------------------------------------------------------

    def _show_step(self, step: Step) -> None:
        self._stack.setCurrentIndex(int(step))
        defaults = {Step.FORM: self.form_page.review_button, Step.RESULT: self.result_page.default_button()}
        self._set_default(defaults.get(step))
        focus = {
            Step.FORM: self.form_page.amount_edit if self.form_page.login_edit.text() else self.form_page.login_edit,
            Step.REVIEW: self.review_page.confirm_button,
            Step.RESULT: self.result_page.default_button(),
        }.get(step)
        if focus is not None:
            focus.setFocus()

    def _set_default(self, default: QPushButton | None) -> None:
        """Make ``default`` the one button Enter presses (none on the review and sending pages)."""
        for button in self.findChildren(QPushButton):
            button.setDefault(button is default)

    def _on_login_edit_text_changed(self, text: str) -> None:
        set_error(self.form_page.login_error, "")
        self._account = None
        if text:
            try:
                login = parse_login(text)
            except InvalidInput as exc:
                set_error(self.form_page.login_error, str(exc))
            else:
                self._account = self._lookup(login)
                if self._account is None:
                    set_error(self.form_page.login_error, unlisted_login_text(login))
        self.form_page.show_account(self._account)

    def _on_review_button_clicked(self) -> None:
        self.form_page.clear_errors()
        operation = self._validate()
        if operation is None:
            return
        self._operation = operation
        self._fill_review(operation)
        self._show_step(Step.REVIEW)

    def _validate(self) -> Operation | None:
        form = self.form_page
        try:
            login = parse_login(form.login_edit.text())
        except InvalidInput as exc:
            set_error(form.login_error, str(exc))
            form.login_edit.setFocus()
            return None
        # A login missing from the grid is not refused here: it may have been created since
        # the grid loaded. The review warns, and the trade server's NotFound is shown if not.
        self._account = self._lookup(login)
        kind: BalanceKind = form.kind_combo.currentData()
        try:
            return self._prepare(login, kind, form.amount_edit.text(), form.comment_edit.text())
        except InvalidInput as exc:
            self._show_invalid(exc)
            return None

    def _show_invalid(self, exc: InvalidInput) -> None:
        """Put ``prepare``'s complaint under the field it is about; a bad comment is named too."""
        form = self.form_page
        try:
            check_operator_comment(form.comment_edit.text())
            comment_problem = ""
        except InvalidInput as comment_exc:
            comment_problem = str(comment_exc)
        set_error(form.comment_error, comment_problem)
        if comment_problem == str(exc):
            form.comment_edit.setFocus()
            return
        set_error(form.amount_error, str(exc))
        form.amount_edit.setFocus()
        form.amount_edit.selectAll()

    def _fill_review(self, operation: Operation) -> None:
        account = self._lookup(operation.login)
        review = self._review(operation) if self._review is not None else balance_review(operation, account)
        texts, warning = review_texts(review, account)
        for name, text in texts.items():
            self.review_page.values[name].setText(text)
        amount = operation.expect.amount or 0
        self.review_page.values["amount"].setProperty("direction", "in" if amount > 0 else "out")
        self.review_page.values["amount"].style().unpolish(self.review_page.values["amount"])
        self.review_page.values["amount"].style().polish(self.review_page.values["amount"])
        set_error(self.review_page.warning, warning)

    def _on_back_button_clicked(self) -> None:
        self._operation = None
        self._show_step(Step.FORM)

    def _on_confirm_button_clicked(self) -> None:
        if self._operation is None or self.step != Step.REVIEW:
            return
        self._send(self._operation)

    def _on_check_button_clicked(self) -> None:
        if self._operation is not None:
            self._busy(f"Checking {self._operation.summary} with the server…")
            self.check_requested.emit(self._operation)

    def _on_renew_button_clicked(self) -> None:
        if self._operation is not None:
            self.renew_requested.emit(self._operation)

    def _send(self, operation: Operation) -> None:
        self._busy(f"Sending {operation.summary}…")
        self.confirmed.emit(operation)

    def _busy(self, message: str) -> None:
        self.sending_page.message.setText(escape(message))
        self._show_step(Step.SENDING)

    def _on_new_button_clicked(self) -> None:
        self._operation = None
        self.form_page.amount_edit.clear()
        self.form_page.comment_edit.clear()
        self.form_page.clear_errors()
        self._on_login_edit_text_changed(self.form_page.login_edit.text())
        self._show_step(Step.FORM)
