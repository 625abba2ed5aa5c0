"""OperationsJournal on a real SQLite file: append-only rows, folding into entries, verify, CSV."""

from __future__ import annotations

import csv
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.balance_ops import balance_write
from desktop.domain.models import BalanceKind, BalanceOperation
from desktop.domain.operations import Attempt, OperationState, Outcome, new_key
from desktop.services.journal import OperationsJournal, default_journal_path
from desktop.services.journal_export import export_csv


def deposit(amount: str = "100.00") -> BalanceOperation:
    return BalanceOperation(100001, BalanceKind.DEPOSIT, Decimal(amount), "Wire 8812", new_key())


@pytest.fixture
def journal(tmp_path: Path) -> OperationsJournal:
    opened = OperationsJournal(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def test_the_database_is_wal_with_full_sync(journal: OperationsJournal) -> None:
    assert journal._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_default_path_follows_the_data_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALER_DESK_DATA_DIR", str(tmp_path / "dd"))
    assert default_journal_path() == tmp_path / "dd" / "journal.sqlite3"


def test_rows_fold_into_an_entry_with_its_current_state(journal: OperationsJournal) -> None:
    op = balance_write(deposit())
    journal.record_intent("ann", "platform-1", op)
    assert journal.entry(op.key).state is OperationState.PENDING  # type: ignore[union-attr]
    journal.record_attempt("ann", op.key, Attempt(1, 0.0, "unknown", "did not finish"))
    journal.record_outcome("ann", Outcome(op.key, OperationState.UNKNOWN, message="unclear"))
    assert [e.key for e in journal.unresolved()] == [op.key]
    journal.record_attempt("bob", op.key, Attempt(2, 0.0, "applied", "", {"ticket": 7}))
    journal.record_outcome("bob", Outcome(op.key, OperationState.APPLIED, ticket=7, activity_id="act"))
    entry = journal.entry(op.key)
    assert entry is not None
    assert entry.state is OperationState.APPLIED
    assert entry.outcome is not None
    assert entry.outcome.ticket == 7
    assert [a.result for a in entry.attempts] == ["unknown", "applied"]
    assert entry.operator == "ann"
    assert entry.operation.body == op.body
    assert entry.operation.expect == op.expect
    assert journal.unresolved() == []
    assert {row.operator for row in journal.rows()} == {"ann", "bob"}


def test_rows_cannot_be_updated_or_deleted(journal: OperationsJournal) -> None:
    journal.record_intent("ann", "p", balance_write(deposit()))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        journal._db.execute("UPDATE journal SET operator = 'eve'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        journal._db.execute("DELETE FROM journal")


def test_verify_passes_then_fails_on_one_changed_byte(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = OperationsJournal(path)
    for amount in ("100.00", "250.00", "75.00"):
        op = balance_write(deposit(amount))
        journal.record_intent("ann", "p", op)
        journal.record_outcome("ann", Outcome(op.key, OperationState.APPLIED, ticket=1))
    assert journal.verify().ok
    journal.close()
    raw = path.read_bytes()
    at = raw.index(b"+250.00")
    path.write_bytes(raw[:at] + b"+350.00" + raw[at + 7 :])
    reopened = OperationsJournal(path)
    report = reopened.verify()
    reopened.close()
    assert not report.ok
    assert report.broken is not None
    assert report.broken.seq == 3  # the second intent
    assert "changed" in report.broken.reason


def test_two_journals_on_one_file_keep_one_chain(tmp_path: Path) -> None:
    first, second = OperationsJournal(tmp_path / "j.sqlite3"), OperationsJournal(tmp_path / "j.sqlite3")
    try:
        for n in range(6):
            (first if n % 2 else second).record_intent("ann", "p", balance_write(deposit()))
        assert first.verify().ok
        assert first.verify().rows == 6
    finally:
        first.close()
        second.close()


def test_export_writes_one_line_per_row(journal: OperationsJournal, tmp_path: Path) -> None:
    op = balance_write(deposit())
    journal.record_intent("ann", "p", op)
    journal.record_outcome("ann", Outcome(op.key, OperationState.REFUSED, code="MT4Error", manager_code="TradeNoMoney"))
    target = tmp_path / "audit.csv"
    assert export_csv(journal, target) == 2
    with target.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert [line["kind"] for line in lines] == ["intent", "outcome"]
    assert lines[1]["state"] == "refused"
    assert lines[1]["manager_code"] == "TradeNoMoney"
    assert lines[0]["summary"] == "Deposit +100.00 on 100001"
    assert {line["operator"] for line in lines} == {"ann"}


def test_an_unreadable_row_is_skipped_by_readers_and_named_by_verify(journal: OperationsJournal) -> None:
    good = balance_write(deposit())
    journal.record_intent("ann", "p", good)
    journal._db.execute(
        "INSERT INTO journal (seq, at, operator, key, kind, data, prev, hash) VALUES (2, 'x', 'eve', 'k', 'intent',"
        " 'not json', 'p', 'h')"
    )
    assert [e.key for e in journal.entries()] == [good.key]
    assert journal.entry("k") is None
    report = journal.verify()
    assert report.broken is not None
    assert report.broken.seq == 2
