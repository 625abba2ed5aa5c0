"""The journal's audit trail as CSV: one line per row, the main fields spelled out, data and hash verbatim.

Imports: the standard library, desktop.domain and desktop.services.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from desktop.domain.journal_rows import RowFormatError
from desktop.services.journal import OperationsJournal

EXPORT_COLUMNS = (
    "seq", "at", "operator", "key", "kind", "type", "login", "summary", "state", "ticket", "activity_id",
    "code", "manager_code", "detail", "data", "hash",
)  # fmt: skip


def export_csv(journal: OperationsJournal, path: Path) -> int:
    """Write the audit trail, one line per journal row with its main fields spelled out; return the rows."""
    intents: dict[str, dict[str, Any]] = {}
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in journal.rows():
            try:
                values = row.values
            except RowFormatError:
                values = {}
            if row.kind == "intent":
                intents[row.key] = values
            intent = intents.get(row.key, {})
            writer.writerow(
                [
                    row.seq, row.at, row.operator, row.key, row.kind, intent.get("type", ""),
                    intent.get("login", ""), intent.get("summary", ""), values.get("state", values.get("result", "")),
                    values.get("ticket") or "", values.get("activity_id") or "", values.get("code") or "",
                    values.get("manager_code") or "", values.get("detail") or values.get("message") or "",
                    row.data, row.hash,
                ]
            )  # fmt: skip
            count += 1
    return count
