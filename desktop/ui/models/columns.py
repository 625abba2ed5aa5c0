"""Column specs for the table models, and the one place numbers become text.

Money is formatted by :func:`format_money` only, so every grid, dialog and status line
shows amounts the same way: thousands separators, two decimals, a minus sign for debits.

Imports: PySide6, the standard library and desktop.domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt

R = TypeVar("R")

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter

NO_VALUE = "\u2014"
"""Shown where a figure does not apply (an em dash), e.g. margin level without open positions."""


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a table model.

    Attributes:
        key: a stable name, used by tests and saved layouts.
        header: the header text.
        display: turns a row into the cell text.
        sort_key: turns a row into a value that orders the column.
        align: where the text sits; numbers are right-aligned.
        width: the default width in pixels.
        tooltip: the header's tooltip.
        export: turns a row into the text a CSV export writes (``None`` = the cell text);
            money is written as a plain decimal, without thousands separators.
    """

    key: str
    header: str
    display: Callable[[R], str]
    sort_key: Callable[[R], Any]
    align: Qt.AlignmentFlag = LEFT
    width: int = 80
    tooltip: str = ""
    export: Callable[[R], str] | None = None

    def export_text(self, row: R) -> str:
        """What a CSV export writes for ``row`` in this column."""
        return (self.export or self.display)(row)


def plain_decimal(value: Decimal | None) -> str:
    """``Decimal("1234567.50")`` → ``1234567.50``: no separators, no exponent; ``None`` → empty."""
    return "" if value is None else f"{value:f}"


def format_money(value: Decimal) -> str:
    """``1234567.5`` → ``1,234,567.50``; ``-12`` → ``-12.00``. The only money formatter."""
    return f"{value:,.2f}"


def format_signed_money(value: Decimal) -> str:
    """Money with an explicit sign: ``+1,000.00`` / ``-1,000.00``."""
    return f"{value:+,.2f}"


def format_percent(value: Decimal | None) -> str:
    """A margin level like ``1,234.56 %``, or an em dash when there is none."""
    return NO_VALUE if value is None else f"{value:,.2f} %"


def format_price(value: float, digits: int) -> str:
    """A price rounded to the symbol's digits, e.g. ``1.08512``."""
    return f"{value:.{digits}f}"


def format_tick_time(epoch_s: float) -> str:
    """``HH:MM:SS.mmm`` of a feed timestamp, read on the feed's own (UTC-labelled) clock.

    MT4 stamps ticks with the trade server's clock and the WebAPI labels it UTC; showing the
    stamp as UTC therefore shows the server's wall clock, like MetaTrader Manager does, and
    matches the server time in the status bar. Runs for every ticking row every frame, so the
    ``HH:MM:SS`` part is worked out once per second of feed time.
    """
    second, micros = divmod(round(epoch_s * 1_000_000), 1_000_000)
    return f"{_clock_text(second)}.{micros // 1000:03d}"


@lru_cache(maxsize=1024)
def _clock_text(second: int) -> str:
    return f"{datetime.fromtimestamp(second, tz=UTC):%H:%M:%S}"
