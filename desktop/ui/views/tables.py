"""A QTableView set up for live, dense grids: fixed row height, model-side sorting, no wrapping.

It paints its own rows (:class:`~desktop.ui.views.grid_paint.RowPainter`), so a cell's signal
colour also shows on the selected row, and a repaint costs one model call a row.

Imports: PySide6, the standard library, desktop.ui.models and desktop.ui.views.grid_paint.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.ui.models.columns import Column
from desktop.ui.models.table import RowTableModel
from desktop.ui.views.grid_paint import RowPainter

ROW_HEIGHT = 21


class GridView(QTableView):
    """A read-only grid over a model that sorts itself; header clicks sort inside the model.

    ``stretch_key`` names the column that takes the width the others leave free.

    Clicking a header cycles ascending → descending → load order.

    Signals:
        The standard QTableView signals only.
    """

    def __init__(
        self,
        model: RowTableModel[Any],
        parent: QWidget | None = None,
        *,
        stretch_last: bool = False,
        stretch_key: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._columns = model.columns
        self._painter = RowPainter(self, model, [column.align for column in model.columns])
        # Every pixel is painted in paintEvent: no parent repaints beneath a changed cell.
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
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

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the rows the event's region covers, one model call a row."""
        self._painter.paint(cast("Iterable[QRect]", event.region()))  # a QRegion iterates its rectangles

    def apply_header_sort(self) -> None:
        """Sort the model as the header's sort indicator says (after the header was restored)."""
        header = self.horizontalHeader()
        section = header.sortIndicatorSection()
        column = section if 0 <= section < len(self._columns) else -1
        self.model().sort(column, header.sortIndicatorOrder())

    def shown_columns(self) -> list[Column[Any]]:
        """The columns on screen, left to right (the operator may have moved or hidden some)."""
        header, columns = self.horizontalHeader(), self._columns
        visual = (header.logicalIndex(i) for i in range(header.count()))
        return [columns[c] for c in visual if not header.isSectionHidden(c)]

    def preferred_width(self) -> int:
        """The width that shows every column at its default width, plus the scroll bar."""
        columns = sum(self.columnWidth(i) for i in range(self.horizontalHeader().count()))
        return columns + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
