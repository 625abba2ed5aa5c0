"""The v2 response envelope, its errors, and the request-timeout header rules.

Imports: stdlib, aiohttp and ``desktop.simulator.wire``. Used by ``rest.pipeline.v2`` (pipeline) and
the ``rest_*`` handlers (they raise ``ApiFailure`` and return ``Payload``).

Every v2 answer is HTTP 200 with ``{"data", "error", "meta"}``; ``meta.activityId`` is a
32-hex W3C trace id; ``meta.paging`` appears only on paged list operations (always, even
for the single page returned without ``?limit``). Deadline problems (``Timeout``,
``OutcomeUnknown``, ``Busy``) also carry ``X-Request-Outcome`` (``OUTCOME_*`` values).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from desktop.simulator.wire import dumps

REQUEST_TIMEOUT_HEADER = "X-Request-Timeout"
APPLIED_TIMEOUT_HEADER = "X-Request-Timeout-Applied"
REQUEST_TIMEOUT_QUERY = "requestTimeout"
OUTCOME_HEADER = "X-Request-Outcome"
MIN_TIMEOUT = 1.0
MAX_TIMEOUT = 300.0
#: ``X-Request-Outcome`` values (contract §2.1, §5.1).
OUTCOME_TIMEOUT = "timeout"
OUTCOME_UNKNOWN = "unknown"
OUTCOME_NOT_STARTED = "not-started"
OUTCOME_IN_PROGRESS = "in-progress"


class ApiFailure(Exception):
    """An endpoint-level error, rendered into the envelope's ``error``.

    Args:
        code: ``WebApiErrorCode`` name (``Validation``, ``NotFound``, ...).
        message: Human-readable text.
        manager_code: MT4 ``ResultCode`` name for ``MT4Error``, else None.
    """

    def __init__(self, code: str, message: str, manager_code: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.manager_code = manager_code

    @classmethod
    def validation(cls, message: str) -> ApiFailure:
        """Bad parameters."""
        return cls("Validation", message)

    @classmethod
    def not_found(cls, message: str) -> ApiFailure:
        """Unknown entity (login, symbol)."""
        return cls("NotFound", message)

    @classmethod
    def forbidden(cls, message: str) -> ApiFailure:
        """No access to the platform."""
        return cls("Forbidden", message)

    @classmethod
    def mt4(cls, manager_code: str, message: str) -> ApiFailure:
        """The trade server refused the operation."""
        return cls("MT4Error", message, manager_code)

    @classmethod
    def timeout(cls, seconds: float) -> ApiFailure:
        """A read did not finish by its deadline; nothing changed."""
        return cls("Timeout", f"The operation did not finish within {format_seconds(seconds)} s; nothing changed.")

    @classmethod
    def outcome_unknown(cls, message: str) -> ApiFailure:
        """A write did not finish in time (or is still running under the same key)."""
        return cls("OutcomeUnknown", message)

    @classmethod
    def busy(cls) -> ApiFailure:
        """The platform's queue is full; the request was not sent."""
        return cls("Busy", "Too many requests are waiting for this trade platform; the request was not sent.")


@dataclass(frozen=True)
class Paging:
    """``meta.paging`` of a paged list answer.

    Attributes:
        next_cursor: Opaque cursor of the next page, None on the last page.
        has_more: Whether another page follows.
    """

    next_cursor: str | None
    has_more: bool


@dataclass(frozen=True)
class Payload:
    """A successful operation result.

    Attributes:
        data: The ``data`` value (already in wire shape).
        paging: Paging metadata for paged list operations, else None.
    """

    data: Any
    paging: Paging | None = None


def activity_id() -> str:
    """Return a fresh W3C trace id (32 lowercase hex digits, never all zero).

    Returns:
        The id.
    """
    value = secrets.token_hex(16)
    return value if value.strip("0") else "1" + value[1:]


def success_body(payload: Payload, activity: str) -> bytes:
    """Render a success envelope.

    Args:
        payload: The result.
        activity: ``meta.activityId``.

    Returns:
        JSON bytes.
    """
    meta: dict[str, Any] = {"activityId": activity}
    if payload.paging is not None:
        meta["paging"] = {"nextCursor": payload.paging.next_cursor, "hasMore": payload.paging.has_more}
    return dumps({"data": payload.data, "error": None, "meta": meta})


def failure_body(failure: ApiFailure, activity: str, data: Any = None) -> bytes:
    """Render an error envelope.

    Args:
        failure: The error.
        activity: ``meta.activityId``.
        data: ``data`` to send (None, except for value-typed payloads such as date-times).

    Returns:
        JSON bytes.
    """
    error = {"code": failure.code, "managerCode": failure.manager_code, "message": failure.message}
    return dumps({"data": data, "error": error, "meta": {"activityId": activity}})


def requested_timeout(request: web.Request) -> float | None:
    """Read ``X-Request-Timeout`` (or the ``requestTimeout`` query parameter).

    Args:
        request: The request.

    Returns:
        Seconds requested, or None when neither is present.

    Raises:
        ApiFailure: Not a number, or outside 1-300 seconds (``Validation``).
    """
    raw = request.headers.get(REQUEST_TIMEOUT_HEADER)
    if raw is None:
        raw = request.query.get(REQUEST_TIMEOUT_QUERY)
    if raw is None:
        return None
    try:
        seconds = float(raw.strip())
    except ValueError:
        raise ApiFailure.validation(f"X-Request-Timeout '{raw}' is not a number of seconds") from None
    if not math.isfinite(seconds) or not MIN_TIMEOUT <= seconds <= MAX_TIMEOUT:
        raise ApiFailure.validation(f"X-Request-Timeout must be from 1 to 300 seconds, got '{raw}'")
    return seconds


def format_seconds(seconds: float) -> str:
    """Format seconds like the service does (``10``, ``2.5``, at most 3 decimals).

    Args:
        seconds: The deadline.

    Returns:
        The header text.
    """
    return f"{seconds:.3f}".rstrip("0").rstrip(".")
