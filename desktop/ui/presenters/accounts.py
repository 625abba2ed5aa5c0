"""AccountsPresenter: feeds the account grid and carries balance operations to the service.

Grid: ``accounts_loaded`` replaces the model's rows, ``accounts_updated`` upserts them (one
spanning ``dataChanged``); when the grid is sorted by a changing column the re-sort is
throttled to one per ``resort_ms``.

Balance operations: :meth:`open_balance_dialog` opens a :class:`BalanceDialog` with
``open()``. Its ``confirmed(op)`` spawns ``accounts.submit(op)`` (the write pipeline)
through the TaskOwner, ``check_requested(op)`` spawns ``accounts.reconcile(op)``; the
outcome goes back to the same dialog. ``renew_requested(op)`` asks the service for the same
write under a new key and shows its review.

Imports: PySide6, psygnal (through the services), the standard library, desktop.domain,
desktop.services and desktop.ui.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop.domain.errors import DesktopError
from desktop.domain.models import Account, BalanceKind
from desktop.domain.operations import Operation, OperationState
from desktop.ui.dialogs.balance import BalanceDialog
from desktop.ui.models.accounts import AccountsTableModel

if TYPE_CHECKING:
    from desktop.services.accounts import AccountService, BalanceResult
    from desktop.services.tasks import TaskOwner

_log = logging.getLogger(__name__)

Step = Callable[[Operation], Awaitable["BalanceResult"]]
"""``accounts.submit`` or ``accounts.reconcile``."""

RESORT_MS = 500
"""Live updates re-sort the grid at most this often (stack-notes §6: ≤ 2 Hz)."""


class AccountsPresenter(QObject):
    """Connects the AccountService to the grid model and runs balance operations.

    Signals (GUI thread):
        stale_changed(str): the margin refresh failed (the reason; the grid's figures are
            stale), or ``""`` once it works again.
        operation_finished(str, str): a one-line summary of a balance operation's outcome and
            its level: ``ok``, ``error`` (refused, nothing applied) or ``warning`` (unknown).
        resort_held(bool): new figures put the sorted grid out of order and ``hold_order``
            said to keep it (True), or the order is current again (False).
    """

    stale_changed = Signal(str)
    operation_finished = Signal(str, str)
    resort_held = Signal(bool)

    def __init__(
        self,
        accounts: AccountService,
        tasks: TaskOwner,
        model: AccountsTableModel,
        parent: QObject | None = None,
        *,
        resort_ms: int = RESORT_MS,
        hold_order: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._hold_order = hold_order
        self._service = accounts
        self._tasks = tasks
        self._model = model
        self._dialogs: set[BalanceDialog] = set()
        self._in_flight = 0
        self._resort = QTimer(self)
        self._resort.setSingleShot(True)
        self._resort.setInterval(resort_ms)
        self._resort.timeout.connect(self._on_resort_timeout)
        accounts.accounts_loaded.connect(self._on_service_accounts_loaded)
        accounts.accounts_updated.connect(self._on_service_accounts_updated)
        accounts.refresh_failed.connect(self._on_service_refresh_failed)
        accounts.refresh_recovered.connect(self._on_service_refresh_recovered)
        if len(accounts):
            model.replace_all(accounts.all())

    def close(self) -> None:
        """Stop listening to the service and forget open dialogs; call before the window goes."""
        self._resort.stop()
        self._service.accounts_loaded.disconnect(self._on_service_accounts_loaded)
        self._service.accounts_updated.disconnect(self._on_service_accounts_updated)
        self._service.refresh_failed.disconnect(self._on_service_refresh_failed)
        self._service.refresh_recovered.disconnect(self._on_service_refresh_recovered)
        self._dialogs.clear()

    @property
    def in_flight(self) -> int:
        """Balance operations sent and not answered yet."""
        return self._in_flight

    # -- grid -------------------------------------------------------------------------------

    def _on_service_accounts_loaded(self, accounts: Iterable[Account]) -> None:
        self._model.replace_all(accounts)

    def _on_service_accounts_updated(self, accounts: Iterable[Account]) -> None:
        self._model.upsert_many(accounts)
        if self._model.sort_pending and not self._resort.isActive():
            self._resort.start()

    def _on_resort_timeout(self) -> None:
        if self._model.sort_pending and self._hold_order is not None and self._hold_order():
            # The operator is pointing at the grid or has a selection: rows must not jump.
            self.resort_held.emit(True)
            self._resort.start()  # look again later
            return
        self._model.apply_pending_sort()
        self.resort_held.emit(False)

    def _on_service_refresh_failed(self, reason: str) -> None:
        self.stale_changed.emit(f"Margin refresh failed: {reason}")

    def _on_service_refresh_recovered(self) -> None:
        self.stale_changed.emit("")

    # -- balance operations -----------------------------------------------------------------

    def open_balance_dialog(
        self, parent: QWidget | None, login: int | None = None, kind: BalanceKind = BalanceKind.DEPOSIT
    ) -> BalanceDialog:
        """Open a balance dialog (window-modal, with ``open()``), prefilled with ``login``."""
        dialog = BalanceDialog(
            self._service.get,
            self._service.prepare,
            parent,
            login=login,
            kind=kind,
            max_amount=self._service.max_amount,
            review=self._service.review,
        )
        dialog.confirmed.connect(partial(self._on_dialog_confirmed, dialog))
        dialog.check_requested.connect(partial(self._on_dialog_check_requested, dialog))
        dialog.renew_requested.connect(partial(self._on_dialog_renew_requested, dialog))
        dialog.finished.connect(partial(self._on_dialog_finished, dialog))
        self._dialogs.add(dialog)
        dialog.open()
        return dialog

    def _on_dialog_confirmed(self, dialog: BalanceDialog, operation: Operation) -> None:
        self._run(dialog, operation, self._service.submit)

    def _on_dialog_check_requested(self, dialog: BalanceDialog, operation: Operation) -> None:
        self._run(dialog, operation, self._service.reconcile)

    def _on_dialog_renew_requested(self, dialog: BalanceDialog, operation: Operation) -> None:
        try:
            fresh = self._service.renew(operation)
        except ValueError as exc:
            self.operation_finished.emit(f"{operation.summary}: {exc}", "error")
            return
        dialog.show_review(fresh)

    def _run(self, dialog: BalanceDialog, operation: Operation, step: Step) -> None:
        self._in_flight += 1
        self._tasks.spawn(f"balance-{operation.login}", self._submit(dialog, operation, step))

    def _on_dialog_finished(self, dialog: BalanceDialog, _result: int) -> None:
        self._dialogs.discard(dialog)
        dialog.deleteLater()

    async def _submit(self, dialog: BalanceDialog, operation: Operation, step: Step) -> None:
        try:
            result = await step(operation)
        except DesktopError as exc:
            self._finish_failure(dialog, operation, exc)
        except Exception as exc:
            # A bug, not a server answer: the operation may have gone out, so treat it as unknown.
            self._finish_failure(dialog, operation, DesktopError(f"Unexpected error: {exc!r}"))
            raise
        else:
            self._finish(dialog, operation, result)
        finally:
            self._in_flight -= 1

    def _finish(self, dialog: BalanceDialog, op: Operation, result: BalanceResult) -> None:
        outcome = result.outcome
        state = outcome.state
        if state is OperationState.APPLIED:
            self.operation_finished.emit(f"{op.summary}: done, ticket {outcome.ticket}", "ok")
        elif state is OperationState.UNKNOWN:
            self.operation_finished.emit(
                f"{op.summary}: OUTCOME UNKNOWN, check it again ({outcome.message})", "warning"
            )
        else:
            self.operation_finished.emit(f"{op.summary}: {state.label.lower()}, {outcome.message}", "error")
        _log.info("balance operation %s: %s", op.key, state.value)
        if dialog in self._dialogs:
            dialog.show_outcome(outcome, result.account, result.at)

    def _finish_failure(self, dialog: BalanceDialog, op: Operation, error: DesktopError) -> None:
        self.operation_finished.emit(f"{op.summary}: {error}", "error")
        _log.info("balance operation %s ended: %s", op.key, error)
        if dialog in self._dialogs:
            dialog.show_failure(error)
