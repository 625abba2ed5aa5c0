"""OperationsPresenter: keeps the Operations grid in step with the journal, live.

The source (:class:`OperationsSource`, provided by
:class:`~desktop.services.operations.OperationsLog`) says which operation changed; the
presenter gathers those keys and, at most every ``flush_ms``, reads each changed operation
once and upserts its row, so a burst of attempts costs one read per operation. Start-up
recovery's report becomes a status line (``status_changed``); exports write the operations
shown.

Imports: PySide6, the standard library, desktop.services and desktop.ui.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.services.journal import JournalEntry
from desktop.services.operations import OperationsFilter, RecoveryReport
from desktop.ui.models.operations import OperationsTableModel

_log = logging.getLogger(__name__)
FLUSH_MS = 200


class OperationsSource(Protocol):
    """What the presenter needs of the operations journal.

    ``changed`` (key) and ``recovered`` (:class:`RecoveryReport`) are psygnal signals.
    """

    changed: Any
    recovered: Any

    def entries(self, where: OperationsFilter | None = None) -> list[JournalEntry]:
        """Journaled operations, newest first."""
        ...

    def entry(self, key: str) -> JournalEntry | None:
        """One journaled operation by key."""
        ...

    def export_csv(self, entries: Iterable[JournalEntry], path: Path) -> int:
        """Write ``entries`` as CSV; return how many."""
        ...


class OperationsPresenter(QObject):
    """Feeds an :class:`OperationsTableModel` from an :class:`OperationsSource`.

    Signals (GUI thread):
        status_changed(str, str): a line for the status bar and its level (``ok``, ``warning``, ``error``).
    """

    status_changed = Signal(str, str)

    def __init__(
        self,
        source: OperationsSource,
        model: OperationsTableModel,
        parent: QObject | None = None,
        *,
        flush_ms: int = FLUSH_MS,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._model = model
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(flush_ms)
        self._timer.timeout.connect(self.flush)
        source.changed.connect(self._on_changed)
        source.recovered.connect(self._on_recovered)
        self._closed = False

    def load(self) -> None:
        """Show every journaled operation now."""
        self._model.set_entries(self._source.entries())

    def flush(self) -> None:
        """Upsert the operations that changed since the last flush."""
        if not self._dirty or self._closed:
            return
        keys, self._dirty = self._dirty, set()
        for key in sorted(keys):
            entry = self._source.entry(key)
            if entry is not None:
                self._model.upsert(entry)

    def set_filter(self, where: OperationsFilter) -> None:
        """Show only what passes ``where``."""
        self._model.set_filter(where)

    def export(self, path: str) -> int:
        """Write the operations shown to ``path``; report it on the status line."""
        try:
            count = self._source.export_csv(self._model.entries(), Path(path))
        except OSError as exc:
            self.status_changed.emit(f"The operations could not be exported to {path}: {exc}", "error")
            return 0
        self.status_changed.emit(f"{count} operations exported to {path}.", "ok")
        return count

    def close(self) -> None:
        """Stop following the source (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._source.changed.disconnect(self._on_changed)
        self._source.recovered.disconnect(self._on_recovered)

    def _on_changed(self, key: str) -> None:
        if self._closed:
            return
        self._dirty.add(key)
        if not self._timer.isActive():
            self._timer.start()

    def _on_recovered(self, report: RecoveryReport) -> None:
        if self._closed:
            return
        unknown = report.states.get("unknown", 0) + report.states.get("pending", 0)
        self.status_changed.emit(report.text, "warning" if unknown else "ok")
        _log.info("operations view: %s", report.text)
