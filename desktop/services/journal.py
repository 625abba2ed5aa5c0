"""OperationsJournal: the local, durable, tamper-evident record of every write to a trade server.

Where. One SQLite database per OS user: ``journal.sqlite3`` in the platform's user data
directory (``platformdirs.user_data_dir("dealer-desk")``), or in ``$DEALER_DESK_DATA_DIR``
when that is set (tests, benchmarks), or at the ``path`` given to :class:`OperationsJournal`.
WAL mode with ``synchronous=FULL``: a row that :meth:`OperationsJournal.append` returned is
on disk, whatever happens to the process next.

What. Append-only rows (see :mod:`desktop.domain.journal_rows` for their encoding and the
hash chain); triggers refuse ``UPDATE`` and ``DELETE``. Per operation: one ``intent`` row
written before the first byte goes to the server, one ``attempt`` row per send with the
server's answer, ``check`` rows for each look at the server's history, and an ``outcome``
row each time a state is reached. The operator is part of every row.

Reading. :meth:`OperationsJournal.entries` folds the rows into one :class:`JournalEntry`
per operation with its current state (the last ``outcome`` row, ``pending`` without one);
:meth:`OperationsJournal.unresolved` lists those still ``pending`` or ``unknown``;
:meth:`OperationsJournal.verify` checks the chain; ``journal_export.export_csv`` writes the audit trail.

All calls are synchronous and short (a few milliseconds with fsync); they run on the
asyncio loop's thread. Several processes of one user may share the file: every append is
one ``BEGIN IMMEDIATE`` transaction.

Imports: the standard library, platformdirs and desktop.domain.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import platformdirs

from desktop.domain.errors import DesktopError
from desktop.domain.journal_rows import (
    GENESIS,
    ChainBreak,
    JournalRow,
    RowFormatError,
    encode_data,
    first_break,
    parse_utc,
    row_hash,
    utc_text,
)
from desktop.domain.operations import Attempt, Expectation, Operation, OperationState, Outcome

_log = logging.getLogger(__name__)

DATA_DIR_ENV = "DEALER_DESK_DATA_DIR"
JOURNAL_FILE = "journal.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_key ON journal (key);
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the operations journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the operations journal is append-only'); END;
"""
_COLUMNS = "seq, at, operator, key, kind, data, prev, hash"


class JournalError(DesktopError):
    """The journal cannot be opened, read or written; nothing is sent without it."""


def data_dir() -> Path:
    """The per-user data directory of Dealer Desk (``$DEALER_DESK_DATA_DIR`` when set)."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("dealer-desk", appauthor=False))


def default_journal_path() -> Path:
    """Where this OS user's journal lives."""
    return data_dir() / JOURNAL_FILE


@dataclass(frozen=True)
class JournalEntry:
    """One operation as the journal knows it now (folded from its rows)."""

    operation: Operation
    operator: str
    platform: str
    created_at: datetime
    state: OperationState
    outcome: Outcome | None
    attempts: tuple[Attempt, ...] = ()
    checks: int = 0
    updated_at: datetime | None = None
    superseded_by: str | None = None
    first_seq: int = 0
    last_seq: int = 0

    @property
    def key(self) -> str:
        """The operation's idempotency key."""
        return self.operation.key

    @property
    def last_unknown_answer_at(self) -> datetime | None:
        """When the server last answered ``OutcomeUnknown`` (its key is then kept an hour)."""
        times = [a.at for a in self.attempts if a.result == "unknown"]
        return datetime.fromtimestamp(max(times), UTC) if times else None


