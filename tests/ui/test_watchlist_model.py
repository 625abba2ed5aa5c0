from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop.domain.models import SymbolSpec
from desktop.domain.quote_book import QuoteBook
from desktop.ui import theme
from desktop.ui.models.table import SORT_ROLE
from desktop.ui.models.watchlist import WatchlistModel
from tests.ui.fakes import SYMBOLS, T0, feed


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def model(qtmodeltester: Any, clock: Clock) -> WatchlistModel:
    model = WatchlistModel(clock=clock)
    model.set_symbols(SYMBOLS)
    qtmodeltester.check(model)
    return model


def cell(model: WatchlistModel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.data(model.index(row, column), role)


def test_rows_follow_loaded_symbol_order_before_any_tick(model: WatchlistModel) -> None:
    assert model.rowCount() == len(SYMBOLS)
    assert [cell(model, r, 0) for r in range(model.rowCount())] == [s.name for s in SYMBOLS]
    assert cell(model, 0, 1) == ""
    assert cell(model, 0, 0, Qt.ItemDataRole.UserRole) == SYMBOLS[0]


def test_update_formats_prices_to_symbol_digits(model: WatchlistModel, qtmodeltester: Any) -> None:
    book = QuoteBook()
    book.apply("USDJPY", 151.2, 151.216, T0 + 0.125)
    book.apply("EURUSD", 1.0851, 1.08524, T0)
    model.update_from_book(book, book.flush())
    qtmodeltester.check(model)
    jpy = model.view_row_of_symbol("USDJPY")
    assert [cell(model, jpy, c) for c in range(5)] == ["USDJPY", "151.200", "151.216", "16", "14:13:20.125"]
    assert [cell(model, 0, c) for c in range(4)] == ["EURUSD", "1.08510", "1.08524", "14"]
    assert cell(model, 0, 1, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_update_emits_one_data_changed_per_run_of_changed_rows(model: WatchlistModel, qtbot: Any) -> None:
    book = QuoteBook()
    book.apply("GBPUSD", 1.2714, 1.2716, T0)
    book.apply("XAUUSD", 2381.1, 2381.4, T0)
    book.apply("GBPUSD", 1.2715, 1.2717, T0 + 1)
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, *_: spans.append((tl.row(), tl.column(), br.row(), br.column())))
    model.update_from_book(book, book.flush())
    gbp, xau = model.view_row_of_symbol("GBPUSD"), model.view_row_of_symbol("XAUUSD")
    last = model.columnCount() - 1
    if abs(gbp - xau) == 1:
        assert spans == [(min(gbp, xau), 0, max(gbp, xau), last)]
    else:
        assert spans == sorted([(gbp, 0, gbp, last), (xau, 0, xau, last)])


def test_many_scattered_changes_are_one_spanning_data_changed(qtbot: Any) -> None:
    from desktop.ui.models.watchlist import MAX_CHANGED_RUNS

    specs = [SymbolSpec(f"S{i:02d}", 5) for i in range(4 * MAX_CHANGED_RUNS)]
    model = WatchlistModel()
    model.set_symbols(specs)
    book = QuoteBook()
    for spec in specs[::2]:  # every other row: more runs than MAX_CHANGED_RUNS
        book.apply(spec.name, 1.1, 1.2, T0)
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda tl, br, *_: spans.append((tl.row(), br.row())))
    model.update_from_book(book, book.flush())
    assert spans == [(0, len(specs) - 2)]


def test_nothing_dirty_emits_nothing(model: WatchlistModel) -> None:
    spans: list[object] = []
    model.dataChanged.connect(lambda *a: spans.append(a))
    model.update_from_book(QuoteBook(), set())
    assert spans == []


def test_unknown_symbols_are_ignored(model: WatchlistModel) -> None:
    book = QuoteBook()
    book.apply("NOTLISTED", 1.0, 1.1, T0)
    model.update_from_book(book, book.flush())
    assert model.rowCount() == len(SYMBOLS)


