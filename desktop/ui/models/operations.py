"""OperationsTableModel: the journal's operations with their state, filtered and sorted in the model.

One row per journaled operation (:class:`~desktop.services.journal.JournalEntry`), newest
first by default. :meth:`OperationsTableModel.upsert` changes a row in place (one
``dataChanged``) or inserts a new one where the current order puts it, so the view follows
an operation live from ``pending`` to its final state without a reset. The filter
(:class:`~desktop.services.operations.OperationsFilter`: period, login, type, operator) is
applied inside the model, like the accounts grid's.

Colours: applied green, refused red, unknown amber, pending and not applied dim.

Imports: PySide6, the standard library, desktop.domain, desktop.services and desktop.ui.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from desktop.domain.operations import OperationState
from desktop.services.journal import JournalEntry
from desktop.services.operations import OperationsFilter
from desktop.ui import theme
from desktop.ui.models.columns import CENTER, LEFT, RIGHT, Column
from desktop.ui.models.table import RowTableModel

STATE_LABELS = {
    OperationState.PENDING: "Pending",
    OperationState.APPLIED: "Applied",
    OperationState.REFUSED: "Refused",
    OperationState.NOT_APPLIED: "Not applied",
    OperationState.UNKNOWN: "Unknown",
}
_STATE_COLOURS = {
    OperationState.APPLIED: theme.UP,
    OperationState.REFUSED: theme.DOWN,
    OperationState.UNKNOWN: theme.WARN,
    OperationState.PENDING: theme.TEXT_DIM,
    OperationState.NOT_APPLIED: theme.TEXT_DIM,
}


def _local(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _ticket(entry: JournalEntry) -> str:
    ticket = entry.outcome.ticket if entry.outcome else None
    return str(ticket) if ticket else ""


def _detail(entry: JournalEntry) -> str:
    outcome = entry.outcome
    if outcome is None:
        return "Sent, no answer recorded yet." if entry.attempts else "Journaled, not sent yet."
    if outcome.state is OperationState.REFUSED:
        return " ".join(part for part in (outcome.code, outcome.message) if part)
    if entry.superseded_by:
        return f"Sent again as a new operation ({entry.superseded_by})."
    return outcome.message or ("Found in the server's history." if outcome.via == "history" else "")


OPERATION_COLUMNS: tuple[Column[JournalEntry], ...] = (
    Column("created", "Time", lambda e: _local(e.created_at), lambda e: e.first_seq, LEFT, 140),
    Column("operator", "Operator", lambda e: e.operator, lambda e: e.operator.casefold(), LEFT, 90),
    Column("type", "Type", lambda e: e.operation.type, lambda e: e.operation.type, LEFT, 130),
    Column("login", "Login", lambda e: str(e.operation.login), lambda e: e.operation.login, RIGHT, 76),
    Column("summary", "Operation", lambda e: e.operation.summary, lambda e: e.operation.summary, LEFT, 220),
    Column("state", "State", lambda e: STATE_LABELS[e.state], lambda e: e.state.value, CENTER, 90),
    Column("ticket", "Ticket", _ticket, lambda e: (e.outcome.ticket if e.outcome else None) or 0, RIGHT, 80),
    Column("attempts", "Sends", lambda e: str(len(e.attempts)), lambda e: len(e.attempts), RIGHT, 50),
    Column("detail", "Detail", _detail, _detail, LEFT, 320),
    Column("reference", "Reference", lambda e: e.operation.reference, lambda e: e.operation.reference, LEFT, 90),
    Column("updated", "Updated", lambda e: _local(e.updated_at), lambda e: e.last_seq, LEFT, 140),
)
STATE_COLUMN = next(i for i, c in enumerate(OPERATION_COLUMNS) if c.key == "state")


class OperationsTableModel(RowTableModel[JournalEntry]):
    """Journaled operations, one row each; ``Qt.UserRole`` returns the :class:`JournalEntry`.

    Signals (GUI thread):
        counts_changed(int, int): rows shown after the filter, and all operations.
    """

    counts_changed = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(OPERATION_COLUMNS, parent)
        self._where = OperationsFilter()
        self._row_of: dict[str, int] = {}
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.DescendingOrder

    @property
    def where(self) -> OperationsFilter:
        """The filter in force."""
        return self._where

    def set_entries(self, entries: Iterable[JournalEntry]) -> None:
        """Show exactly ``entries`` (a model reset)."""
        self.beginResetModel()
        self._rows = list(entries)
        self._row_of = {entry.key: i for i, entry in enumerate(self._rows)}
        self._rebuild_view()
        self.endResetModel()
        self._emit_counts()

    def set_filter(self, where: OperationsFilter) -> None:
        """Show only the operations that pass ``where``."""
        if where == self._where:
            return
        self.beginResetModel()
        self._where = where
        self._rebuild_view()
        self.endResetModel()
        self._emit_counts()

    def upsert(self, entry: JournalEntry) -> None:
        """Change the row of ``entry``'s operation in place, or insert it where the order puts it."""
        row = self._row_of.get(entry.key)
        if row is None:
            self._insert(entry)
            return
        self._rows[row] = entry
        shown = self._pos[row] >= 0
        if shown != self._accepts(row):
            self.set_filter_again()
            return
        self._emit_rows_changed([row])

    def set_filter_again(self) -> None:
        """Re-apply the filter (an entry moved in or out of it)."""
        self.beginResetModel()
        self._rebuild_view()
        self.endResetModel()
        self._emit_counts()

    def entries(self) -> list[JournalEntry]:
        """The rows shown, in the order shown."""
        return [self._rows[i] for i in self._view]

    def values(self) -> tuple[list[str], list[str]]:
        """The logins' operators and types seen, sorted (for the filter's choices)."""
        operators = sorted({e.operator for e in self._rows})
        types = sorted({e.operation.type for e in self._rows})
        return operators, types

    # -- RowTableModel hooks --------------------------------------------------------------

    def _accepts(self, row: int) -> bool:
        return self._where.matches(self._rows[row])

    def _cell_data(self, row: JournalEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE_COLUMN:
            return _STATE_COLOURS[row.state]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.operation.summary}\nKey {row.key}\n{_detail(row)}"
        return None

    # -- internals ------------------------------------------------------------------------

    def _insert(self, entry: JournalEntry) -> None:
        row = len(self._rows)
        self._rows.append(entry)
        self._row_of[entry.key] = row
        self._pos.append(-1)
        if self._accepts(row):
            view = self._ordered([*self._view, row])
            place = view.index(row)
            self.beginInsertRows(QModelIndex(), place, place)
            self._view = view
            self._reindex()
            self.endInsertRows()
        self._emit_counts()

    def _emit_counts(self) -> None:
        self.counts_changed.emit(len(self._view), len(self._rows))
