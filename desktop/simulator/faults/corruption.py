"""Corrupt rows: list answers with one row that breaks the vendor's schema, on purpose.

A real trade server's data is not always what the spec promises: a user record with a
``null`` login, a margin row whose balance is text. This fault lets a client prove that
such a row is set aside and that the rest of the answer, and every later refresh, still
reads. It is the only fault that sends answers the v2 spec does not allow.

Imports: stdlib only. Used by ``faults.injector`` (``Faults.corruption``) and
``rest.pipeline.execution`` (applied to a payload before its envelope is rendered).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

REMOVE = object()
"""A rule value meaning "leave the field out" rather than set it."""


@dataclass(frozen=True)
class CorruptRule:
    """Row ``row`` of every list answer whose path contains ``path_fragment`` gets ``field = value``."""

    path_fragment: str
    field: str
    value: Any
    row: int = 0


class Corruption:
    """The armed corrupt-row rules; empty means every answer is as the handlers made it."""

    def __init__(self) -> None:
        self._rules: list[CorruptRule] = []
        self.rows_corrupted = 0

    def corrupt_rows(self, path_fragment: str, field: str, value: Any = None, row: int = 0) -> None:
        """From now on, row ``row`` of each matching list answer carries ``field = value`` (``REMOVE`` drops it)."""
        if not path_fragment:
            raise ValueError("a corrupt-rows rule needs a path fragment")
        self._rules.append(CorruptRule(path_fragment.lower(), field, value, row))

    def clear(self) -> None:
        """Disarm every rule."""
        self._rules.clear()

    def apply(self, path: str, data: Any) -> Any:
        """``data`` as the armed rules leave it (a copy when changed; the world is never touched)."""
        low = path.lower()
        rules = [rule for rule in self._rules if rule.path_fragment in low]
        if not rules or not isinstance(data, list):
            return data
        rows = copy.deepcopy(data)
        for rule in rules:
            if 0 <= rule.row < len(rows) and isinstance(rows[rule.row], dict):
                if rule.value is REMOVE:
                    rows[rule.row].pop(rule.field, None)
                else:
                    rows[rule.row][rule.field] = rule.value
                self.rows_corrupted += 1
        return rows

    def describe(self) -> list[dict[str, Any]]:
        """The armed rules, for ``GET /_sim/faults``."""
        return [
            {
                "path": r.path_fragment,
                "field": r.field,
                "value": "<removed>" if r.value is REMOVE else r.value,
                "row": r.row,
            }
            for r in self._rules
        ]