def test_up_is_green_down_is_red_until_the_next_change(model: WatchlistModel, clock: Clock) -> None:
    book = QuoteBook()
    book.apply("EURUSD", 1.0850, 1.0852, T0)
    model.update_from_book(book, book.flush())
    assert cell(model, 0, 1, Qt.ItemDataRole.ForegroundRole) is None  # first quote: no direction yet
    book.apply("EURUSD", 1.0851, 1.08515, T0 + 1)
    model.update_from_book(book, book.flush())
    assert cell(model, 0, 1, Qt.ItemDataRole.ForegroundRole) == theme.UP
    assert cell(model, 0, 2, Qt.ItemDataRole.ForegroundRole) == theme.DOWN
    book.apply("EURUSD", 1.0851, 1.0853, T0 + 2)  # bid unchanged: keeps its colour
    model.update_from_book(book, book.flush())
    assert cell(model, 0, 1, Qt.ItemDataRole.ForegroundRole) == theme.UP
    assert cell(model, 0, 2, Qt.ItemDataRole.ForegroundRole) == theme.UP


def test_quiet_symbol_turns_grey_and_recovers(model: WatchlistModel, clock: Clock) -> None:
    book = QuoteBook()
    book.apply("EURUSD", 1.0850, 1.0852, T0)
    model.update_from_book(book, book.flush())
    assert cell(model, 0, 0, Qt.ItemDataRole.ForegroundRole) is None
    clock.now += 16
    spans: list[int] = []
    model.dataChanged.connect(lambda tl, br, *_: spans.append(tl.row()))
    model.update_from_book(book, book.flush())
    assert spans == [0]
    assert cell(model, 0, 0, Qt.ItemDataRole.ForegroundRole) == theme.STALE
    book.apply("EURUSD", 1.0851, 1.0853, T0 + 20)
    model.update_from_book(book, book.flush())
    assert cell(model, 0, 0, Qt.ItemDataRole.ForegroundRole) is None


def test_sort_by_header_in_the_model_and_back_to_load_order(model: WatchlistModel, qtmodeltester: Any) -> None:
    book = QuoteBook()
    feed(book, 3)
    model.update_from_book(book, book.flush())
    model.sort(1, Qt.SortOrder.DescendingOrder)  # bid, high to low
    bids = [cell(model, r, 1, SORT_ROLE) for r in range(model.rowCount())]
    assert bids == sorted(bids, reverse=True)
    assert cell(model, 0, 0) == "BTCUSD"
    model.sort(0)
    assert [cell(model, r, 0) for r in range(model.rowCount())] == sorted(s.name for s in SYMBOLS)
    model.sort(-1)
    assert [cell(model, r, 0) for r in range(model.rowCount())] == [s.name for s in SYMBOLS]
    qtmodeltester.check(model)


def test_sort_keeps_persistent_indexes_on_their_symbol(model: WatchlistModel) -> None:
    keep = QPersistentModelIndex(model.index(model.view_row_of_symbol("USDJPY"), 0))
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert keep.data() == "USDJPY"
    assert keep.row() == model.view_row_of_symbol("USDJPY")


def test_live_sort_is_throttled(model: WatchlistModel, clock: Clock) -> None:
    book = QuoteBook()
    book.apply("EURUSD", 1.0, 1.1, T0)
    book.apply("GBPUSD", 2.0, 2.1, T0)
    model.update_from_book(book, book.flush())
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert cell(model, 0, 0) == "GBPUSD"
    book.apply("EURUSD", 3.0, 3.1, T0 + 1)
    clock.now += 0.2
    model.update_from_book(book, book.flush())
    assert cell(model, 0, 0) == "GBPUSD"  # too soon to re-sort
    book.apply("EURUSD", 3.0, 3.2, T0 + 2)
    clock.now += 1.0
    model.update_from_book(book, book.flush())
    assert cell(model, 0, 0) == "EURUSD"


def test_set_symbols_again_resets(model: WatchlistModel, qtmodeltester: Any) -> None:
    model.set_symbols([SymbolSpec("EURUSD", 5)])
    assert model.rowCount() == 1
    assert model.index(0, 0, model.index(0, 0)) == QModelIndex()
    qtmodeltester.check(model)


def test_a_spread_twice_its_normal_size_is_an_alert(qtmodeltester: Any) -> None:
    model = WatchlistModel()
    model.set_symbols([SymbolSpec("EURUSD", 5, spread=12), SymbolSpec("BTCUSD", 2)])
    book = QuoteBook()
    book.apply("EURUSD", 1.10000, 1.10012, 1.0)
    book.apply("BTCUSD", 60000.00, 60010.00, 1.0)
    model.update_from_book(book, book.flush())
    spread = model.index(0, 3)
    assert spread.data(Qt.ItemDataRole.ForegroundRole) is None
    book.apply("EURUSD", 1.10000, 1.10036, 2.0)
    book.apply("BTCUSD", 60000.00, 60030.00, 2.0)  # floating: 3x the tightest seen (1000 points)
    model.update_from_book(book, book.flush())
    assert model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == theme.WARN
    assert "3.0\u00d7 the normal 12" in model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole) == theme.WARN
    qtmodeltester.check(model)


