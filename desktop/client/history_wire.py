"""Decoding of an account's history (``MT4Trade`` rows of ``TradesUserHistory``) for reconciliation.

Strict on purpose: a row whose ticket, login, command or comment is missing or ill-typed
is counted as unreadable instead of guessed, because reconciliation may only call an
operation absent when every row of the history could be read.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop.domain.operations import HistoryRecord

_CENT = Decimal("0.01")


def history_records(rows: object) -> tuple[list[HistoryRecord], int]:
    """The readable records of a ``TradesUserHistory`` answer, and how many rows were not readable."""
    if not isinstance(rows, list):
        return [], 1
    records: list[HistoryRecord] = []
    unreadable = 0
    for row in rows:
        record = history_record(row)
        if record is None:
            unreadable += 1
        else:
            records.append(record)
    return records, unreadable


def history_record(row: Any) -> HistoryRecord | None:
    """One ``MT4Trade`` as a history record, or ``None`` when a field it needs is unusable."""
    if not isinstance(row, dict):
        return None
    ticket, login, command, comment = row.get("order"), row.get("login"), row.get("tradeCommand"), row.get("comment")
    if not (isinstance(ticket, int) and isinstance(login, int) and isinstance(command, str)):
        return None
    if isinstance(ticket, bool) or isinstance(login, bool):
        return None
    if comment is not None and not isinstance(comment, str):
        return None
    return HistoryRecord(ticket, login, command, _money(row.get("profit")), comment or "")


def _money(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return Decimal(repr(float(value))).quantize(_CENT, rounding=ROUND_HALF_UP)
