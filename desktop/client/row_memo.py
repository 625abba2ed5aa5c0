"""RowMemo: decode a polled list answer, reusing the records of rows that came back unchanged.

The margin poll reads every account's figures every few seconds, and most of them have not
moved since the last poll (accounts without positions, quiet ones). Decoding a row (five
money fields through :class:`~decimal.Decimal`) costs about 20 µs, so a 1,000-row answer cost
about 20 ms on the app's one thread, all in one go; the frame clock stalled behind it.

A row whose decoded fields equal those the same key had in the previous answer gives back
the previous record itself (the same object, so callers can skip it by identity; a field the
record does not read, such as an update stamp, may differ); other rows are decoded,
and the work yields to the event loop every :data:`SLICE` rows so a frame can run between.
Unreadable rows are set aside as by :meth:`SetAside.decode_rows`.

Imports: the standard library, desktop.client.set_aside and desktop.domain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from desktop.client.set_aside import SetAside, list_answer
from desktop.domain.errors import DecodeError

T = TypeVar("T")

SLICE = 100
"""Rows decoded between two yields to the event loop (about 2 ms of work)."""


class RowMemo(Generic[T]):
    """The last answer's rows and records of one source, by the key field of each row.

    Args:
        source: The operation's name, for set-aside counts (``MarginsGet``).
        set_aside: Where unreadable rows are counted.
        decode: Turns a row into a record; raises :class:`DecodeError` when it cannot.
        key: The row field that names the record (an integer, such as ``login``).
        fields: Every field ``decode`` reads; rows agreeing on them decode to equal records.
    """

    def __init__(
        self, source: str, set_aside: SetAside, decode: Callable[[Any], T], key: str, fields: tuple[str, ...]
    ) -> None:
        self._source = source
        self._set_aside = set_aside
        self._decode = decode
        self._key = key
        self._fields = fields
        self._last: dict[int, tuple[tuple[Any, ...], T]] = {}

    async def decode_rows(self, rows: object) -> list[T]:
        """Every readable row of ``rows`` as a record, in order.

        Raises:
            DecodeError: when the answer is not a list at all (nothing of it can be read).
        """
        rows = list_answer(self._source, rows)
        last, kept, records = self._last, {}, []
        for i, row in enumerate(rows):
            if not i % SLICE and len(rows) > SLICE:
                await asyncio.sleep(0)  # also before the first slice: reading the answer took a slice
            key = _key_of(row, self._key)
            read = tuple(map(row.get, self._fields)) if key is not None else ()
            seen = last.get(key) if key is not None else None
            if seen is not None and seen[0] == read:
                record = seen[1]
            else:
                try:
                    record = self._decode(row)
                except DecodeError as exc:
                    self._set_aside.add(self._source, row, exc)
                    continue
            records.append(record)
            if key is not None:
                kept[key] = (read, record)
        self._last = kept
        return records


def _key_of(row: object, field: str) -> int | None:
    value = row.get(field) if isinstance(row, dict) else None
    return value if type(value) is int else None
