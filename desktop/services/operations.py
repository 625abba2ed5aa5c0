"""OperationsLog: start-up recovery of the operations journal and what the Operations view reads.

Recovery. When a session opens, :meth:`OperationsLog.recover` reconciles every journal entry
of the platform that is not in a final state (``pending``: the app stopped between the
intent and the answer; ``unknown``: no definite answer yet) through
:meth:`WritePipeline.reconcile` (what :meth:`WritePipeline.resolve_unresolved` does, but
:data:`RECOVERY_CONCURRENCY` at a time, because each one may take the whole resend budget):
inside the server's window for the key it resends with the same key, after it it reads the
account's history. An operation that
was in flight when the app died is therefore settled (or said plainly to be unknown) at
the next start, and the view shows it so.

Reading. :meth:`OperationsLog.entries` lists the journal's operations, optionally through an
:class:`OperationsFilter` (period, login, type, operator); ``changed(str)`` carries the key
of every operation whose rows changed (relayed from the pipeline), ``recovered(object)`` a
:class:`RecoveryReport` once start-up recovery is over. :meth:`OperationsLog.export_csv`
writes the listed operations, one line each.

Imports: the standard library, psygnal, desktop.domain and desktop.services.
"""

from __future__ import annotations

import asyncio
import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from psygnal import Signal

from desktop.domain.errors import DesktopError
from desktop.domain.operations import Outcome
from desktop.services.journal import JournalEntry, OperationsJournal
from desktop.services.pipeline import WritePipeline

_log = logging.getLogger(__name__)

RECOVERY_CONCURRENCY = 8
"""Unsettled entries reconciled at once: a server restart costs each one up to the resend budget."""


@dataclass(frozen=True)
class OperationsFilter:
    """Which operations to list; ``None`` means "any". ``since``/``until`` bound the creation time."""

    since: datetime | None = None
    until: datetime | None = None
    login: int | None = None
    type: str | None = None
    operator: str | None = None

    def matches(self, entry: JournalEntry) -> bool:
        """True when ``entry`` passes every criterion that is set."""
        created = entry.created_at
        return (
            (self.since is None or created >= self.since)
            and (self.until is None or created < self.until)
            and (self.login is None or entry.operation.login == self.login)
            and (self.type is None or entry.operation.type == self.type)
            and (self.operator is None or entry.operator == self.operator)
        )


@dataclass(frozen=True)
class RecoveryReport:
    """What start-up recovery did: how many entries it took up and where they ended."""

    examined: int
    states: dict[str, int]

    @property
    def text(self) -> str:
        """One line for the status bar, e.g. ``Recovered 2 operations: 1 applied, 1 unknown``."""
        if not self.examined:
            return "No operation was left unsettled."
        parts = ", ".join(f"{count} {state.replace('_', ' ')}" for state, count in sorted(self.states.items()))
        return f"Recovered {self.examined} unsettled operation(s): {parts}."


CSV_COLUMNS = (
    "created_at", "updated_at", "key", "reference", "operator", "platform", "type", "login", "summary",
    "state", "ticket", "activity_id", "code", "message", "attempts", "supersedes", "superseded_by",
)  # fmt: skip


class OperationsLog:
    """The journal's operations for the Operations view, and the start-up recovery of unsettled ones.

    Signals (on the asyncio loop thread):
        changed(str): the operation with this key changed (new row in the journal).
        recovered(object): a :class:`RecoveryReport`, once :meth:`recover` is over.
    """

    changed = Signal(str)
    recovered = Signal(object)

    def __init__(self, journal: OperationsJournal) -> None:
        self.journal = journal
        self._pipeline: WritePipeline | None = None
        self.recovering = False

    def attach(self, pipeline: WritePipeline) -> None:
        """Relay ``pipeline``'s changes (the pipeline of the session just opened)."""
        if self._pipeline is not None:
            self._pipeline.changed.disconnect(self._relay)
        self._pipeline = pipeline
        pipeline.changed.connect(self._relay)

    def _relay(self, key: str) -> None:
        self.changed.emit(key)

    async def recover(self) -> RecoveryReport:
        """Reconcile every unsettled entry of the attached pipeline's platform; emit and return the report.

        An entry that cannot be reconciled now (``DesktopError``) is logged and stays as it is.
        """
        if self._pipeline is None:
            raise RuntimeError("attach() a pipeline first")
        pipeline = self._pipeline
        entries = [e for e in self.journal.unresolved() if e.platform == pipeline.platform]
        gate = asyncio.Semaphore(RECOVERY_CONCURRENCY)

        async def one(entry: JournalEntry) -> Outcome | None:
            async with gate:
                try:
                    return await pipeline.reconcile(entry.key)
                except DesktopError as exc:
                    _log.warning("could not reconcile %s: %s", entry.key, exc)
                    return None

        self.recovering = True
        try:
            results = await asyncio.gather(*(one(entry) for entry in entries))
        finally:
            self.recovering = False
        outcomes = [outcome for outcome in results if outcome is not None]
        states: dict[str, int] = {}
        for outcome in outcomes:
            states[outcome.state.value] = states.get(outcome.state.value, 0) + 1
        report = RecoveryReport(len(outcomes), states)
        _log.info("start-up recovery: %s", report.text)
        self.recovered.emit(report)
        return report

    def entries(self, where: OperationsFilter | None = None) -> list[JournalEntry]:
        """The journal's operations, newest first, that pass ``where``."""
        rows = self.journal.entries()
        chosen = rows if where is None else [e for e in rows if where.matches(e)]
        return sorted(chosen, key=lambda e: e.first_seq, reverse=True)

    def entry(self, key: str) -> JournalEntry | None:
        """One operation by key."""
        return self.journal.entry(key)

    @staticmethod
    def export_csv(entries: Iterable[JournalEntry], path: Path) -> int:
        """Write ``entries`` to ``path`` as CSV (one line each); return how many were written."""
        count = 0
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for entry in entries:
                writer.writerow(csv_row(entry))
                count += 1
        return count


def csv_row(entry: JournalEntry) -> list[str]:
    """One operation as the CSV export spells it."""
    outcome = entry.outcome
    operation = entry.operation

    def text(value: object) -> str:
        return "" if value is None else str(value)

    return [
        entry.created_at.isoformat(), text(entry.updated_at and entry.updated_at.isoformat()), entry.key,
        operation.reference, entry.operator, entry.platform, operation.type, str(operation.login),
        operation.summary, entry.state.value, text(outcome and outcome.ticket), text(outcome and outcome.activity_id),
        text(outcome and outcome.code), text(outcome and outcome.message), str(len(entry.attempts)),
        text(operation.supersedes), text(entry.superseded_by),
    ]  # fmt: skip
