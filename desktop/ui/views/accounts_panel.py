"""AccountsPanel: the quick filter, the account grid, "Export" and the "Balance operation…" button.

Double-click, Enter or the context menu on an account asks for a balance dialog prefilled
with that login. The selected account stays selected when the filter changes. Rows can be
selected several at once (Shift, Ctrl) for an export of the selection.

Imports: PySide6, the standard library, desktop.domain and desktop.ui.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.models import Account, BalanceKind
from desktop.ui.models.accounts import AccountsTableModel
from desktop.ui.models.export import ExportScope, write_csv
from desktop.ui.views.account_filters import AccountFiltersBar
from desktop.ui.views.tables import GridView


class _AccountsGrid(GridView):
    """The grid; Enter on a row opens the balance dialog like a double-click.

    Signals (GUI thread):
        activated_login(int): Enter was pressed on this account's row.
    """

    activated_login = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            account = self.currentIndex().data(Qt.ItemDataRole.UserRole)
            if isinstance(account, Account):
                self.activated_login.emit(account.login)
                return
        super().keyPressEvent(event)


class AccountsPanel(QWidget):
    """Filter box, count, action button and the account grid.

    Signals (GUI thread):
        balance_requested(object, object): open a balance dialog for login (``int | None``)
            with the operation (``BalanceKind``) preselected.
    """

    balance_requested = Signal(object, object)
    exported = Signal(str, str)  # message, level ("ok" or "error")

    def __init__(self, model: AccountsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._kept_login: int | None = None
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText("Filter by login, name or group   (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.resort_button = QToolButton(self)
        self.resort_button.setObjectName("resortHint")
        self.resort_button.setText("Re-sort")
        self.resort_button.setToolTip(
            "New figures changed the order. The grid holds it while you point at it or have a "
            "selection; click to re-sort now."
        )
        self.resort_button.hide()
        self.balance_button = QPushButton("Balance operation…", self)
        self.balance_button.setToolTip("Deposit, withdrawal, credit in / out for the selected account (Ctrl+D)")
        self.filters_button = QToolButton(self)
        self.filters_button.setText("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.setToolTip("Group mask and ranges on balance, equity, free margin and margin level")
        self.filters_bar = AccountFiltersBar(self)
        self.filters_bar.hide()
        self.export_button = QToolButton(self)
        self.export_button.setText("Export")
        self.export_button.setToolTip("Save all, the visible or the selected accounts as CSV")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        for scope in ExportScope:
            action = export_menu.addAction(f"{scope.value}…")
            action.triggered.connect(lambda _=False, s=scope: self._on_export_chosen(s))
        self.export_button.setMenu(export_menu)
        self.table = _AccountsGrid(model, self, stretch_key="name")
        self.table.setObjectName("accountsTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._build_layout()
        self.filter_edit.textChanged.connect(model.set_filter)
        self.balance_button.clicked.connect(lambda: self.balance_requested.emit(self.target_login(), None))
        self.filter_edit.returnPressed.connect(self._on_filter_return_pressed)
        self.resort_button.clicked.connect(self._on_resort_clicked)
        self.filters_button.toggled.connect(self._on_filters_toggled)
        self.filters_bar.filter_changed.connect(model.set_account_filter)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.activated_login.connect(lambda login: self.balance_requested.emit(login, None))
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        model.modelReset.connect(self._on_model_reset)
        model.counts_changed.connect(self._on_model_counts_changed)
        self._on_model_counts_changed(model.rowCount(), model.total_count())

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.resort_button)
        bar.addSpacing(12)
        bar.addWidget(self.filters_button)
        bar.addWidget(self.export_button)
        bar.addWidget(self.balance_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.filters_bar)
        layout.addWidget(self.table, 1)

    def selected_login(self) -> int | None:
        """The login of the current row, or ``None``."""
        account = self.table.currentIndex().data(Qt.ItemDataRole.UserRole)
        return account.login if isinstance(account, Account) else None

    def target_login(self) -> int | None:
        """The account an action without a login is for: the current row, else the only one shown.

        An operator who filters down to one account (``100234``, ``jane roe``) acts on it with
        Ctrl+D or Enter without clicking it first.
        """
        login = self.selected_login()
        if login is None and self._model.rowCount() == 1:
            only = self._model.row_object(0)
            login = only.login if only is not None else None
        return login

    def select_login(self, login: int) -> bool:
        """Make ``login``'s row current and scroll to it; ``False`` when it is not shown."""
        row = self._model.view_row_of_login(login)
        if row < 0:
            return False
        index = self._model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def export_csv(self, path: Path, scope: ExportScope) -> int:
        """Write the accounts of ``scope`` to ``path`` as CSV, the shown columns in their order.

        Emits ``exported`` with the outcome (a write error is said plainly, never raised).

        Returns:
            The number of accounts written, or -1 when the file could not be written.
        """
        if scope is ExportScope.ALL:
            rows = self._model.rows_ordered()
        elif scope is ExportScope.VISIBLE:
            rows = self._model.rows_shown()
        else:
            rows = self._model.rows_at(index.row() for index in self.table.selectionModel().selectedRows())
        try:
            written = write_csv(path, self.table.shown_columns(), rows)
        except OSError as exc:
            self.exported.emit(f"Export failed, nothing was written: {exc.strerror or exc} ({path})", "error")
            return -1
        noun = "account" if written == 1 else "accounts"
        self.exported.emit(f"Exported {written:,} {noun} ({scope.value.lower()}) to {path}", "ok")
        return written

    def _on_export_chosen(self, scope: ExportScope) -> None:
        default = Path.home() / f"accounts-{datetime.now():%Y%m%d-%H%M%S}.csv"
        chosen, _ = QFileDialog.getSaveFileName(self, f"Export {scope.value.lower()}", str(default), "CSV (*.csv)")
        if chosen:
            self.export_csv(Path(chosen), scope)

    def holds_order(self) -> bool:
        """Whether the rows must not move now: the pointer is over the grid, or rows are selected."""
        return self.table.viewport().underMouse() or self.table.selectionModel().hasSelection()

    def show_resort_hint(self, shown: bool) -> None:
        """Show or hide the "Re-sort" hint (the grid holds an order new figures have changed)."""
        self.resort_button.setVisible(shown)

    def _on_filters_toggled(self, shown: bool) -> None:
        """Show the filter bar; hiding it clears its filter, so no account is hidden out of sight."""
        self.filters_bar.setVisible(shown)
        if shown:
            self.filters_bar.mask_edit.setFocus()
        else:
            self.filters_bar.clear()

    def _on_resort_clicked(self) -> None:
        self._model.apply_pending_sort()
        self.resort_button.hide()

    def focus_filter(self) -> None:
        """Put the cursor in the filter box with its text selected."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _on_filter_return_pressed(self) -> None:
        if self._model.rowCount() == 1:
            self.balance_requested.emit(self.target_login(), None)

    def _on_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        account = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(account, Account):
            self.balance_requested.emit(account.login, None)

    def _on_table_context_menu_requested(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        account = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        if not isinstance(account, Account):
            return
        menu = QMenu(self)
        for kind in BalanceKind:
            action = QAction(f"{kind.label}…", menu)
            action.triggered.connect(lambda _=False, k=kind: self.balance_requested.emit(account.login, k))
            menu.addAction(action)
        menu.addSeparator()
        copy = menu.addAction("Copy login")
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(str(account.login)))
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _on_model_about_to_be_reset(self) -> None:
        self._kept_login = self.selected_login()

    def _on_model_reset(self) -> None:
        if self._kept_login is not None:
            self.select_login(self._kept_login)
        self._kept_login = None

    def _on_model_counts_changed(self, shown: int, total: int) -> None:
        if shown == total:
            self.count_label.setText(f"{total:,} accounts")
        else:
            self.count_label.setText(f"{shown:,} of {total:,} accounts")
