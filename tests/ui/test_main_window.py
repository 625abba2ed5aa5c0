from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.errors import DecodeError
from desktop.domain.models import ConnectionState
from desktop.ui import theme
from desktop.ui.dialogs.balance import BalanceDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.widgets.dimming import is_dimmed
from tests.ui.fakes import SYMBOLS, FakeWorkstation, feed

LOGIN = 100136


@pytest.fixture
def window(qtbot: Any, workstation: FakeWorkstation) -> MainWindow:
    window = MainWindow(workstation)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    workstation.start()
    window.show()
    return window


def dialogs() -> list[BalanceDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, BalanceDialog) and w.isVisible()]


def test_title_and_status_after_start(window: MainWindow) -> None:
    assert window.windowTitle() == "Dealer Desk \u2014 Demo-MT4 Live"
    assert window.status.connection.text() == "Connected"
    assert window.status.connection.colour() == theme.UP
    assert window.status.platform.text() == "Demo-MT4 Live (MT4)"
    assert window.status.accounts.text() == "12 accounts"
    assert window.status.clock.text() == "Server 12:00:00"


def test_unreadable_records_are_counted_in_the_status_bar(
    qtbot: Any, window: MainWindow, workstation: FakeWorkstation
) -> None:
    label = window.status.unreadable
    assert label.isHidden()
    bad = DecodeError("MT4User", "login", "is missing")
    for _ in range(2):
        workstation.set_aside.add("UsersRequest", {"login": None}, bad)
    workstation.set_aside.add("MarginsGet", {"login": 1}, bad)
    qtbot.waitUntil(lambda: label.isVisible(), timeout=3_000)
    assert label.text() == "3 records could not be read"
    assert label.toolTip() == "Left out, by source: MarginsGet 1, UsersRequest 2. The log names the fields."


def test_title_before_start_says_connecting(qtbot: Any) -> None:
    ws = FakeWorkstation()
    window = MainWindow(ws)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    assert window.windowTitle() == "Dealer Desk \u2014 connecting\u2026"
    assert window.status.connection.text() == "Disconnected"


def test_quotes_show_up_after_frames(qtbot: Any, window: MainWindow, workstation: FakeWorkstation) -> None:
    feed(workstation.book, 200)
    qtbot.waitUntil(lambda: window.watchlist.data(window.watchlist.index(0, 1)) not in (None, ""), timeout=2_000)
    assert window.watchlist.rowCount() == len(SYMBOLS)
    assert window.chart.symbol == "EURUSD"
    qtbot.waitUntil(lambda: window.chart.bid_curve.xData is not None and len(window.chart.bid_curve.xData) == 200)
    assert window.market_watch.table.currentIndex().row() == 0
    assert window.quotes.frames > 0


