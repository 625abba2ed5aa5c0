"""MarketWatchPanel: the watchlist grid; selecting a row asks for that symbol's chart.

Imports: PySide6, the standard library and desktop.ui.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.domain.models import SymbolSpec
from desktop.ui.models.watchlist import WatchlistModel
from desktop.ui.views.tables import GridView


class MarketWatchPanel(QWidget):
    """The market watch table.

    Signals (GUI thread):
        symbol_chosen(str): the dealer selected this symbol's row.
    """

    symbol_chosen = Signal(str)

    def __init__(self, model: WatchlistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.table = GridView(model, self, stretch_last=True)
        self.table.setObjectName("marketWatchTable")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def sizeHint(self) -> QSize:
        """Wide enough for every column at its default width."""
        return QSize(self.table.preferred_width(), 360)

    def select_symbol(self, symbol: str) -> None:
        """Make ``symbol``'s row current without scrolling away from where the dealer looks."""
        row = self._model.view_row_of_symbol(symbol)
        if row < 0 or self.table.currentIndex().row() == row:
            return
        self.table.selectionModel().setCurrentIndex(
            self._model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _on_current_row_changed(
        self, current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        spec = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        if isinstance(spec, SymbolSpec):
            self.symbol_chosen.emit(spec.name)
