"""SetAside: records from the WebAPI that could not be read, counted instead of guessed.

A row that does not decode (a ``null`` login, a balance that is text, a NaN price) is set
aside: it is counted under its source (``UsersRequest``, ``MarginsGet``, ``OnTick`` …),
logged once per source and field with a truncated payload, and left out. It never crashes
start-up and never stops a refresh or a stream; the status bar shows how many there were.

Thread-safe: the tick hub counts on its own thread, the status bar reads on the GUI thread.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from desktop.domain.errors import DecodeError

_log = logging.getLogger(__name__)
T = TypeVar("T")

PAYLOAD_SHOWN = 200
"""Characters of a set-aside payload written to the log."""


class SetAside:
    """How many records of each source could not be read this session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._logged: set[tuple[str, str]] = set()

    def add(self, source: str, payload: object, error: DecodeError) -> None:
        """Count one unreadable record of ``source``; log the first of each kind."""
        with self._lock:
            self._counts[source] = self._counts.get(source, 0) + 1
            first = (source, error.field) not in self._logged
            self._logged.add((source, error.field))
        if first:
            _log.warning("%s: a record could not be read and was set aside (%s): %s", source, error, shorten(payload))

    @property
    def total(self) -> int:
        """Every record set aside so far."""
        with self._lock:
            return sum(self._counts.values())

    def counts(self) -> dict[str, int]:
        """Records set aside, by source."""
        with self._lock:
            return dict(self._counts)

    def summary(self) -> str:
        """``N records could not be read`` with the sources, or ``""`` when there were none."""
        counts = self.counts()
        total = sum(counts.values())
        if not total:
            return ""
        noun = "record" if total == 1 else "records"
        sources = ", ".join(f"{source} {count:,}" for source, count in sorted(counts.items()))
        return f"{total:,} {noun} could not be read ({sources})"

    def decode_rows(self, source: str, rows: object, decode: Callable[[Any], T]) -> list[T]:
        """Decode every row of a list answer; rows that do not decode are set aside.

        Raises:
            DecodeError: when the answer is not a list at all (nothing of it can be read).
        """
        return list(self._readable(source, list_answer(source, rows), decode))

    def _readable(self, source: str, rows: Iterable[Any], decode: Callable[[Any], T]) -> Iterable[T]:
        for row in rows:
            try:
                yield decode(row)
            except DecodeError as exc:
                self.add(source, row, exc)


def list_answer(source: str, rows: object) -> list[Any]:
    """``rows`` when it is a list answer.

    Raises:
        DecodeError: when the answer is not a list at all (nothing of it can be read).
    """
    if not isinstance(rows, list):
        raise DecodeError(source, "(answer)", f"is {type(rows).__name__}, not a list of records")
    return rows


def shorten(payload: object) -> str:
    """``repr(payload)`` cut to :data:`PAYLOAD_SHOWN` characters."""
    text = repr(payload)
    return text if len(text) <= PAYLOAD_SHOWN else text[:PAYLOAD_SHOWN] + f"… ({len(text):,} characters)"