@dataclass(frozen=True)
class VerifyReport:
    """What :meth:`OperationsJournal.verify` found."""

    path: Path
    rows: int
    broken: ChainBreak | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when every row is intact and chained."""
        return self.broken is None and not self.error


@dataclass
class _Fold:
    intent: JournalRow
    attempts: list[Attempt] = field(default_factory=list)
    outcome: Outcome | None = None
    checks: int = 0
    last: JournalRow | None = None


class OperationsJournal:
    """The append-only journal in one SQLite file (created with its directory when missing)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_journal_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"The operations journal {self.path} cannot be opened: {exc}") from exc

    def close(self) -> None:
        """Close the database (the WAL is folded back into the file)."""
        self._db.close()

    # -- writing ----------------------------------------------------------------------------

    def append(self, operator: str, key: str, kind: str, data: Mapping[str, Any]) -> JournalRow:
        """Add one row at the end of the chain and return it once it is on disk.

        Raises:
            JournalError: the row could not be written.
        """
        text = encode_data(data)
        at = utc_text(datetime.now(UTC))
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                last = self._db.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
                seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
                digest = row_hash(seq, at, operator, key, kind, text, prev)
                self._db.execute(
                    f"INSERT INTO journal ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (seq, at, operator, key, kind, text, prev, digest),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise JournalError(f"The operations journal {self.path} cannot be written: {exc}") from exc
        return JournalRow(seq, at, operator, key, kind, text, prev, digest)

    def record_intent(self, operator: str, platform: str, operation: Operation) -> JournalRow:
        """The ``intent`` row: everything needed to send, recognise and reconcile ``operation``."""
        expect = operation.expect
        return self.append(
            operator,
            operation.key,
            "intent",
            {
                "type": operation.type,
                "platform": platform,
                "login": operation.login,
                "endpoint": operation.endpoint,
                "body": dict(operation.body),
                "summary": operation.summary,
                "reference": operation.reference,
                "supersedes": operation.supersedes,
                "expect": {"login": expect.login, "command": expect.command, "amount": expect.amount},
            },
        )

    def record_attempt(self, operator: str, key: str, attempt: Attempt) -> JournalRow:
        """An ``attempt`` row: one send and what came back."""
        data = {"n": attempt.number, "result": attempt.result, "detail": attempt.detail, **attempt.extra}
        return self.append(operator, key, "attempt", data)

    def record_check(self, operator: str, key: str, data: Mapping[str, Any]) -> JournalRow:
        """A ``check`` row: one look at the server's history and its verdict."""
        return self.append(operator, key, "check", data)

    def record_outcome(self, operator: str, outcome: Outcome) -> JournalRow:
        """An ``outcome`` row: the state the operation has reached."""
        return self.append(operator, outcome.key, "outcome", outcome.as_data())

    # -- reading ----------------------------------------------------------------------------

    def rows(self) -> Iterator[JournalRow]:
        """Every row in order.

        Raises:
            JournalError: the file cannot be read.
        """
        return self._select("", ())

    def _select(self, where: str, params: tuple[str, ...]) -> Iterator[JournalRow]:
        try:
            cursor = self._db.execute(f"SELECT {_COLUMNS} FROM journal {where} ORDER BY seq", params)
            for seq, *text in cursor:
                yield JournalRow(int(seq), *(str(value) for value in text))
        except sqlite3.Error as exc:
            raise JournalError(f"The operations journal {self.path} cannot be read: {exc}") from exc

    def entries(self) -> list[JournalEntry]:
        """Every operation with its current state, oldest first (unreadable rows are skipped and logged)."""
        folds: dict[str, _Fold] = {}
        for row in self.rows():
            _fold_row(folds, row)
        entries = [entry for entry in map(_entry_or_none, folds.values()) if entry is not None]
        successors = {e.operation.supersedes: e.key for e in entries if e.operation.supersedes}
        return [_with_successor(e, successors.get(e.key)) for e in entries]

    def entry(self, key: str) -> JournalEntry | None:
        """The operation with idempotency key ``key``, or ``None`` (reads only its own rows)."""
        folds: dict[str, _Fold] = {}
        for row in self._select("WHERE key = ?", (key,)):
            _fold_row(folds, row)
        fold = folds.get(key)
        entry = _entry_or_none(fold) if fold is not None else None
        if entry is None:
            return None
        # Canonical JSON makes the link of a successor findable as text.
        pattern = f'%"supersedes":{encode_data({"k": key})[5:-1]}%'
        candidates = self._select("WHERE kind = 'intent' AND data LIKE ?", (pattern,))
        successor = next((row.key for row in candidates if row.values.get("supersedes") == key), None)
        return _with_successor(entry, successor)

    def unresolved(self) -> list[JournalEntry]:
        """Operations still ``pending`` or ``unknown``: what start-up recovery reconciles."""
        return [e for e in self.entries() if not e.state.settled]

    def verify(self) -> VerifyReport:
        """Check every row's hash and its link to the previous row."""
        try:
            rows = list(self.rows())
        except JournalError as exc:
            return self._unreadable_report(exc)
        return VerifyReport(self.path, len(rows), first_break(rows))

    def _unreadable_report(self, exc: JournalError) -> VerifyReport:
        """The file cannot be read whole: name the first row that cannot be read on its own, if any."""
        try:
            last = int(self._db.execute("SELECT max(seq) FROM journal").fetchone()[0] or 0)
            for seq in range(1, last + 1):
                try:
                    self._db.execute(f"SELECT {_COLUMNS} FROM journal WHERE seq = ?", (seq,)).fetchone()
                except sqlite3.Error as row_exc:
                    return VerifyReport(self.path, seq - 1, ChainBreak(seq, f"the row cannot be read ({row_exc})"))
        except sqlite3.Error:
            pass
        return VerifyReport(self.path, 0, error=str(exc))


def _fold_row(folds: dict[str, _Fold], row: JournalRow) -> None:
    try:
        _fold_one(folds, row)
    except (RowFormatError, KeyError, TypeError, ValueError) as exc:
        _log.error("journal row %d cannot be read (%s); run 'dealer-desk journal verify'", row.seq, exc)


def _entry_or_none(fold: _Fold) -> JournalEntry | None:
    try:
        return _entry(fold)
    except (RowFormatError, KeyError, TypeError, ValueError) as exc:
        _log.error("journal entry %s cannot be read (%s); run 'dealer-desk journal verify'", fold.intent.key, exc)
        return None


def _fold_one(folds: dict[str, _Fold], row: JournalRow) -> None:
    if row.kind == "intent":
        folds[row.key] = _Fold(row, last=row)
        return
    fold = folds.get(row.key)
    if fold is None:
        return
    fold.last = row
    values = row.values
    if row.kind == "attempt":
        extra = {k: v for k, v in values.items() if k not in ("n", "result", "detail")}
        fold.attempts.append(
            Attempt(int(values["n"]), row.moment.timestamp(), str(values["result"]), str(values["detail"]), extra)
        )
    elif row.kind == "check":
        fold.checks += 1
    elif row.kind == "outcome":
        fold.outcome = Outcome.from_data(row.key, values)


def _entry(fold: _Fold) -> JournalEntry:
    intent = fold.intent
    data = intent.values
    expect = data["expect"]
    amount = expect.get("amount")
    operation = Operation(
        key=intent.key,
        type=str(data["type"]),
        login=int(data["login"]),
        endpoint=str(data["endpoint"]),
        body=dict(data["body"]),
        summary=str(data["summary"]),
        expect=Expectation(int(expect["login"]), str(expect["command"]), None if amount is None else Decimal(amount)),
        supersedes=data.get("supersedes"),
    )
    last = fold.last or intent
    return JournalEntry(
        operation=operation,
        operator=intent.operator,
        platform=str(data["platform"]),
        created_at=intent.moment,
        state=fold.outcome.state if fold.outcome else OperationState.PENDING,
        outcome=fold.outcome,
        attempts=tuple(fold.attempts),
        checks=fold.checks,
        updated_at=parse_utc(last.at),
        first_seq=intent.seq,
        last_seq=last.seq,
    )


def _with_successor(entry: JournalEntry, successor: str | None) -> JournalEntry:
    if successor is None:
        return entry
    return JournalEntry(**{**entry.__dict__, "superseded_by": successor})
