"""A QTableView set up for live, dense grids: fixed row height, model-side sorting, no wrapping.

Imports: PySide6, the standard library and desktop.ui.models.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.ui.models.table import RowTableModel
from desktop.ui.models.watchlist import WatchlistModel

ROW_HEIGHT = 21


class SignalColourDelegate(QStyledItemDelegate):
    """Paints a cell's own text colour on a selected row too.

    Qt draws selected text in the palette's highlighted-text colour and drops the model's
    ``ForegroundRole``; then the selected symbol -- the one the dealer is watching -- would
    lose its up/down colour and its wide-spread or stale warning.

    A Python delegate costs a call into Python (and two ``data`` calls) per cell painted, so
    :class:`GridView` sets it on the selected rows only; every other cell is painted by Qt's
    own delegate, which takes the colours from the model's roles.
    """

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        """Qt's option for the cell, with the cell's colour as the highlighted-text colour."""
        super().initStyleOption(option, index)
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        if isinstance(colour, QColor | QBrush):
            option.palette.setBrush(QPalette.ColorRole.HighlightedText, QBrush(colour))


class GridView(QTableView):
    """A read-only grid over a model that sorts itself; header clicks sort inside the model.

    ``stretch_key`` names the column that takes the width the others leave free.

    Clicking a header cycles ascending → descending → load order.

    Signals:
        The standard QTableView signals only.
    """

    def __init__(
        self,
        model: RowTableModel[Any] | WatchlistModel,
        parent: QWidget | None = None,
        *,
        stretch_last: bool = False,
        stretch_key: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._colour_delegate = SignalColourDelegate(self)
        self._colour_rows: set[int] = set()
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        model.layoutChanged.connect(self._on_selection_changed)
        model.modelReset.connect(self._on_selection_changed)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setCornerButtonEnabled(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(stretch_last)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for i, column in enumerate(model.columns):
            self.setColumnWidth(i, column.width)
            if column.key == stretch_key:
                # The free width goes to this column instead of an empty band on the right.
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        self.setSortingEnabled(True)

    def _on_selection_changed(self, *_: object) -> None:
        """Keep the colour-keeping delegate on exactly the rows now selected."""
        rows = {index.row() for index in self.selectionModel().selectedIndexes()}
        for row in self._colour_rows - rows:
            self.setItemDelegateForRow(row, None)  # type: ignore[arg-type]
        for row in rows - self._colour_rows:
            self.setItemDelegateForRow(row, self._colour_delegate)
        self._colour_rows = rows

    def preferred_width(self) -> int:
        """The width that shows every column at its default width, plus the scroll bar."""
        columns = sum(self.columnWidth(i) for i in range(self.horizontalHeader().count()))
        return columns + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
