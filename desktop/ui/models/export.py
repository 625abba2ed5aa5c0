"""CSV export of a grid: All, Visible or Selected rows, with the shown columns in their order.

Money is written as plain decimals (``1234567.50``), a leverage as its number, an absent
figure as an empty field, so a spreadsheet or a script reads the file as numbers. The file
is UTF-8 with a header row, written whole to a temporary file and then renamed over the
target, so a failed export never leaves half a file behind.

Imports: the standard library and desktop.ui.models.
"""

from __future__ import annotations

import csv
import enum
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from desktop.ui.models.columns import Column

R = TypeVar("R")


class ExportScope(enum.Enum):
    """Which rows an export writes."""

    ALL = "All rows"
    VISIBLE = "Visible rows"
    SELECTED = "Selected rows"


def csv_text(columns: Sequence[Column[R]], rows: Iterable[R]) -> str:
    """The rows as CSV text: a header of the columns' titles, then one line a row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([column.export_text(row) for column in columns])
    return out.getvalue()


def write_csv(path: Path, columns: Sequence[Column[R]], rows: Iterable[R]) -> int:
    """Write the rows to ``path`` as CSV (atomically); return how many rows were written.

    Raises:
        OSError: the file could not be written (the target is left as it was).
    """
    materialised = list(rows)
    text = csv_text(columns, materialised)
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(materialised)
