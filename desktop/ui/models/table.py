"""RowTableModel: a flat table over a list of rows, sorted and filtered inside the model.

Sorting and filtering happen here, on a permutation of row numbers, not in a
QSortFilterProxyModel: the proxy calls Python ``data()`` on both sides of every comparison
and takes tens of seconds at 100k rows (stack-notes §6). Subclasses supply the columns, the
colours and the update paths; this base keeps the permutation and the persistent indexes.

Imports: PySide6, the standard library and desktop.ui.models.columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from desktop.ui.models.columns import Column

R = TypeVar("R")

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The raw value a column sorts by (Decimal, float, str …)."""

# Roles as plain ints: ``data`` runs for every role of every cell painted, and looking a
# member up on a Qt enum class costs about as much as the rest of the call.
DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
ALIGN_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
USER_ROLE = int(Qt.ItemDataRole.UserRole)
FOREGROUND_ROLE = int(Qt.ItemDataRole.ForegroundRole)
BACKGROUND_ROLE = int(Qt.ItemDataRole.BackgroundRole)
TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
_SORT = int(SORT_ROLE)
CELL_ROLES = frozenset({FOREGROUND_ROLE, BACKGROUND_ROLE, TOOLTIP_ROLE})
"""The roles a subclass answers in ``_cell_data``; any other role is ``None`` at once."""


class PaintedRow(NamedTuple):
    """What a grid paints of one row: a text and a colour (``None`` = the palette's) per column."""

    texts: Sequence[str]
    colours: Sequence[Any]
    background: Any = None


