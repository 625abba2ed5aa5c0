"""Wire formatting shared by REST and hub: timestamps and JSON bytes.

Imports: stdlib and orjson. Used by the REST modules (``rest.v2.dto.mt4``, ``rest.pipeline.envelope``, ``rest_*``),
the hub
(``hubs.registry``, ``hubs.mt4_v2``) and ``control``.

Time decision (contract §7.14): every date-time is UTC with a ``Z`` suffix (MT4 server time
is reported as UTC); "no date" is the Unix epoch ``1970-01-01T00:00:00Z``.
"""

from __future__ import annotations

import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson

#: The "not set" date-time (MT4 ``time_t`` 0).
EPOCH_TEXT = "1970-01-01T00:00:00Z"
#: What .NET serialises for ``default(DateTime)``; sent as ``data`` of date-time envelopes on error,
#: because ``DateTimeApiResponse.data`` is not nullable in the spec.
DOTNET_MIN_DATE_TEXT = "0001-01-01T00:00:00Z"


def iso_utc(unix_time: float) -> str:
    """Format Unix time as ``YYYY-MM-DDTHH:MM:SSZ``.

    Args:
        unix_time: Seconds since the epoch.

    Returns:
        The ISO-8601 text.
    """
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(unix_time))


def iso_utc_ms(unix_time: float) -> str:
    """Format Unix time with milliseconds, ``YYYY-MM-DDTHH:MM:SS.mmmZ``.

    Args:
        unix_time: Seconds since the epoch.

    Returns:
        The ISO-8601 text.
    """
    whole = int(unix_time)
    millis = int((unix_time - whole) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def dumps(value: Any) -> bytes:
    """Serialise to compact JSON bytes.

    Args:
        value: JSON-compatible value.

    Returns:
        UTF-8 JSON.
    """
    return orjson.dumps(value)


def money(amount: float) -> float:
    """Round an amount to cents for reporting.

    Args:
        amount: Amount in a currency.

    Returns:
        The amount rounded to 2 decimals.
    """
    return round(amount + 0.0, 2)


def to_cents(amount: Decimal | float | str | int) -> int:
    """Convert an amount to integer cents, rounding half up (floats via their shortest repr).

    Args:
        amount: The amount.

    Returns:
        Cents.
    """
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
