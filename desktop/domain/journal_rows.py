"""The operations journal's rows: their encoding and the hash chain that makes them tamper-evident.

A row is ``(seq, at, operator, key, kind, data, prev, hash)``:

* ``seq`` counts from 1 without gaps; ``at`` is UTC ISO-8601 with microseconds;
* ``operator`` is who was at the keyboard; ``key`` the operation's idempotency key;
* ``kind`` is ``intent`` (before the first byte goes out), ``attempt`` (one send and its
  answer), ``check`` (one look at the server's history) or ``outcome`` (a state reached);
* ``data`` is canonical JSON (:func:`encode_data`: sorted keys, no spaces, UTF-8,
  ``Decimal`` as a string);
* ``prev`` is the previous row's ``hash`` (64 zeros for the first row) and ``hash`` is the
  SHA-256 of the canonical JSON array of every other column (:func:`row_hash`).

Changing, removing or reordering any row breaks the chain at that row (:func:`first_break`).

Imports: the standard library only.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64
ROW_KINDS = frozenset({"intent", "attempt", "check", "outcome"})


class RowFormatError(ValueError):
    """A row's data is not the canonical JSON object the journal writes."""


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RowFormatError(f"{value} cannot be journaled")
        return str(value)
    raise RowFormatError(f"{type(value).__name__} cannot be journaled")


def encode_data(data: Mapping[str, Any]) -> str:
    """Canonical JSON text of a row's data (NaN and infinities are refused).

    Raises:
        RowFormatError: a value that is not JSON (or a non-finite number).
    """
    _refuse_non_finite(data)
    try:
        return json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_default
        )
    except (TypeError, ValueError) as exc:
        raise RowFormatError(str(exc)) from None


def _refuse_non_finite(value: object) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise RowFormatError(f"{value} cannot be journaled")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_non_finite(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_non_finite(item)


def decode_data(text: str) -> dict[str, Any]:
    """A row's data back from its canonical text.

    Raises:
        RowFormatError: not JSON, not an object, or not in canonical form.
    """
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise RowFormatError(f"row data is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise RowFormatError("row data is not a JSON object")
    if encode_data(value) != text:
        raise RowFormatError("row data is not in canonical form")
    return value


def _no_constant(name: str) -> object:
    raise RowFormatError(f"{name} is not allowed in row data")


def utc_text(moment: datetime) -> str:
    """``moment`` as the journal writes times: ``2026-12-01T23:59:59.123456+00:00``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    """A journal time back as an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class JournalRow:
    """One stored row, exactly as it is in the database."""

    seq: int
    at: str
    operator: str
    key: str
    kind: str
    data: str
    prev: str
    hash: str

    @property
    def values(self) -> dict[str, Any]:
        """The decoded data."""
        return decode_data(self.data)

    @property
    def moment(self) -> datetime:
        """``at`` as an aware UTC datetime."""
        return parse_utc(self.at)


def row_hash(seq: int, at: str, operator: str, key: str, kind: str, data: str, prev: str) -> str:
    """SHA-256 (hex) over a row's content and the previous row's hash."""
    content = json.dumps([seq, at, operator, key, kind, data, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first row where the chain does not hold, and why."""

    seq: int
    reason: str


def first_break(rows: Iterable[JournalRow]) -> ChainBreak | None:
    """Check the chain row by row; ``None`` when every row is intact and in place."""
    prev, expected_seq = GENESIS, 1
    for row in rows:
        problem = _row_problem(row, prev, expected_seq)
        if problem:
            return ChainBreak(row.seq, problem)
        prev, expected_seq = row.hash, row.seq + 1
    return None


def _row_problem(row: JournalRow, prev: str, expected_seq: int) -> str:
    if row.seq != expected_seq:
        return f"expected row {expected_seq} here: rows are missing or out of order"
    if row.prev != prev:
        return "it does not follow the previous row (previous hash differs)"
    if row_hash(row.seq, row.at, row.operator, row.key, row.kind, row.data, row.prev) != row.hash:
        return "its content does not match its hash (the row was changed)"
    if row.kind not in ROW_KINDS:
        return f"unknown row kind {row.kind!r}"
    try:
        decode_data(row.data)
        parse_utc(row.at)
    except (RowFormatError, ValueError) as exc:
        return f"unreadable: {exc}"
    return ""
