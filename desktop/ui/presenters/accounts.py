"""AccountsPresenter: feeds the account grid and carries balance operations to the service.

Grid: ``accounts_loaded`` replaces the model's rows, ``accounts_updated`` upserts them (one
spanning ``dataChanged``); when the grid is sorted by a changing column the re-sort is
throttled to one per ``resort_ms``.

Balance operations: :meth:`open_balance_dialog` opens a :class:`BalanceDialog` with
``open()``. Its ``confirmed(op)`` spawns ``accounts.submit(op)`` through the TaskOwner; the
receipt or the failure goes back to the same dialog. Resending after an unknown outcome
goes through the same path with the same operation object (same idempotency key).

Imports: PySide6, psygnal (through the services), the standard library, desktop.domain,
desktop.services and desktop.ui.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop.domain.errors import DesktopError
from desktop.domain.models import Account, BalanceKind, BalanceOperation, BalanceReceipt
from desktop.ui.dialogs.balance import BalanceDialog
from desktop.ui.dialogs.balance_text import definitely_not_applied
from desktop.ui.models.accounts import AccountsTableModel
from desktop.ui.models.columns import format_signed_money

if TYPE_CHECKING:
    from desktop.services.accounts import AccountService
    from desktop.services.tasks import TaskOwner

_log = logging.getLogger(__name__)

RESORT_MS = 500
"""Live updates re-sort the grid at most this often (stack-notes §6: ≤ 2 Hz)."""


class AccountsPresenter(QObject):
    """Connects the AccountService to the grid model and runs balance operations.

    Signals (GUI thread):
        error_occurred(str): the margin refresh failed; the reason.
        operation_finished(str, str): a one-line summary of a balance operation's outcome and
            its level: ``ok``, ``error`` (refused, nothing applied) or ``warning`` (unknown).
    """

    error_occurred = Signal(str)
    operation_finished = Signal(str, str)

    def __init__(
        self,
        accounts: AccountService,
        tasks: TaskOwner,
        model: AccountsTableModel,
        parent: QObject | None = None,
        *,
        resort_ms: int = RESORT_MS,
    ) -> None:
        super().__init__(parent)
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
        if len(accounts):
            model.replace_all(accounts.all())

    def close(self) -> None:
        """Stop listening to the service and forget open dialogs; call before the window goes."""
        self._resort.stop()
        self._service.accounts_loaded.disconnect(self._on_service_accounts_loaded)
        self._service.accounts_updated.disconnect(self._on_service_accounts_updated)
        self._service.refresh_failed.disconnect(self._on_service_refresh_failed)
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
        self._model.apply_pending_sort()

    def _on_service_refresh_failed(self, reason: str) -> None:
        self.error_occurred.emit(f"Margin refresh failed: {reason}")

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
        )
        dialog.confirmed.connect(partial(self._on_dialog_confirmed, dialog))
        dialog.finished.connect(partial(self._on_dialog_finished, dialog))
        self._dialogs.add(dialog)
        dialog.open()
        return dialog

    def _on_dialog_confirmed(self, dialog: BalanceDialog, operation: BalanceOperation) -> None:
        self._in_flight += 1
        self._tasks.spawn(f"balance-{operation.login}", self._submit(dialog, operation))

    def _on_dialog_finished(self, dialog: BalanceDialog, _result: int) -> None:
        self._dialogs.discard(dialog)
        dialog.deleteLater()

    async def _submit(self, dialog: BalanceDialog, operation: BalanceOperation) -> None:
        try:
            receipt = await self._service.submit(operation)
        except DesktopError as exc:
            self._finish_failure(dialog, operation, exc)
        except Exception as exc:
            # A bug, not a server answer: the operation may have gone out, so treat it as unknown.
            self._finish_failure(dialog, operation, DesktopError(f"Unexpected error: {exc!r}"))
            raise
        else:
            self._finish_receipt(dialog, receipt)
        finally:
            self._in_flight -= 1

    def _finish_receipt(self, dialog: BalanceDialog, receipt: BalanceReceipt) -> None:
        op = receipt.operation
        self.operation_finished.emit(
            f"{op.kind.label} {format_signed_money(op.signed_amount)} on {op.login}: done, ticket {receipt.ticket}",
            "ok",
        )
        if dialog in self._dialogs:
            dialog.show_receipt(receipt)

    def _finish_failure(self, dialog: BalanceDialog, op: BalanceOperation, error: DesktopError) -> None:
        unknown = not definitely_not_applied(error)
        summary = f"{op.kind.label} {format_signed_money(op.signed_amount)} on {op.login}"
        if unknown:
            self.operation_finished.emit(f"{summary}: OUTCOME UNKNOWN, check the account ({error})", "warning")
        else:
            self.operation_finished.emit(f"{summary}: refused, {error}", "error")
        _log.info("balance operation %s ended: %s", op.idempotency_key, error)
        if dialog in self._dialogs:
            dialog.show_failure(error)