class PaintedRows(Protocol):
    """A model whose grid paints its rows itself (:class:`~desktop.ui.views.tables.GridView`).

    One call a row instead of Qt's style pass per cell, which asks the model about ten
    questions a cell (flags, text, alignment, font, colours, check state ...).
    """

    def painted_row(self, view_row: int) -> PaintedRow | None:
        """The row shown at ``view_row``, or ``None`` outside the table."""
        ...


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of ``R`` shown through ``columns``, in a sorted and filtered order.

    ``_rows`` holds every row in load order; ``_view`` lists the row numbers shown, in the
    order shown; ``_pos`` maps a row number back to its place in ``_view`` (-1 = filtered out).

    Signals:
        The standard QAbstractItemModel signals only (GUI thread).
    """

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[R] = []
        self._view: list[int] = []
        self._pos: list[int] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- subclass hooks -------------------------------------------------------------------

    def _accepts(self, row: int) -> bool:
        """Whether row number ``row`` passes the filter; the base shows every row."""
        return True

    def _cell_data(self, row: R, column: int, role: int) -> Any:
        """Colours, fonts and tooltips of a cell; ``None`` for the default."""
        return None

    def _user_data(self, row: R) -> Any:
        """What ``Qt.UserRole`` returns for a row."""
        return row

    # -- Qt model interface ---------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column[R], ...]:
        """The column specs, in display order."""
        return self._columns

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        """Rows shown (after the filter); zero under any parent, as a table has no children."""
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The number of columns; zero under any parent."""
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        """Cell text, alignment, colours, the row object (UserRole) or its sort value."""
        if role not in _ANSWERED and role not in CELL_ROLES:
            return None
        place = index.row()  # -1 for an invalid index
        view = self._view
        if not 0 <= place < len(view):
            return None
        row = self._rows[view[place]]
        if role == DISPLAY_ROLE:
            return self._columns[index.column()].display(row)
        if role == ALIGN_ROLE:
            return self._columns[index.column()].align
        if role == USER_ROLE:
            return self._user_data(row)
        if role == _SORT:
            return self._columns[index.column()].sort_key(row)
        return self._cell_data(row, index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column headers with their alignment and tooltip; no vertical header text."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells are selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column``; ``-1`` restores load order. Selections follow their rows."""
        self._sort_column = column if 0 <= column < len(self._columns) else -1
        self._sort_order = order
        self.resort()

    def painted_row(self, view_row: int) -> PaintedRow | None:
        """The texts and colours the grid paints for the row shown at ``view_row``."""
        if not 0 <= view_row < len(self._view):
            return None
        row = self._rows[self._view[view_row]]
        columns, cell = self._columns, self._cell_data
        return PaintedRow(
            [column.display(row) for column in columns],
            [cell(row, i, FOREGROUND_ROLE) for i in range(len(columns))],
            cell(row, 0, BACKGROUND_ROLE),
        )

    # -- for subclasses and callers -------------------------------------------------------

    @property
    def sort_column(self) -> int:
        """The column rows are ordered by, or -1 for load order."""
        return self._sort_column

    def row_object(self, view_row: int) -> R | None:
        """The row shown at ``view_row``, or ``None`` outside the table."""
        if 0 <= view_row < len(self._view):
            return self._rows[self._view[view_row]]
        return None

    def rows_shown(self) -> list[R]:
        """The rows the filter lets through, in the order shown."""
        return [self._rows[i] for i in self._view]

    def rows_ordered(self) -> list[R]:
        """Every row, filtered out or not, in the current order."""
        return [self._rows[i] for i in self._ordered(list(range(len(self._rows))))]

    def rows_at(self, view_rows: Iterable[int]) -> list[R]:
        """The rows shown at ``view_rows``, top to bottom (places outside the table are skipped)."""
        view = self._view
        return [self._rows[view[place]] for place in sorted(set(view_rows)) if 0 <= place < len(view)]

    def view_row_of(self, row: int) -> int:
        """Where row number ``row`` is shown, or -1 when filtered out."""
        return self._pos[row] if 0 <= row < len(self._pos) else -1

    def resort(self) -> None:
        """Re-apply the current order, keeping selections and the current index on their rows."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        anchors = [(self._view[i.row()], i.column()) for i in old]
        self._view = self._ordered(self._view)
        self._reindex()
        new = [self.index(self._pos[r], c) for r, c in anchors]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _rebuild_view(self) -> None:
        """Recompute filter and order from scratch; callers wrap this in a model reset."""
        self._view = self._ordered([i for i in range(len(self._rows)) if self._accepts(i)])
        self._reindex()

    def _ordered(self, view: list[int]) -> list[int]:
        if self._sort_column < 0:
            return sorted(view)
        key = self._columns[self._sort_column].sort_key
        rows = self._rows
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        return sorted(view, key=lambda i: key(rows[i]), reverse=descending)

    def _reindex(self) -> None:
        pos = [-1] * len(self._rows)
        for place, row in enumerate(self._view):
            pos[row] = place
        self._pos = pos

    def _emit_rows_changed(self, rows: Sequence[int]) -> None:
        """One ``dataChanged`` spanning the shown places of row numbers ``rows``."""
        places = [self._pos[r] for r in rows if self._pos[r] >= 0]
        if places:
            top = self.index(min(places), 0)
            bottom = self.index(max(places), len(self._columns) - 1)
            self.dataChanged.emit(top, bottom)


_ANSWERED = frozenset({DISPLAY_ROLE, ALIGN_ROLE, USER_ROLE, _SORT})


def row_runs(places: Iterable[int], max_runs: int) -> list[tuple[int, int]]:
    """The runs ``(top, bottom)`` of adjacent row places, or one spanning run past ``max_runs``.

    A view repaints the whole rectangle a ``dataChanged`` spans; three quiet rows far apart
    in one span would repaint everything between them, so a model emits one per run.
    """
    ordered = sorted(set(places))
    if not ordered:
        return []
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for place in ordered[1:]:
        if place == runs[-1][1] + 1:
            runs[-1][1] = place
        else:
            runs.append([place, place])
    if len(runs) > max_runs:
        return [(ordered[0], ordered[-1])]
    return [(top, bottom) for top, bottom in runs]
