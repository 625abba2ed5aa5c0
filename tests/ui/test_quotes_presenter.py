from __future__ import annotations

from typing import Any

import pytest

from desktop.domain.models import ConnectionState, ConnectionStatus
from desktop.domain.quote_book import QuoteBook
from desktop.ui.charts.tick_chart import TickChart
from desktop.ui.models.watchlist import WatchlistModel
from desktop.ui.presenters.quotes import QuotesPresenter
from tests.ui.fakes import SYMBOLS, T0, FakeQuotes, feed


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def parts(qtbot: Any, clock: Clock) -> tuple[FakeQuotes, WatchlistModel, TickChart, QuotesPresenter]:
    quotes = FakeQuotes(QuoteBook())
    watchlist = WatchlistModel()
    chart = TickChart(points=1_000)
    qtbot.addWidget(chart)
    presenter = QuotesPresenter(quotes, watchlist, chart, frame_ms=50, clock=clock)
    yield quotes, watchlist, chart, presenter
    presenter.close()


def test_symbols_loaded_fill_the_watch_and_chart_the_first(parts: Any, qtbot: Any) -> None:
    quotes, watchlist, chart, presenter = parts
    with qtbot.waitSignal(presenter.symbols_loaded):
        quotes.load()
    assert watchlist.symbols() == [s.name for s in SYMBOLS]
    assert chart.symbol == "EURUSD"


def test_symbols_known_before_the_presenter_are_picked_up(qtbot: Any) -> None:
    quotes = FakeQuotes(QuoteBook())
    quotes.symbols = SYMBOLS
    feed(quotes.book, 2)
    watchlist, chart = WatchlistModel(), TickChart()
    qtbot.addWidget(chart)
    presenter = QuotesPresenter(quotes, watchlist, chart, 50)
    assert watchlist.rowCount() == len(SYMBOLS)
    assert watchlist.data(watchlist.index(0, 1)) != ""  # seeded from the book's latest quotes
    assert chart.symbol == "EURUSD"
    presenter.close()


def test_frame_moves_book_into_watch_and_chart(parts: Any) -> None:
    quotes, watchlist, chart, presenter = parts
    quotes.load()
    feed(quotes.book, 1_500)
    dirty = presenter.render_frame()
    assert dirty == {s.name for s in SYMBOLS}
    assert presenter.frames == 1
    last = quotes.book.latest("GBPUSD")
    assert last is not None
    row = watchlist.view_row_of_symbol("GBPUSD")
    assert watchlist.data(watchlist.index(row, 1)) == f"{last.bid:.5f}"
    assert len(chart.bid_curve.xData) == 1_000


def test_chart_is_only_redrawn_when_its_symbol_ticked(parts: Any) -> None:
    quotes, _, chart, presenter = parts
    quotes.load()
    feed(quotes.book, 10)
    presenter.render_frame()
    before = chart.bid_curve.xData
    quotes.book.apply("GBPUSD", 1.0, 1.1, T0 + 100)
    presenter.render_frame()
    assert chart.bid_curve.xData is before
    quotes.book.apply("EURUSD", 1.0, 1.1, T0 + 100)
    presenter.render_frame()
    assert len(chart.bid_curve.xData) == 11


def test_select_symbol_draws_its_history_at_once(parts: Any, qtbot: Any) -> None:
    quotes, _, chart, presenter = parts
    quotes.load()
    feed(quotes.book, 50)
    presenter.render_frame()
    with qtbot.waitSignal(presenter.symbol_selected) as blocker:
        presenter.select_symbol("XAUUSD")
    assert blocker.args == ["XAUUSD"]
    assert chart.symbol == "XAUUSD"
    assert len(chart.bid_curve.xData) == 50
    presenter.select_symbol("NOPE")
    assert chart.symbol == "XAUUSD"


def test_status_is_re_emitted_as_a_qt_signal(parts: Any, qtbot: Any) -> None:
    quotes, _, _, presenter = parts
    with qtbot.waitSignal(presenter.status_changed) as blocker:
        quotes.set_status(ConnectionState.RECONNECTING, "socket closed")
    assert blocker.args == [ConnectionStatus(ConnectionState.RECONNECTING, "socket closed")]
    assert presenter.status.state is ConnectionState.RECONNECTING


def test_tick_rate_is_reported_about_once_a_second(parts: Any, clock: Clock) -> None:
    quotes, _, _, presenter = parts
    quotes.load()
    rates: list[float] = []
    presenter.rate_changed.connect(rates.append)
    for _ in range(25):
        feed(quotes.book, 10)  # 80 ticks per 0.1 s frame
        clock.now += 0.1
        presenter.render_frame()
    assert len(rates) == 2
    assert rates[-1] == pytest.approx(800, rel=0.01)
    assert presenter.ticks_per_second == rates[-1]


def test_frame_lag_and_work_are_measured(parts: Any, clock: Clock) -> None:
    _, _, _, presenter = parts
    for interval in (0.050, 0.052, 0.070, 0.050):
        clock.now += interval
        presenter._on_frame_timeout()
    assert presenter.frames == 4
    assert presenter.frame_lags_ms() == pytest.approx([2.0, 20.0, 0.0], abs=1e-6)
    assert len(presenter.frame_work_ms()) == 4


def test_timer_runs_frames_and_stops(parts: Any, qtbot: Any) -> None:
    quotes, watchlist, chart, _ = parts
    real = QuotesPresenter(quotes, watchlist, chart, frame_ms=5)
    real.start()
    assert real.running
    qtbot.waitUntil(lambda: real.frames >= 3, timeout=2_000)
    real.close()
    assert not real.running
    frames = real.frames
    qtbot.wait(30)
    assert real.frames == frames


def test_close_disconnects_from_the_service(parts: Any, qtbot: Any) -> None:
    quotes, watchlist, _, presenter = parts
    presenter.close()
    with qtbot.assertNotEmitted(presenter.status_changed):
        quotes.set_status(ConnectionState.CONNECTED)
    quotes.load()
    assert watchlist.rowCount() == 0
