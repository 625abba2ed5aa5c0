"""Tick times without ``datetime``: the hub's ``lastTime`` as UTC epoch seconds, per tick.

The hub stamps every tick ``YYYY-MM-DDTHH:MM:SS.mmmZ``. Building a ``datetime`` for each
one was half of the tick callback's time, so the epoch of each minute is computed once and
cached, and a tick only adds its seconds. Any text of another shape (an offset instead of
``Z``, no fraction, garbage) goes to :func:`desktop.client.wire.parse_time`, which gives the
same answer the slow way (0.0 when unreadable).

Imports: the standard library and desktop.client.
"""

from __future__ import annotations

from datetime import datetime

from desktop.client.wire import parse_time

_MAX_CACHED_MINUTES = 4096
_minutes: dict[str, float] = {}


def parse_tick_time(text: object) -> float:
    """A tick's ISO-8601 UTC time as epoch seconds (0.0 when absent or unreadable)."""
    if type(text) is str and len(text) >= 20 and text[-1] == "Z" and text[16] == ":":
        base = _minutes.get(text[:16])
        if base is None:
            base = _minute_epoch(text[:16])
        seconds = text[17:-1]
        if base is not None and _plain_seconds(seconds):
            value = float(seconds)
            if value < 60.0:
                return base + value
    return parse_time(text)


def _plain_seconds(text: str) -> bool:
    """``SS`` or ``SS.f…`` in ASCII digits (``float`` would also take ``1e1``, ``_`` or ``²``)."""
    head, dot, fraction = text.partition(".")
    if len(head) != 2 or not (head.isascii() and head.isdigit()):
        return False
    return not dot or (fraction.isascii() and fraction.isdigit())


def _minute_epoch(prefix: str) -> float | None:
    """The epoch of ``YYYY-MM-DDTHH:MM`` (UTC), cached; ``None`` when it is not such a text."""
    if not (prefix.isascii() and prefix[4] == "-" and prefix[7] == "-" and prefix[10] == "T"):
        return None
    try:
        value = datetime.fromisoformat(prefix + ":00+00:00").timestamp()
    except ValueError:
        return None
    if len(_minutes) >= _MAX_CACHED_MINUTES:
        _minutes.clear()
    _minutes[prefix] = value
    return value
