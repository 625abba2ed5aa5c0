"""The QuoteBook fed from a feed thread while the GUI thread flushes: nothing lost, bounded."""

import threading

from desktop.domain.quote_book import QuoteBook


def test_ticks_applied_on_another_thread_all_reach_the_history_in_order() -> None:
    book = QuoteBook(history=200_000)
    count = 100_000
    done = threading.Event()

    def feed() -> None:
        for i in range(count):
            book.apply("EURUSD" if i % 2 else "XAUUSD", float(i), float(i) + 0.5, float(i))
        done.set()

    thread = threading.Thread(target=feed)
    thread.start()
    while not done.is_set():
        book.flush()
    thread.join()
    book.flush()
    times = [t for s in ("EURUSD", "XAUUSD") for t in book.series(s).view().time]  # type: ignore[union-attr]
    assert len(times) == count
    assert sorted(times) == [float(i) for i in range(count)]
    for symbol in ("EURUSD", "XAUUSD"):
        view = book.series(symbol).view()  # type: ignore[union-attr]
        assert list(view.time) == sorted(view.time)
    assert book.total_ticks == count


def test_pending_ticks_stay_bounded_while_nobody_flushes_and_the_newest_win() -> None:
    book = QuoteBook(history=10)
    for i in range(1_000):
        book.apply("EURUSD", float(i), float(i), float(i))
    assert len(book._pending["EURUSD"]) <= 20
    book.flush()
    assert list(book.series("EURUSD").view().time) == [float(i) for i in range(990, 1_000)]  # type: ignore[union-attr]
    assert book.total_ticks == 1_000
