"""WatchlistModel: the market watch grid, one row per symbol, refreshed once per UI frame.

The model never sees single ticks. Once per frame the quotes presenter hands it the
:class:`~desktop.domain.quote_book.QuoteBook` and the set of symbols that ticked; the model
re-formats those rows and emits a ``dataChanged`` per run of adjacent changed rows (one
spanning them all when there are many runs).

Colours: a bid or ask that rose is green, one that fell is red, and it keeps that colour
until the price changes again (as MetaTrader's market watch does: calm, no flashing). A
symbol with no tick for ``stale_after_s`` seconds of local time turns grey.

Imports: PySide6, the standard library, desktop.domain, desktop.ui.models and desktop.ui.theme.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject

from desktop.domain.models import SymbolSpec
from desktop.domain.quote_book import QuoteBook
from desktop.ui import theme
from desktop.ui.models.columns import (
    LEFT,
    RIGHT,
    Column,
    format_price,
    format_tick_time,
)
from desktop.ui.models.table import FOREGROUND_ROLE, TOOLTIP_ROLE, PaintedRow, RowTableModel, row_runs

STALE_AFTER_S = 15.0
"""Seconds without a tick after which a symbol's row turns grey (MetaTrader 5 uses 15 s)."""

MAX_CHANGED_RUNS = 8
"""Up to this many separate runs of changed rows get a ``dataChanged`` each (a calm market
repaints its few ticking rows only); more get one spanning ``dataChanged``."""

RESORT_INTERVAL_S = 1.0
"""When sorted by a live column (bid, ask, spread, time), re-sort at most this often."""


@dataclass(slots=True)
class WatchRow:
    """The market watch's view of one symbol, with its cell texts formatted in advance."""

    spec: SymbolSpec
    bid: float = 0.0
    ask: float = 0.0
    time: float = 0.0
    spread: int = 0
    bid_dir: int = 0
    ask_dir: int = 0
    bid_text: str = ""
    ask_text: str = ""
    spread_text: str = ""
    time_text: str = ""
    changed_at: float = 0.0
    stale: bool = True
    tightest: int = 0
    colours: list[Any] = field(default_factory=lambda: [None] * len(WATCHLIST_COLUMNS))
    """Each column's text colour as painted (``None`` = the palette's)."""

    def painted(self) -> PaintedRow:
        """The row as the grid paints it."""
        return PaintedRow(
            (self.spec.name, self.bid_text, self.ask_text, self.spread_text, self.time_text), self.colours
        )

    @property
    def normal_spread(self) -> int:
        """The spread to compare with: the configured one, or the tightest seen when it floats."""
        return self.spec.spread or self.tightest

    @property
    def wide(self) -> bool:
        """The spread is at least :data:`WIDE_SPREAD_FACTOR` times its normal size."""
        return self.normal_spread > 0 and self.spread >= WIDE_SPREAD_FACTOR * self.normal_spread


WATCHLIST_COLUMNS: tuple[Column[WatchRow], ...] = (
    Column("symbol", "Symbol", lambda r: r.spec.name, lambda r: r.spec.name, LEFT, 92),
    Column("bid", "Bid", lambda r: r.bid_text, lambda r: r.bid, RIGHT, 84),
    Column("ask", "Ask", lambda r: r.ask_text, lambda r: r.ask, RIGHT, 84),
    Column(
        "spread",
        "Spread",
        lambda r: r.spread_text,
        lambda r: r.spread,
        RIGHT,
        58,
        "Ask minus bid, in points of the symbol's last digit",
    ),
    Column(
        "time",
        "Time",
        lambda r: r.time_text,
        lambda r: r.time,
        RIGHT,
        92,
        "Time of the last tick, on the trade server's clock",
    ),
)
BID_COLUMN = 1
ASK_COLUMN = 2
SPREAD_COLUMN = 3
TIME_COLUMN = 4
WIDE_SPREAD_FACTOR = 2.0
"""A spread this many times its normal size is shown as an alert (amber, with the ratio)."""
LIVE_COLUMNS = frozenset({1, 2, 3, 4})