def _shown_view(qtbot: Any, model: WatchlistModel) -> Any:
    from desktop.ui.views.tables import GridView

    view = GridView(model)
    qtbot.addWidget(view)
    view.resize(420, 120)
    view.show()
    qtbot.waitExposed(view)
    return view


def _highlight(view: Any) -> Any:
    from PySide6.QtGui import QPalette

    group = QPalette.ColorGroup.Active if view.isActiveWindow() else QPalette.ColorGroup.Inactive
    return view.palette().color(group, QPalette.ColorRole.Highlight)


def _has_colour(view: Any, row: int, column: int, colour: Any) -> bool:
    """Whether the cell as painted has pixels of ``colour`` (its text), give or take anti-aliasing."""
    image = view.viewport().grab(view.visualRect(view.model().index(row, column))).toImage()
    return any(
        max(abs(c.red() - colour.red()), abs(c.green() - colour.green()), abs(c.blue() - colour.blue())) < 16
        for c in (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
    )


def test_a_selected_row_keeps_its_signal_colours_as_painted(qtbot: Any) -> None:
    model = WatchlistModel()
    model.set_symbols([SymbolSpec("EURUSD", 5, spread=12)])
    book = QuoteBook()
    book.apply("EURUSD", 1.10000, 1.10120, 1.0)  # a spread of 120 against 12: amber
    model.update_from_book(book, book.flush())
    view = _shown_view(qtbot, model)
    view.selectRow(0)
    assert _has_colour(view, 0, 3, theme.WARN)
    assert _has_colour(view, 0, 0, _highlight(view))  # the row is highlighted behind it


def test_the_selection_highlight_follows_its_row_through_a_resort(qtbot: Any) -> None:
    model = WatchlistModel()
    model.set_symbols([SymbolSpec("EURUSD", 5), SymbolSpec("AUDUSD", 5)])
    view = _shown_view(qtbot, model)
    view.selectRow(0)
    highlight = _highlight(view)
    assert _has_colour(view, 0, 1, highlight)
    assert not _has_colour(view, 1, 1, highlight)
    model.sort(0)  # AUDUSD first: the selection moves to row 1, and the highlight with it
    assert view.selectionModel().selectedIndexes()[0].row() == 1
    assert _has_colour(view, 1, 1, highlight)
    assert not _has_colour(view, 0, 1, highlight)


def test_a_new_price_repaints_the_figures_and_leaves_the_symbol_cell(model: WatchlistModel) -> None:
    from desktop.ui.models.watchlist import BID_COLUMN

    book = QuoteBook()
    book.apply("EURUSD", 1.0850, 1.0852, T0)
    model.update_from_book(book, book.flush())
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, *_: spans.append((tl.row(), tl.column(), br.row(), br.column())))
    book.apply("EURUSD", 1.0851, 1.0853, T0 + 1)
    model.update_from_book(book, book.flush())
    assert spans == [(0, BID_COLUMN, 0, model.columnCount() - 1)]
    assert cell(model, 0, 1) == "1.08510"


def test_a_repaint_of_two_rows_far_apart_paints_only_those_two(qtbot: Any) -> None:
    from PySide6.QtGui import QRegion

    asked: list[int] = []

    class Counting(WatchlistModel):
        def painted_row(self, view_row: int) -> Any:
            asked.append(view_row)
            return super().painted_row(view_row)

    model = Counting()
    model.set_symbols([SymbolSpec(f"S{i:02d}", 5) for i in range(12)])
    view = _shown_view(qtbot, model)
    view.resize(420, 300)
    qtbot.wait(50)
    first, last = view.visualRect(model.index(0, 1)), view.visualRect(model.index(9, 1))
    assert last.bottom() < view.viewport().height()  # both rows are on screen
    asked.clear()
    view.viewport().repaint(QRegion(first) + QRegion(last))
    assert sorted(set(asked)) == [0, 9]