def test_selecting_a_symbol_charts_it(qtbot: Any, window: MainWindow, workstation: FakeWorkstation) -> None:
    feed(workstation.book, 20)
    window.quotes.render_frame()
    row = window.watchlist.view_row_of_symbol("XAUUSD")
    table = window.market_watch.table
    rect = table.visualRect(window.watchlist.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.chart.symbol == "XAUUSD"
    assert len(window.chart.bid_curve.xData) == 20


def test_connection_state_changes_colour(window: MainWindow, workstation: FakeWorkstation) -> None:
    workstation.quotes.set_status(ConnectionState.RECONNECTING, "hub closed the socket")
    assert window.status.connection.text() == "Reconnecting"
    assert window.status.connection.colour() == theme.WARN
    assert window.status.connection.toolTip() == "hub closed the socket"
    assert "Quote feed reconnecting: hub closed the socket" in window.status.message.text()


def test_double_click_on_an_account_opens_the_dialog_prefilled(qtbot: Any, window: MainWindow) -> None:
    table = window.accounts_panel.table
    row = window.accounts_model.view_row_of_login(LOGIN)
    rect = table.visualRect(window.accounts_model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt wants a press first
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    [dialog] = dialogs()
    assert dialog.form_page.login_edit.text() == str(LOGIN)
    assert "Ivan Petrov" in dialog.form_page.account_card.text()
    dialog.reject()


def test_ctrl_d_opens_the_dialog_for_the_selected_account(qtbot: Any, window: MainWindow) -> None:
    window.accounts_panel.select_login(LOGIN)
    window.activateWindow()
    window.balance_action.trigger()
    [dialog] = dialogs()
    assert dialog.form_page.login_edit.text() == str(LOGIN)
    assert window.balance_action.shortcut().toString() == "Ctrl+D"
    dialog.reject()


def test_ctrl_d_and_enter_act_on_the_only_account_the_filter_leaves(qtbot: Any, window: MainWindow) -> None:
    window.find_action.trigger()
    qtbot.keyClicks(window.accounts_panel.filter_edit, "ivan")
    assert window.accounts_model.rowCount() == 1
    assert window.accounts_panel.selected_login() is None  # nothing clicked
    window.balance_action.trigger()
    [dialog] = dialogs()
    assert dialog.form_page.login_edit.text() == str(LOGIN)
    dialog.reject()
    qtbot.keyClick(window.accounts_panel.filter_edit, Qt.Key.Key_Return)
    [dialog] = dialogs()
    assert dialog.form_page.login_edit.text() == str(LOGIN)
    dialog.reject()
    qtbot.keyClicks(window.accounts_panel.filter_edit, "zzz")  # nothing left: Enter does nothing
    qtbot.keyClick(window.accounts_panel.filter_edit, Qt.Key.Key_Return)
    assert dialogs() == []


def test_a_selection_holds_the_order_until_re_sort_is_clicked(
    qtbot: Any, window: MainWindow, workstation: FakeWorkstation
) -> None:
    from dataclasses import replace
    from decimal import Decimal

    panel, model = window.accounts_panel, window.accounts_model
    window.show()
    panel.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)  # balance, high to low
    top = model.rows_shown()[0]
    panel.select_login(LOGIN)
    last = model.rows_shown()[-1]
    richer = replace(last, balance=top.balance + Decimal(1))
    workstation.accounts.accounts_updated.emit((richer,))
    qtbot.wait(800)  # past the presenter's re-sort interval
    assert model.rows_shown()[-1].login == last.login  # held: the rows did not move
    assert panel.resort_button.isVisible()
    qtbot.mouseClick(panel.resort_button, Qt.MouseButton.LeftButton)
    assert model.rows_shown()[0].login == last.login
    assert not panel.resort_button.isVisible()
    assert panel.selected_login() == LOGIN  # the selection stayed on its account
    panel.table.clearSelection()
    poorer = replace(richer, balance=Decimal("-1.00"))
    workstation.accounts.accounts_updated.emit((poorer,))
    qtbot.waitUntil(lambda: model.rows_shown()[-1].login == last.login, timeout=3000)  # nothing held: re-sorted
    assert not panel.resort_button.isVisible()


def test_filter_box_filters_and_keeps_the_selection(qtbot: Any, window: MainWindow) -> None:
    window.accounts_panel.select_login(LOGIN)
    window.find_action.trigger()
    qtbot.keyClicks(window.accounts_panel.filter_edit, "standard")
    assert window.accounts_model.rowCount() == 3
    assert window.accounts_panel.count_label.text() == "3 of 12 accounts"
    assert window.accounts_panel.selected_login() == LOGIN


def test_balance_operation_updates_the_grid(qtbot: Any, window: MainWindow, workstation: FakeWorkstation) -> None:
    dialog = window.open_balance_dialog(LOGIN)
    qtbot.keyClicks(dialog.form_page.amount_edit, "1000")
    qtbot.mouseClick(dialog.form_page.review_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)
    assert window.accounts.in_flight == 1
    window.close()  # refused while the operation is in flight
    assert window.isVisible()
    workstation.tasks.run_all()
    row = window.accounts_model.view_row_of_login(LOGIN)
    assert window.accounts_model.data(window.accounts_model.index(row, 4)) == "15,352.45"
    assert "done, ticket" in window.status.message.text()
    dialog.accept()


def test_view_menu_toggles_docks_and_reset_layout_restores(window: MainWindow) -> None:
    window.chart_dock.toggleViewAction().trigger()
    assert not window.chart_dock.isVisible()
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.market_dock)  # dragged away
    window.reset_layout()
    assert window.chart_dock.isVisible()
    assert window.dockWidgetArea(window.market_dock) == Qt.DockWidgetArea.TopDockWidgetArea


