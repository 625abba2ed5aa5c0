from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from desktop.domain.quote_book import QuoteBook
from desktop.ui.charts.tick_chart import TickChart
from tests.ui.fakes import SYMBOLS, feed

EURUSD = SYMBOLS[0]


@pytest.fixture
def chart(qtbot: Any) -> TickChart:
    chart = TickChart(points=5_000)
    qtbot.addWidget(chart)
    chart.resize(900, 400)
    return chart


def charted(chart: TickChart, ticks: int = 300) -> tuple[QuoteBook, Any]:
    """EURUSD with ``ticks`` ticks of history, drawn on ``chart``; the book and its series."""
    book = QuoteBook()
    feed(book, ticks, [EURUSD])
    book.flush()
    series = book.series("EURUSD")
    assert series is not None
    chart.set_symbol(EURUSD)
    chart.set_series(series.view())
    return book, series


def tick(chart: TickChart, book: QuoteBook, series: Any, bid: float, ask: float, stamp: float) -> None:
    """One more EURUSD tick, drawn as a frame would."""
    book.apply("EURUSD", bid, ask, stamp)
    book.flush()
    chart.set_series(series.view())


def test_empty_chart_says_so(chart: TickChart) -> None:
    assert chart.symbol is None
    assert chart.title_text() == "No symbol selected"


def test_set_series_draws_the_newest_points_from_a_10k_book(chart: TickChart, book_10k: QuoteBook) -> None:
    chart.set_symbol(EURUSD)
    series = book_10k.series("EURUSD")
    assert series is not None
    view = series.view()
    assert len(view) == 10_000
    chart.set_series(view)
    x, y = chart.bid_curve.xData, chart.bid_curve.yData
    assert len(x) == len(y) == 5_000
    ax, ay = chart.ask_curve.xData, chart.ask_curve.yData
    assert len(ax) == 5_000
    np.testing.assert_array_equal(x, view.time[-5_000:])
    np.testing.assert_array_equal(ay, view.ask[-5_000:])
    assert x.dtype == np.float64


def test_set_series_takes_views_without_copying(chart: TickChart, book_10k: QuoteBook) -> None:
    chart.set_symbol(EURUSD)
    series = book_10k.series("EURUSD")
    assert series is not None
    view = series.view()
    chart.set_series(view)
    assert np.shares_memory(chart.bid_curve.xData, view.time)


def test_shorter_history_is_drawn_whole(chart: TickChart) -> None:
    charted(chart)
    assert len(chart.bid_curve.xData) == 300


def test_title_shows_last_bid_ask_and_spread(chart: TickChart, book_10k: QuoteBook) -> None:
    chart.set_symbol(EURUSD)
    assert chart.title_text() == "EURUSD  waiting for ticks"
    series = book_10k.series("EURUSD")
    assert series is not None
    chart.set_series(series.view())
    quote = book_10k.latest("EURUSD")
    assert quote is not None
    spread = quote.spread_points(5)
    assert chart.title_text() == f"EURUSD  Bid {quote.bid:.5f}  Ask {quote.ask:.5f}  Spread {spread}"


def test_view_follows_the_data(chart: TickChart, book_10k: QuoteBook) -> None:
    chart.set_symbol(EURUSD)
    series = book_10k.series("EURUSD")
    assert series is not None
    view = series.view()
    chart.set_series(view)
    (x0, x1), (y0, y1) = chart.bid_curve.getViewBox().viewRange()
    assert x0 == pytest.approx(view.time[-5_000])
    assert x1 >= view.time[-1]
    assert y0 < view.bid[-5_000:].min()
    assert y1 > view.ask[-5_000:].max()


def test_manual_pan_stops_following_until_follow_is_pressed(chart: TickChart, book_10k: QuoteBook) -> None:
    chart.set_symbol(EURUSD)
    series = book_10k.series("EURUSD")
    assert series is not None
    chart.set_series(series.view())
    box = chart.bid_curve.getViewBox()
    box.sigRangeChangedManually.emit([True, True])
    assert not chart.following
    box.setRange(xRange=(0, 1), padding=0)
    chart.set_series(series.view())
    assert box.viewRange()[0] == [0, 1]
    chart.follow_button.click()
    assert chart.following
    assert box.viewRange()[0][0] == pytest.approx(series.view().time[-5_000])


def test_switching_symbol_clears_the_lines(chart: TickChart, book_10k: QuoteBook) -> None:
    chart.set_symbol(EURUSD)
    series = book_10k.series("EURUSD")
    assert series is not None
    chart.set_series(series.view())
    chart.set_symbol(SYMBOLS[1])
    assert chart.symbol == "GBPUSD"
    x = chart.bid_curve.xData
    assert x is None or len(x) == 0


def test_curve_settings_are_cheap(chart: TickChart) -> None:
    import pyqtgraph as pg

    item = chart.bid_curve
    assert type(item) is pg.PlotCurveItem  # no per-frame clip and downsample pipeline in Python
    assert item.opts["pen"].width() <= 1
    assert item.opts["antialias"] is False
    assert item.opts["skipFiniteCheck"] is True


def test_following_moves_the_view_in_steps_not_every_frame(chart: TickChart) -> None:
    book, series = charted(chart)
    box = chart.bid_curve.getViewBox()
    first = box.viewRange()
    view = series.view()
    newest, bid, ask = float(view.time[-1]), float(view.bid[-1]), float(view.ask[-1])
    tick(chart, book, series, bid, ask, newest + 0.1)  # inside the room left on the right
    assert box.viewRange() == first
    tick(chart, book, series, bid, ask, first[0][1] + 1.0)  # past the right edge
    (_, x1), _ = box.viewRange()
    assert x1 > first[0][1] + 1.0


def test_each_axis_steps_on_its_own(chart: TickChart) -> None:
    # A step repaints the axis it moves and that axis's grid; the other axis keeps its cache.
    book, series = charted(chart)
    box = chart.bid_curve.getViewBox()
    (x0, x1), (_, y1) = box.viewRange()
    view = series.view()
    newest, bid = float(view.time[-1]), float(view.bid[-1])
    tick(chart, book, series, y1 + 0.001, y1 + 0.0012, newest + 0.1)  # above the range, inside the time room
    (nx0, nx1), (_, ny1) = box.viewRange()
    assert (nx0, nx1) == pytest.approx((x0, x1))
    assert ny1 > y1 + 0.0012
    y_range = box.viewRange()[1]
    tick(chart, book, series, bid, bid + 0.0002, x1 + 1.0)  # past the right edge, inside the price range
    (_, mx1), y_after = box.viewRange()
    assert mx1 > x1 + 1.0
    assert y_after == pytest.approx(y_range)
