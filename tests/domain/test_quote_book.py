import numpy as np

from desktop.domain.models import BalanceKind, Quote
from desktop.domain.quote_book import QuoteBook
from desktop.domain.rate import RateMeter
from desktop.domain.series import PriceSeries


def test_apply_keeps_latest_and_flush_reports_dirty_symbols_once() -> None:
    book = QuoteBook(history=100)
    book.apply("EURUSD", 1.1, 1.2, 10.0)
    book.apply("EURUSD", 1.3, 1.4, 11.0)
    book.apply("XAUUSD", 2000.0, 2000.5, 11.5)
    assert book.latest("EURUSD") == Quote("EURUSD", 1.3, 1.4, 11.0)
    assert book.flush() == {"EURUSD", "XAUUSD"}
    assert book.flush() == set()
    assert book.total_ticks == 3
    assert book.symbols() == ["EURUSD", "XAUUSD"]
    assert book.latest("GBPUSD") is None


def test_series_is_oldest_first_and_keeps_only_capacity() -> None:
    series = PriceSeries(capacity=4)
    series.extend([(float(i), float(i) + 0.5, float(100 + i)) for i in range(3)])
    assert list(series.view().time) == [100.0, 101.0, 102.0]
    series.extend([(float(i), float(i) + 0.5, float(100 + i)) for i in range(3, 10)])
    view = series.view()
    assert list(view.time) == [106.0, 107.0, 108.0, 109.0]
    assert list(view.bid) == [6.0, 7.0, 8.0, 9.0]
    assert list(view.ask) == [6.5, 7.5, 8.5, 9.5]
    assert len(view) == len(series) == 4


def test_series_view_is_a_read_only_view_without_copy() -> None:
    series = PriceSeries(capacity=1000)
    series.extend([(1.0, 2.0, 3.0)] * 1000)
    view = series.view()
    assert not view.bid.flags.writeable
    assert np.shares_memory(view.bid, series.view().bid)


def test_flush_moves_ticks_into_history_in_order() -> None:
    book = QuoteBook(history=10_000)
    for i in range(10_000):
        book.apply("EURUSD", 1.0 + i * 1e-5, 1.0001 + i * 1e-5, float(i))
    book.flush()
    series = book.series("EURUSD")
    assert series is not None
    view = series.view()
    assert len(view) == 10_000
    assert bool(np.all(np.diff(view.time) > 0))


def test_rate_meter_reports_events_per_second() -> None:
    meter = RateMeter(window_s=2.0)
    meter.sample(0.0, 0)
    assert meter.sample(1.0, 500) == 500.0
    assert round(meter.sample(2.0, 1000)) == 500


def test_quote_spread_in_points_and_balance_kind_signs() -> None:
    assert Quote("EURUSD", 1.10000, 1.10012, 0.0).spread_points(5) == 12
    assert BalanceKind.WITHDRAWAL.sign == -1
    assert BalanceKind.CREDIT_OUT.trade_command == "Credit"
    assert BalanceKind.DEPOSIT.trade_command == "Balance"
    assert BalanceKind.CREDIT_IN.label == "Credit in"