def test_close_stops_timers_and_announces_it(qtbot: Any, window: MainWindow, workstation: FakeWorkstation) -> None:
    assert window.quotes.running
    with qtbot.waitSignal(window.closed):
        window.close()
    assert not window.quotes.running
    frames = window.quotes.frames
    feed(workstation.book, 5)
    qtbot.wait(60)
    assert window.quotes.frames == frames
    assert len(workstation.started) == 0
    assert len(workstation.quotes.status_changed) == 0
    assert len(workstation.accounts.accounts_updated) == 0


def test_layout_is_saved_and_restored(qtbot: Any, tmp_path: Path, workstation: FakeWorkstation) -> None:
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    first = MainWindow(workstation, settings=settings)  # type: ignore[arg-type]
    qtbot.addWidget(first)
    first.show()
    first.chart_dock.hide()
    first.close()
    second = MainWindow(workstation, settings=settings)  # type: ignore[arg-type]
    qtbot.addWidget(second)
    second.show()
    assert not second.chart_dock.isVisible()
    assert second.market_dock.isVisible()
    second.close()


def test_grid_columns_sort_and_filter_are_kept_between_starts(
    qtbot: Any, tmp_path: Path, workstation: FakeWorkstation
) -> None:
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    first = MainWindow(workstation, settings=settings)  # type: ignore[arg-type]
    qtbot.addWidget(first)
    first.show()
    table = first.accounts_panel.table
    header = table.horizontalHeader()
    header.resizeSection(2, 333)  # group (name stretches)
    header.moveSection(header.visualIndex(4), 0)
    header.setSortIndicator(4, Qt.SortOrder.DescendingOrder)  # balance, high to low
    first.accounts_panel.filter_edit.setText("an")
    first.close()
    second = MainWindow(workstation, settings=settings)  # type: ignore[arg-type]
    qtbot.addWidget(second)
    second.show()
    table, model = second.accounts_panel.table, second.accounts_model
    header = table.horizontalHeader()
    assert header.sectionSize(2) == 333
    assert header.logicalIndex(0) == 4
    assert (model.sort_column, header.sortIndicatorOrder()) == (4, Qt.SortOrder.DescendingOrder)
    assert second.accounts_panel.filter_edit.text() == "an"
    assert model.filter_text == "an"
    balances = [account.balance for account in model.rows_shown()]
    assert balances == sorted(balances, reverse=True)
    second.close()


def test_window_screenshot_renders(window: MainWindow, workstation: FakeWorkstation, tmp_path: Path) -> None:
    feed(workstation.book, 500)
    window.quotes.render_frame()
    image = window.grab().toImage()
    assert image.width() > 1000
    assert image.save(str(tmp_path / "main.png"))


def test_stale_grids_are_dimmed_and_their_messages_clear_when_the_cause_is_gone(
    qtbot: Any, window: MainWindow, workstation: FakeWorkstation
) -> None:
    grid, watch, message = window.accounts_panel.table, window.market_watch.table, window.status.message
    workstation.accounts.refresh_failed.emit("Loading margins: the WebAPI is unavailable (HTTP 502)")
    qtbot.waitUntil(lambda: is_dimmed(grid), timeout=2_000)
    assert "HTTP 502" in message.text()
    assert "HTTP 502" in grid.toolTip()
    workstation.accounts.refresh_recovered.emit()
    qtbot.waitUntil(lambda: not is_dimmed(grid), timeout=2_000)
    assert message.text() == ""
    workstation.quotes.set_status(ConnectionState.RECONNECTING, "connection lost; retrying in 1.0 s")
    qtbot.waitUntil(lambda: is_dimmed(watch), timeout=2_000)
    assert "Quote feed reconnecting" in message.text()
    workstation.quotes.set_status(ConnectionState.CONNECTED)
    qtbot.waitUntil(lambda: not is_dimmed(watch), timeout=2_000)
    assert message.text() == ""


def test_a_waiting_start_says_why_in_the_status_bar(qtbot: Any) -> None:
    ws = FakeWorkstation()
    window = MainWindow(ws)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    ws.starting.emit("Loading accounts: the WebAPI is unavailable (HTTP 502); trying again in 2 s")
    qtbot.waitUntil(lambda: "Connecting: Loading accounts" in window.status.message.text(), timeout=2_000)
    assert window.status.connection.text() == "Connecting"
    assert window.windowTitle() == "Dealer Desk \u2014 connecting\u2026"
    ws.start()
    qtbot.waitUntil(lambda: window.status.message.text() == "", timeout=2_000)
    assert window.status.connection.text() == "Connected"
