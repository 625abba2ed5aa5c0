"""OperationsJournal.entry reads one operation by its key and agrees with the full fold of entries()."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from desktop.domain.balance_ops import balance_write
from desktop.domain.models import BalanceKind, BalanceOperation
from desktop.domain.operations import Attempt, Operation, OperationState, Outcome, new_key, renewed
from desktop.services.journal import OperationsJournal


def write(login: int) -> Operation:
    return balance_write(BalanceOperation(login, BalanceKind.DEPOSIT, Decimal("1.00"), "x", new_key()))


def test_entry_by_key_matches_the_fold_of_every_row(tmp_path: Path) -> None:
    journal = OperationsJournal(tmp_path / "j.sqlite3")
    try:
        first, other = write(100001), write(100002)
        journal.record_intent("ana", "tp", first)
        journal.record_intent("ana", "tp", other)
        journal.record_attempt("ana", first.key, Attempt(1, 1.0, "unknown", "lost", {}))
        journal.record_outcome("ana", Outcome(first.key, OperationState.NOT_APPLIED, via="history"))
        again = renewed(first)
        journal.record_intent("ben", "tp", again)
        journal.record_outcome("ben", Outcome(again.key, OperationState.APPLIED, ticket=7))
        journal.record_outcome("ana", Outcome(other.key, OperationState.UNKNOWN))
        folded = {e.key: e for e in journal.entries()}
        for key, entry in folded.items():
            one = journal.entry(key)
            assert one is not None
            assert {**one.__dict__, "operation": None} == {**entry.__dict__, "operation": None}
            assert one.operation.__dict__ == entry.operation.__dict__  # Operation compares by identity
        assert journal.entry(first.key).superseded_by == again.key  # type: ignore[union-attr]
        assert journal.entry(again.key).superseded_by is None  # type: ignore[union-attr]
        assert journal.entry(new_key()) is None
    finally:
        journal.close()
