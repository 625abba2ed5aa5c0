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
:meth:`OperationsJournal.verify` checks the chain; :func:`export_csv` writes the audit trail.

All calls are synchronous and short (a few milliseconds with fsync); they run on the
asyncio loop's thread. Several processes of one user may share the file: every append is
one ``BEGIN IMMEDIATE`` transaction.

Imports: the standard library, platformdirs and desktop.domain.
"""

from __future__ import annotations

import csv
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
    encode_data,
    first_break,
    parse_utc,
    row_hash,
    utc_text,
)
from desktop.domain.operations import Attempt, Expectation, Operation, OperationState, Outcome

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
        try:
            cursor = self._db.execute(f"SELECT {_COLUMNS} FROM journal ORDER BY seq")
            for seq, *text in cursor:
                yield JournalRow(int(seq), *(str(value) for value in text))
        except sqlite3.Error as exc:
            raise JournalError(f"The operations journal {self.path} cannot be read: {exc}") from exc

    def entries(self) -> list[JournalEntry]:
        """Every operation with its current state, oldest first."""
        folds: dict[str, _Fold] = {}
        for row in self.rows():
            _fold_row(folds, row)
        entries = [_entry(fold) for fold in folds.values()]
        successors = {e.operation.supersedes: e.key for e in entries if e.operation.supersedes}
        return [_with_successor(e, successors.get(e.key)) for e in entries]

    def entry(self, key: str) -> JournalEntry | None:
        """The operation with idempotency key ``key``, or ``None``.

        Reads only that operation's rows (by the key index) and the intent that supersedes
        it, so it costs the same however long the journal is.
        """
        folds: dict[str, _Fold] = {}
        for row in self._select(f"SELECT {_COLUMNS} FROM journal WHERE key = ? ORDER BY seq", (key,)):
            _fold_row(folds, row)
        fold = folds.get(key)
        if fold is None:
            return None
        entry = _entry(fold)
        query = f"SELECT {_COLUMNS} FROM journal WHERE kind = 'intent' AND seq > ? AND instr(data, ?) ORDER BY seq"
        for row in self._select(query, (entry.first_seq, key)):
            if row.values.get("supersedes") == key:
                return _with_successor(entry, row.key)
        return entry

    def _select(self, query: str, params: tuple[object, ...]) -> list[JournalRow]:
        try:
            found = self._db.execute(query, params).fetchall()
        except sqlite3.Error as exc:
            raise JournalError(f"The operations journal {self.path} cannot be read: {exc}") from exc
        return [JournalRow(int(seq), *(str(value) for value in text)) for seq, *text in found]

    def unresolved(self) -> list[JournalEntry]:
        """Operations still ``pending`` or ``unknown``: what start-up recovery reconciles."""
        return [e for e in self.entries() if not e.state.settled]

    def verify(self) -> VerifyReport:
        """Check every row's hash and its link to the previous row."""
        count = 0
        try:
            rows = list(self.rows())
            count = len(rows)
            return VerifyReport(self.path, count, first_break(rows))
        except JournalError as exc:
            return VerifyReport(self.path, count, error=str(exc))


def _fold_row(folds: dict[str, _Fold], row: JournalRow) -> None:
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
            values = row.values
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