class WatchlistModel(RowTableModel[WatchRow]):
    """Symbols with their latest bid, ask, spread and tick time.

    The grid paints a row from :meth:`painted_row` (its texts and colours, kept ready on the
    :class:`WatchRow`), one call a row, so a frame only updates the rows' fields and emits
    one ``dataChanged`` per run of changed rows: from the bid column when only the figures
    changed, over the whole row when its colours did (it went stale, or live again, or its
    spread widened or narrowed). ``data`` answers tooltips, accessibility and tests.

    ``Qt.UserRole`` returns the row's :class:`SymbolSpec`.

    Signals:
        The standard QAbstractItemModel signals only (GUI thread).
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        stale_after_s: float = STALE_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(WATCHLIST_COLUMNS, parent)
        self._by_symbol: dict[str, int] = {}
        self._stale_after_s = stale_after_s
        self._clock = clock
        self._last_stale_check = 0.0
        self._last_sort = 0.0

    def set_symbols(self, specs: Iterable[SymbolSpec]) -> None:
        """Show ``specs``, in this order, with no prices yet (a model reset)."""
        self.beginResetModel()
        self._rows = [WatchRow(spec) for spec in specs]
        for row in self._rows:
            _paint_signals(row)
        self._by_symbol = {row.spec.name: i for i, row in enumerate(self._rows)}
        self._rebuild_view()
        self.endResetModel()

    def symbols(self) -> list[str]:
        """Every symbol shown, in load order."""
        return [row.spec.name for row in self._rows]

    def spec(self, symbol: str) -> SymbolSpec | None:
        """The spec of ``symbol``, or ``None`` when the watch does not show it."""
        row = self._by_symbol.get(symbol)
        return None if row is None else self._rows[row].spec

    def view_row_of_symbol(self, symbol: str) -> int:
        """Where ``symbol`` is shown, or -1."""
        row = self._by_symbol.get(symbol)
        return -1 if row is None else self.view_row_of(row)

    def painted_row(self, view_row: int) -> PaintedRow | None:
        """The texts and colours the grid paints for the row shown at ``view_row``."""
        view = self._view
        return self._rows[view[view_row]].painted() if 0 <= view_row < len(view) else None

    def update_from_book(self, book: QuoteBook, dirty: Iterable[str]) -> None:
        """Take the latest quotes of the ``dirty`` symbols; emit ``dataChanged`` per run of rows.

        Symbols the watch does not show are ignored. Call once per frame.
        """
        now = self._clock()
        prices: list[int] = []  # rows whose figures changed: the symbol cell stays as it is
        whole: list[int] = []  # rows whose colours changed too
        rows = self._rows
        for symbol in dirty:
            row = self._by_symbol.get(symbol)
            quote = book.latest(symbol)
            if row is None or quote is None:
                continue
            (whole if _apply(rows[row], quote.bid, quote.ask, quote.time, now) else prices).append(row)
        if now - self._last_stale_check >= 1.0:
            self._last_stale_check = now
            whole.extend(self._mark_stale(now))
        self._emit_row_runs_changed(whole, 0)
        self._emit_row_runs_changed(prices, BID_COLUMN)
        if (prices or whole) and self._sort_column in LIVE_COLUMNS and now - self._last_sort >= RESORT_INTERVAL_S:
            self.resort()

    def resort(self) -> None:
        """Re-apply the current order (see :meth:`RowTableModel.resort`)."""
        self._last_sort = self._clock()
        super().resort()

    def _mark_stale(self, now: float) -> list[int]:
        turned = []
        for i, row in enumerate(self._rows):
            if not row.stale and now - row.changed_at >= self._stale_after_s:
                row.stale = True
                _paint_signals(row)
                turned.append(i)
        return turned

    def _cell_data(self, row: WatchRow, column: int, role: int) -> Any:
        if role == FOREGROUND_ROLE:
            return row.colours[column]
        if role == TOOLTIP_ROLE:
            return self._tooltip(row, column)
        return None

    def _tooltip(self, row: WatchRow, column: int) -> str | None:
        if column == 0:
            return row.spec.description or None
        if column == SPREAD_COLUMN and row.wide:
            ratio = row.spread / row.normal_spread
            return f"Spread {row.spread} points: {ratio:.1f}\u00d7 the normal {row.normal_spread}"
        if column == TIME_COLUMN and row.stale and row.bid_text:
            return f"No tick for {self._clock() - row.changed_at:.0f} s"
        return None

    def _user_data(self, row: WatchRow) -> SymbolSpec:
        return row.spec

    def _emit_row_runs_changed(self, rows: list[int], first_column: int) -> None:
        """One ``dataChanged`` per run of the rows' shown places (see :func:`row_runs`).

        The span starts at ``first_column``: painting a cell is most of a frame's cost.
        """
        last, pos = len(WATCHLIST_COLUMNS) - 1, self._pos
        for top, bottom in row_runs((pos[r] for r in rows if pos[r] >= 0), MAX_CHANGED_RUNS):
            self.dataChanged.emit(self.index(top, first_column), self.index(bottom, last))


def _apply(row: WatchRow, bid: float, ask: float, stamp: float, now: float) -> bool:
    """Take a quote into its row; return whether the row's colours changed beyond bid and ask."""
    bid_dir, ask_dir, was_stale, was_wide = row.bid_dir, row.ask_dir, row.stale, row.wide
    digits = row.spec.digits
    if row.bid_text:
        row.bid_dir = _direction(row.bid, bid, bid_dir)
        row.ask_dir = _direction(row.ask, ask, ask_dir)
    row.bid, row.ask, row.time = bid, ask, stamp
    row.spread = round((ask - bid) * 10**digits)
    if row.spread > 0 and (row.tightest == 0 or row.spread < row.tightest):
        row.tightest = row.spread
    row.bid_text = format_price(bid, digits)
    row.ask_text = format_price(ask, digits)
    row.spread_text = str(row.spread)
    row.time_text = format_tick_time(stamp)
    row.changed_at = now
    row.stale = False
    if was_stale or row.wide != was_wide:
        _paint_signals(row)
        return True
    # A busy market flips a direction about every other tick: recolour only what it colours.
    if row.bid_dir != bid_dir:
        row.colours[BID_COLUMN] = _foreground(row, BID_COLUMN)
    if row.ask_dir != ask_dir:
        row.colours[ASK_COLUMN] = _foreground(row, ASK_COLUMN)
    return False


def _paint_signals(row: WatchRow) -> None:
    """Work out every column's colour of a row."""
    row.colours[:] = [_foreground(row, column) for column in range(len(WATCHLIST_COLUMNS))]


def _foreground(row: WatchRow, column: int) -> Any:
    if row.stale:
        return theme.STALE
    if column == BID_COLUMN:
        return _direction_colour(row.bid_dir)
    if column == ASK_COLUMN:
        return _direction_colour(row.ask_dir)
    if column == SPREAD_COLUMN and row.wide:
        return theme.WARN
    return None


def _direction(old: float, new: float, previous: int) -> int:
    if new > old:
        return 1
    if new < old:
        return -1
    return previous


def _direction_colour(direction: int) -> Any:
    if direction > 0:
        return theme.UP
    if direction < 0:
        return theme.DOWN
    return None
