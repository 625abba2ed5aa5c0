"""Parsing of the query and path parameters of the account, trade, market and MT5 operations.

Imports: stdlib and ``desktop.simulator`` (``rest.pipeline.envelope``, ``rest.pipeline.operation``). Used by the
``rest_*`` handlers next to ``rest.pipeline.operation``'s ``login_param``/``limit_param``/``cursor_param``.

Rules (binding failures are ``Validation`` errors, as in ASP.NET Core model binding):
query names match ignoring case; repeated names give arrays (``?logins=1&logins=2``);
integers must fit their type; booleans are ``true``/``false`` (any case); date-times are
ISO 8601, a missing offset meaning UTC; enum values are names (any case) or native numbers;
a group path segment has at most 16 characters; tickets are int32 ≥ 1; MT5 logins int64 ≥ 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Paging, Payload
from desktop.simulator.rest.pipeline.operation import cursor_param, encode_cursor, limit_param

_T = TypeVar("_T")
_INT32_MAX = 2**31 - 1
_INT64_MAX = 2**63 - 1
MAX_GROUP = 16


def query_values(query: Mapping[str, str], name: str) -> list[str]:
    """Return every value of a query parameter (names compared ignoring case).

    Args:
        query: Query parameters (aiohttp's multi-dict keeps repeated names).
        name: Parameter name.

    Returns:
        The values in order.
    """
    low = name.lower()
    return [value for key, value in query.items() if key.lower() == low]


def query_value(query: Mapping[str, str], name: str) -> str | None:
    """Return the first value of a query parameter, or None.

    Args:
        query: Query parameters.
        name: Parameter name.

    Returns:
        The value, None when absent.
    """
    values = query_values(query, name)
    return values[0] if values else None


def int32_values(query: Mapping[str, str], name: str) -> list[int]:
    """Parse a repeated int32 query parameter whose values must be at least 1.

    Args:
        query: Query parameters.
        name: Parameter name.

    Returns:
        The numbers.

    Raises:
        ApiFailure: A value that is not an int32 of at least 1.
    """
    return [positive_int(raw, name) for raw in query_values(query, name)]


def integer(raw: str, name: str) -> int:
    """Parse a path or query integer.

    Raises:
        ApiFailure: ``Validation`` when the text is not an integer.
    """
    try:
        return int(raw)
    except ValueError:
        raise ApiFailure.validation(f"The value '{raw}' is not valid for {name}.") from None


def positive_int(raw: str, name: str, maximum: int = _INT32_MAX) -> int:
    """Parse a path or query integer that must be at least 1.

    Args:
        raw: Text.
        name: Parameter name (for the message).
        maximum: Upper bound (int32 by default).

    Returns:
        The number.

    Raises:
        ApiFailure: Not an integer from 1 to ``maximum``.
    """
    value = integer(raw, name)
    if not 1 <= value <= maximum:
        raise ApiFailure.validation(f"{name} must be between 1 and {maximum}, got {value}.")
    return value


def ticket_param(raw: str, name: str = "order") -> int:
    """Parse a ticket path parameter (int32 ≥ 1)."""
    return positive_int(raw, name)


def login64_param(raw: str) -> int:
    """Parse an MT5 login path parameter (int64 ≥ 1)."""
    return positive_int(raw, "login", _INT64_MAX)


def group_param(raw: str) -> str:
    """Check a group path or query parameter (1-16 characters).

    Args:
        raw: Text.

    Returns:
        The group name.

    Raises:
        ApiFailure: Empty or longer than 16 characters.
    """
    if not raw or len(raw) > MAX_GROUP:
        raise ApiFailure.validation(f"group must be 1 to {MAX_GROUP} characters, got '{raw}'.")
    return raw


def bool_param(query: Mapping[str, str], name: str) -> bool:
    """Parse an optional boolean query parameter (default false).

    Args:
        query: Query parameters.
        name: Parameter name.

    Returns:
        The value.

    Raises:
        ApiFailure: Not ``true``/``false``.
    """
    raw = query_value(query, name)
    if raw is None or raw == "":
        return False
    if raw.lower() not in ("true", "false"):
        raise ApiFailure.validation(f"The value '{raw}' is not valid for {name}.")
    return raw.lower() == "true"


def time_param(query: Mapping[str, str], name: str) -> float | None:
    """Parse an optional ISO 8601 date-time query parameter.

    Args:
        query: Query parameters.
        name: Parameter name.

    Returns:
        Unix time, or None when absent.

    Raises:
        ApiFailure: Not a date-time.
    """
    raw = query_value(query, name)
    if raw is None or raw == "":
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise ApiFailure.validation(f"The value '{raw}' is not valid for {name}.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def enum_param(query: Mapping[str, str], name: str, names: Sequence[str], default: str | None) -> str:
    """Parse an enum query parameter (name in any case, or its position as a number).

    Args:
        query: Query parameters.
        name: Parameter name.
        names: Enum names in native order.
        default: Value when absent; None makes the parameter required.

    Returns:
        The canonical name.

    Raises:
        ApiFailure: Unknown name or number, or missing when required.
    """
    raw = query_value(query, name)
    if raw is None or raw == "":
        if default is None:
            raise ApiFailure.validation(f"{name} is required.")
        return default
    return enum_value(raw, names, name)


def enum_value(raw: object, names: Sequence[str], field: str) -> str:
    """Resolve an enum value given as a name (any case) or a number (its position).

    Args:
        raw: The value.
        names: Enum names in native order.
        field: Field name (for the message).

    Returns:
        The canonical name.

    Raises:
        ApiFailure: Not one of the names or positions.
    """
    text = str(raw).strip()
    for candidate in names:
        if candidate.lower() == text.lower():
            return candidate
    if text.isdigit() and int(text) < len(names):
        return names[int(text)]
    raise ApiFailure.validation(f"'{raw}' is not a valid {field}.")


def paged(
    items: Sequence[_T], key: Callable[[_T], int], query: Mapping[str, str], build: Callable[[_T], object]
) -> Payload:
    """Answer one page of a list sorted by an integer key (``?limit``/``?cursor``).

    Args:
        items: Every item, sorted ascending by ``key``.
        key: The item's sort key (login, ticket, id).
        query: Query parameters.
        build: Wire shape of an item.

    Returns:
        The page with ``meta.paging``.

    Raises:
        ApiFailure: Bad ``limit`` or ``cursor``.
    """
    limit = limit_param(query)
    after = cursor_param(query)
    rest = [item for item in items if key(item) > after]
    page = rest if limit is None else rest[:limit]
    more = len(page) < len(rest)
    cursor = encode_cursor(key(page[-1])) if more and page else None
    return Payload([build(item) for item in page], Paging(cursor, cursor is not None))
