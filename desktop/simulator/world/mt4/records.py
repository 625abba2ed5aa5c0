"""Configuration records kept as the WebAPI names their fields, and the overlay of a change onto one.

Imports: stdlib only. Used by ``groups``, ``symbol_config`` and ``server_config`` (state) and the
``rest.v2`` configuration operations (full replace and JSON merge patch).

A record is a mapping of field name → value. A change is checked field by field against the
current value's JSON type: an integer field takes an integer (not a boolean), a number field an
integer or a number, a text field a string (null means empty), a boolean field a boolean; an
enum field takes one of its names (any case) or its native number, a flags field a
comma-separated list of its names. Unknown keys are ignored (merge-patch semantics of the
vendor's Type 2 mutators); read-only keys are ignored as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class BadValue(ValueError):
    """A field of a change has the wrong JSON type or an unknown enum name."""


@dataclass(frozen=True)
class Shape:
    """How the fields of one kind of record are checked.

    Attributes:
        enums: Enum fields and their names in native order.
        flags: Flags fields and their names.
        read_only: Fields a change never touches.
    """

    enums: Mapping[str, Sequence[str]] = field(default_factory=dict)
    flags: Mapping[str, Sequence[str]] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()


def _enum(value: object, names: Sequence[str], key: str) -> str:
    text = str(value).strip()
    for name in names:
        if name.lower() == text.lower():
            return name
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return names[value]
    raise BadValue(f"'{value}' is not a valid {key}.")


def _flags(value: object, names: Sequence[str], key: str) -> str:
    if not isinstance(value, str):
        raise BadValue(f"{key} must be a comma-separated list of names.")
    parts = [part.strip() for part in value.split(",") if part.strip()]
    return ", ".join(_enum(part, names, key) for part in parts) or "None"


def _typed(current: object, value: object, key: str) -> object:
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise BadValue(f"{key} must be true or false.")
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue(f"{key} must be an integer.")
        return value
    if isinstance(current, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadValue(f"{key} must be a number.")
        return float(value)
    if isinstance(current, str):
        if value is None:
            return ""
        if not isinstance(value, str):
            raise BadValue(f"{key} must be a string.")
        return value
    raise BadValue(f"{key} cannot be changed.")


def overlay(record: Mapping[str, Any], change: Mapping[str, Any], shape: Shape) -> dict[str, Any]:
    """Return ``record`` with the known fields of ``change`` laid over it.

    Args:
        record: Current values.
        change: Decoded JSON object (a full DTO or a merge patch).
        shape: Enum, flags and read-only fields.

    Returns:
        A new record (``record`` is not modified).

    Raises:
        BadValue: A known field has the wrong type or an unknown enum name.
    """
    merged = dict(record)
    for key, value in change.items():
        if key not in record or key in shape.read_only:
            continue
        if key in shape.enums:
            merged[key] = _enum(value, shape.enums[key], key)
        elif key in shape.flags:
            merged[key] = _flags(value, shape.flags[key], key)
        else:
            merged[key] = _typed(record[key], value, key)
    return merged


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Return the fields whose value differs.

    Args:
        before: Old record.
        after: New record.

    Returns:
        Field → new value.
    """
    return {key: value for key, value in after.items() if before.get(key) != value}
