"""MainWindow: the Dealer Desk workstation window, composed from docks, presenters and a status bar.

Composition only: the window builds the models, views and presenters for one
:class:`~desktop.services.workstation.Workstation` and wires their signals. Market Watch,
Tick Chart, Accounts and Operations are dock widgets the dealer can move, float, tab or hide; View →
Reset layout puts them back. Closing the window stops the frame and clock timers and
disconnects from the services; the app layer then awaits ``workstation.aclose()``.

Imports: PySide6, the standard library, desktop.domain, desktop.services and desktop.ui.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from desktop.domain.models import BalanceKind, ConnectionState, ConnectionStatus, TradePlatform
from desktop.ui.charts.tick_chart import TickChart
from desktop.ui.dialogs.balance import BalanceDialog
from desktop.ui.models.accounts import AccountsTableModel
from desktop.ui.models.operations import OperationsTableModel
from desktop.ui.models.watchlist import WatchlistModel
from desktop.ui.presenters.accounts import AccountsPresenter
from desktop.ui.presenters.operations import OperationsPresenter
from desktop.ui.presenters.quotes import QuotesPresenter
from desktop.ui.presenters.session import SessionPresenter
from desktop.ui.views.accounts_panel import AccountsPanel
from desktop.ui.views.market_watch import MarketWatchPanel
from desktop.ui.views.operations_panel import OperationsPanel
from desktop.ui.views.status_bar import DeskStatusBar
from desktop.ui.views.tables import GridView
from desktop.ui.widgets.dimming import set_dimmed

if TYPE_CHECKING:
    from desktop.services.workstation import Workstation

APP_TITLE = "Dealer Desk"
_LAYOUT_VERSION = 1


class MainWindow(QMainWindow):
    """The workstation window for one connected :class:`Workstation`.

    Build it before ``await workstation.start()`` so it sees ``symbols_loaded``,
    ``accounts_loaded`` and ``started``; it also picks up symbols already loaded.

    Signals (GUI thread):
        closed(): the window closed and its timers are stopped; close the workstation now.
        close_deferred(): a close was asked while a write is in flight; the window stays open
            until the application has waited for the answer (desktop.app.shutdown).
    """

    closed = Signal()
    close_deferred = Signal()

    def __init__(
        self, workstation: Workstation, parent: QWidget | None = None, *, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._workstation = workstation
        self._settings = settings
        self._closing_down = False
        config = workstation.config
        self.watchlist = WatchlistModel(self, stale_after_s=config.stale_after_s)
        self.accounts_model = AccountsTableModel(self)
        self.chart = TickChart(config.chart_points, self)
        self.market_watch = MarketWatchPanel(self.watchlist, self)
        self.accounts_panel = AccountsPanel(self.accounts_model, self)
        self.status = DeskStatusBar(self)
        self.setStatusBar(self.status)
        self.quotes = QuotesPresenter(
            workstation.quotes, self.watchlist, self.chart, config.frame_ms, self, paint_quotes=self._paint_quotes_now
        )
        self.accounts = AccountsPresenter(
            workstation.accounts,
            workstation.tasks,
            self.accounts_model,
            self,
            hold_order=self.accounts_panel.holds_order,
        )
        self.session = SessionPresenter(workstation, self)
        self._build_docks()
        self._build_operations_dock()
        self._build_menus()
        self._wire()
        self._default_state = self.saveState(_LAYOUT_VERSION)
        self._restore_layout()
        self._show_platform(workstation.session.platform)
        self.status.set_connection(self.quotes.status)
        self.quotes.start()
        self.session.start()

    # -- construction -----------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.setDockNestingEnabled(True)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        top = Qt.DockWidgetArea.TopDockWidgetArea
        self.market_dock = self._dock("Market Watch", "marketWatchDock", self.market_watch, top)
        self.chart_dock = self._dock("Tick Chart", "tickChartDock", self.chart, top)
        self.splitDockWidget(self.market_dock, self.chart_dock, Qt.Orientation.Horizontal)
        self.accounts_dock = self._dock(
            "Accounts", "accountsDock", self.accounts_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.resize(1440, 900)
        self._size_docks()

    def _build_operations_dock(self) -> None:
        """The Operations dock: every journaled write with its state, live; tabbed with Accounts."""
        self.operations_model = OperationsTableModel(self)
        self.operations_panel = OperationsPanel(self.operations_model, self)
        self.operations = OperationsPresenter(self._workstation.operations, self.operations_model, self)
        self.operations_panel.filter_changed.connect(self.operations.set_filter)
        self.operations_panel.export_requested.connect(self.operations.export)
        self.operations.status_changed.connect(self.status.show_event)
        self.operations_dock = self._dock(
            "Operations", "operationsDock", self.operations_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.tabifyDockWidget(self.accounts_dock, self.operations_dock)
        self.accounts_dock.raise_()
        self.operations.load()

    def _size_docks(self) -> None:
        watch = self.market_watch.table.preferred_width()
        self.resizeDocks(
            [self.market_dock, self.chart_dock], [watch, max(400, self.width() - watch)], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.market_dock, self.accounts_dock], [440, 360], Qt.Orientation.Vertical)

    def _action(self, text: str, shortcut: str | QKeySequence.StandardKey, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        file_menu.addAction(self.quit_action)
        account_menu = bar.addMenu("&Account")
        self.balance_action = self._action("&Balance operation…", "Ctrl+D", self._on_balance_action_triggered)
        self.find_action = self._action("&Find account", "Ctrl+F", self.accounts_panel.focus_filter)
        account_menu.addActions([self.balance_action, self.find_action])
        view_menu = bar.addMenu("&View")
        docks = [(self.market_dock, "Ctrl+M"), (self.chart_dock, "Ctrl+T"), (self.accounts_dock, "Ctrl+U")]
        for dock, key in [*docks, (self.operations_dock, "Ctrl+J")]:
            toggle = dock.toggleViewAction()
            toggle.setShortcut(QKeySequence(key))
            view_menu.addAction(toggle)
        view_menu.addSeparator()
        self.reset_layout_action = self._action("&Reset layout", "Ctrl+Shift+R", self.reset_layout)
        view_menu.addAction(self.reset_layout_action)

    def _wire(self) -> None:
        self.market_watch.symbol_chosen.connect(self.quotes.select_symbol)
        self.quotes.symbol_selected.connect(self.market_watch.select_symbol)
        self.quotes.status_changed.connect(self._on_connection_changed)
        self.quotes.rate_changed.connect(self.status.set_rate)
        self.accounts_panel.balance_requested.connect(self._on_balance_requested)
        self.accounts_panel.exported.connect(self.status.show_event)
        self.accounts.resort_held.connect(self.accounts_panel.show_resort_hint)
        self.accounts_model.counts_changed.connect(lambda _shown, total: self.status.set_accounts(total))
        self.accounts.stale_changed.connect(self._on_accounts_stale_changed)
        self.accounts.operation_finished.connect(self.status.show_event)
        self.session.clock_changed.connect(self.status.set_clock)
        self.session.platform_changed.connect(self._show_platform)
        self.session.error_occurred.connect(lambda text: self.status.show_event(text, "error"))
        self.session.unreadable_changed.connect(self.status.set_unreadable)
        self.session.connecting.connect(self._on_session_connecting)
        if self.chart.symbol is not None:
            self.market_watch.select_symbol(self.chart.symbol)

    # -- actions ----------------------------------------------------------------------------

    def open_balance_dialog(self, login: int | None = None, kind: BalanceKind | None = None) -> BalanceDialog:
        """Open the balance dialog for ``login`` (default: the selected account, or the only one shown)."""
        if login is None:
            login = self.accounts_panel.target_login()
        return self.accounts.open_balance_dialog(self, login, kind or BalanceKind.DEPOSIT)

    def reset_layout(self) -> None:
        """Put every dock back where it starts, and show them all."""
        self.restoreState(self._default_state, _LAYOUT_VERSION)
        for dock in (self.market_dock, self.chart_dock, self.accounts_dock, self.operations_dock):
            dock.setFloating(False)
            dock.show()

    def _on_balance_action_triggered(self) -> None:
        self.open_balance_dialog()

    def _on_balance_requested(self, login: int | None, kind: BalanceKind | None) -> None:
        self.open_balance_dialog(login, kind)

    def _on_connection_changed(self, status: ConnectionStatus) -> None:
        self.status.set_connection(status)
        if status.state is ConnectionState.CONNECTED:
            self.status.clear_event("feed")
            set_dimmed(self.market_watch.table, "")
            return
        if status.detail:
            self.status.show_event(f"Quote feed {status.state.value}: {status.detail}", "warning", "feed")
        if status.state is ConnectionState.RECONNECTING:
            set_dimmed(self.market_watch.table, f"the quote feed is reconnecting ({status.detail or 'lost'})")

    def _on_accounts_stale_changed(self, reason: str) -> None:
        set_dimmed(self.accounts_panel.table, reason)
        if reason:
            self.status.show_event(reason, "error", "refresh")
        else:
            self.status.clear_event("refresh")

    def _on_session_connecting(self, reason: str) -> None:
        if not reason:
            self.status.clear_event("startup")
            return
        self.status.set_connection(ConnectionStatus(ConnectionState.CONNECTING, reason))
        self.status.show_event(f"Connecting: {reason}", "warning", "startup")

    def _show_platform(self, platform: TradePlatform | None) -> None:
        if platform is None:
            self.setWindowTitle(f"{APP_TITLE} \u2014 connecting…")
            self.status.set_platform("")
            return
        self.setWindowTitle(f"{APP_TITLE} \u2014 {platform.name}")
        self.status.set_platform(f"{platform.name} ({platform.type})")

    # -- layout persistence -----------------------------------------------------------------

    def _restore_layout(self) -> None:
        if self._settings is None:
            return
        geometry = self._settings.value("mainWindow/geometry")
        state = self._settings.value("mainWindow/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, _LAYOUT_VERSION)
        for key, table in self._grids().items():
            header = self._settings.value(f"{key}/header")
            if isinstance(header, QByteArray) and table.horizontalHeader().restoreState(header):
                table.apply_header_sort()
        text = self._settings.value("accountsTable/filter")
        if isinstance(text, str):
            self.accounts_panel.filter_edit.setText(text)

    def _save_layout(self) -> None:
        if self._settings is None:
            return
        self._settings.setValue("mainWindow/geometry", self.saveGeometry())
        self._settings.setValue("mainWindow/state", self.saveState(_LAYOUT_VERSION))
        for key, table in self._grids().items():
            self._settings.setValue(f"{key}/header", table.horizontalHeader().saveState())
        self._settings.setValue("accountsTable/filter", self.accounts_panel.filter_edit.text())

    def _grids(self) -> dict[str, GridView]:
        """The grids whose columns (order, widths, hidden ones) and sort are kept between starts."""
        return {"accountsTable": self.accounts_panel.table, "marketWatchTable": self.market_watch.table}

    def _paint_quotes_now(self) -> None:
        """Paint what is waiting to be painted in the market watch's window, now.

        This is the paint pass Qt would run at its next ``UpdateRequest``, run before the
        frame goes on to the chart: the new prices reach the screen first, and the chart's
        changes get a pass of their own. The window may be a floating dock.
        """
        if self.market_watch.isVisible():
            QCoreApplication.sendEvent(self.market_watch.window(), QEvent(QEvent.Type.UpdateRequest))

    # -- shutdown ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Defer while a write awaits its answer (``close_deferred``); otherwise stop timers and close."""
        if self.accounts.in_flight and not self._closing_down:
            event.ignore()
            self.status.show_event("Closing once the operation in flight is answered…", "warning")
            self.close_deferred.emit()
            return
        self.shut_down()
        super().closeEvent(event)
        self.closed.emit()

    def shut_down(self) -> None:
        """Stop every timer and disconnect from the services (idempotent)."""
        if self._closing_down:
            return
        self._closing_down = True
        self._save_layout()
        self.quotes.close()
        self.accounts.close()
        self.operations.close()
        self.session.close()
