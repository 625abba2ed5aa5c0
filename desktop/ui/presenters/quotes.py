"""QuotesPresenter: the UI frame clock that moves quotes from the QuoteBook to the screen.

Ticks land in the :class:`~desktop.domain.quote_book.QuoteBook` without any notification.
Every ``frame_ms`` this presenter calls ``book.flush()``, updates the market watch (a
``dataChanged`` per run of changed rows), has it painted at once (``paint_quotes``), and then,
when the charted symbol ticked, calls ``setData`` on the chart once; the chart is painted in
Qt's next paint pass. It also measures itself: frame lag (actual interval minus target) and work per frame,
kept for the last :data:`LAG_SAMPLES` frames so a benchmark can read p50/p99.

Imports: PySide6, psygnal (through the service), the standard library, desktop.domain,
desktop.services and desktop.ui.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from desktop.domain.models import ConnectionStatus, SymbolSpec
from desktop.domain.rate import RateMeter
from desktop.ui.charts.tick_chart import TickChart
from desktop.ui.models.watchlist import WatchlistModel

if TYPE_CHECKING:
    from desktop.services.quotes import QuoteService

LAG_SAMPLES = 4096
"""How many recent frames the lag and work statistics keep."""

RATE_EVERY_S = 1.0
"""How often ``rate_changed`` is emitted."""


class QuotesPresenter(QObject):
    """Owns the frame timer; feeds the watchlist and the chart; reports feed status and rate.

    Signals (GUI thread):
        status_changed(ConnectionStatus): the tick feed connected, dropped or is retrying.
        symbols_loaded(tuple[SymbolSpec, ...]): the market watch's symbols were (re)loaded.
        rate_changed(float): ticks per second over the last seconds, about once a second.
        symbol_selected(str): the chart now shows this symbol.
    """

    status_changed = Signal(object)  # ConnectionStatus
    symbols_loaded = Signal(object)  # tuple[SymbolSpec, ...]
    rate_changed = Signal(float)
    symbol_selected = Signal(str)

    def __init__(
        self,
        quotes: QuoteService,
        watchlist: WatchlistModel,
        chart: TickChart,
        frame_ms: int,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
        paint_quotes: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._paint_quotes = paint_quotes
        self._service = quotes
        self._book = quotes.book
        self._watchlist = watchlist
        self._chart = chart
        self._frame_ms = frame_ms
        self._clock = clock
        self._meter = RateMeter()
        self._rate = 0.0
        self._rate_emitted_at = clock()
        self._last_frame_at: float | None = None
        self._lags: deque[float] = deque(maxlen=LAG_SAMPLES)
        self._work: deque[float] = deque(maxlen=LAG_SAMPLES)
        self.frames = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(frame_ms)
        self._timer.timeout.connect(self._on_frame_timeout)
        quotes.status_changed.connect(self._on_service_status_changed)
        quotes.symbols_loaded.connect(self._on_service_symbols_loaded)
        if quotes.symbols:
            self._load_symbols(tuple(quotes.symbols))

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the frame clock."""
        self._last_frame_at = None
        self._timer.start()

    def stop(self) -> None:
        """Stop the frame clock (the book keeps filling; the next frame catches up)."""
        self._timer.stop()

    def close(self) -> None:
        """Stop the clock and stop listening to the service; call before the window goes."""
        self.stop()
        self._service.status_changed.disconnect(self._on_service_status_changed)
        self._service.symbols_loaded.disconnect(self._on_service_symbols_loaded)

    @property
    def running(self) -> bool:
        """Whether the frame clock runs."""
        return self._timer.isActive()

    # -- state for the window and benchmarks --------------------------------------------------

    @property
    def status(self) -> ConnectionStatus:
        """The feed's connection status as last reported."""
        return self._service.status

    @property
    def ticks_per_second(self) -> float:
        """The tick rate measured at the last rate update."""
        return self._rate

    def frame_lags_ms(self) -> list[float]:
        """Actual frame interval minus the target, in ms, for the last frames (oldest first)."""
        return list(self._lags)

    def frame_work_ms(self) -> list[float]:
        """Time spent inside each of the last frames, in ms (oldest first)."""
        return list(self._work)

    # -- intents ----------------------------------------------------------------------------

    def select_symbol(self, symbol: str) -> None:
        """Chart ``symbol`` (a symbol the market watch shows); draws its history at once."""
        spec = self._watchlist.spec(symbol)
        if spec is None or symbol == self._chart.symbol:
            return
        self._chart.set_symbol(spec)
        series = self._book.series(symbol)
        if series is not None:
            self._chart.set_series(series.view())
        self.symbol_selected.emit(symbol)

    # -- the frame --------------------------------------------------------------------------

    def render_frame(self) -> set[str]:
        """Do one frame's work now; return the symbols that ticked since the previous frame."""
        dirty = self._book.flush()
        self.frames += 1
        self._watchlist.update_from_book(self._book, dirty)
        if dirty and self._paint_quotes is not None:
            # The prices go to the screen before the chart's work, so a slow chart frame
            # (an axis step) never delays the quotes a dealer reads.
            self._paint_quotes()
        symbol = self._chart.symbol
        if symbol is not None and symbol in dirty:
            series = self._book.series(symbol)
            if series is not None:
                self._chart.set_series(series.view())
        self._measure_rate()
        return dirty

    def _on_frame_timeout(self) -> None:
        started = self._clock()
        if self._last_frame_at is not None:
            self._lags.append((started - self._last_frame_at) * 1000.0 - self._frame_ms)
        self._last_frame_at = started
        self.render_frame()
        self._work.append((self._clock() - started) * 1000.0)

    def _measure_rate(self) -> None:
        now = self._clock()
        rate = self._meter.sample(now, self._book.total_ticks)
        if now - self._rate_emitted_at >= RATE_EVERY_S:
            self._rate_emitted_at = now
            self._rate = rate
            self.rate_changed.emit(rate)

    # -- service events (psygnal, on the loop thread = the GUI thread under qasync) ----------

    def _on_service_status_changed(self, status: ConnectionStatus) -> None:
        self.status_changed.emit(status)

    def _on_service_symbols_loaded(self, symbols: tuple[SymbolSpec, ...]) -> None:
        self._load_symbols(tuple(symbols))

    def _load_symbols(self, symbols: tuple[SymbolSpec, ...]) -> None:
        self._watchlist.set_symbols(symbols)
        self._watchlist.update_from_book(self._book, self._book.symbols())
        self.symbols_loaded.emit(symbols)
        current = self._chart.symbol
        if symbols and (current is None or self._watchlist.spec(current) is None):
            self.select_symbol(symbols[0].name)
