"""The money benchmark's operations and its audit of the journal against the server's ledger.

Plan. :func:`plan` turns a seed into N balance operations (deposits, withdrawals, credit in
and credit out on a handful of accounts). Each operation's idempotency key is derived from
the seed and its index, so a process started after a crash knows, from the journal alone,
which operations were already taken up and which are still to be sent.

Audit. :func:`audit` reads every planned account's history through the WebAPI
(``TradesUserHistory``: the server's own ledger) and compares it with the journal, operation
by operation, following "sent as a new operation" links:

* ``done``: the operation's chain ends applied, and exactly one ledger record carries it;
* ``refused``: the server refused it (its code is in the journal), no ledger record;
* ``unknown``: its chain ends pending or unknown;
* ``duplicated``: more than one ledger record carries the operation (over its whole chain);
* ``lost``: planned but never journaled, or proven not applied and never sent again, or
  applied in the ledger while the journal says otherwise;
* ``journal_mismatch``: journal entries whose state disagrees with the ledger (applied with
  no record or another ticket, refused or not applied with a record).

Imports: the standard library, desktop.domain and desktop.services.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from desktop.domain.balance_ops import balance_write
from desktop.domain.comments import carries_reference
from desktop.domain.models import BalanceKind, BalanceOperation
from desktop.domain.operations import KEY_PREFIX, HistoryRecord, Operation, OperationState
from desktop.services.journal import JournalEntry
from desktop.services.pipeline import TradeServer

FIRST_LOGIN = 100001
ACCOUNTS = 8
_KINDS = (
    (BalanceKind.DEPOSIT, 40),
    (BalanceKind.WITHDRAWAL, 25),
    (BalanceKind.CREDIT_IN, 20),
    (BalanceKind.CREDIT_OUT, 15),
)


def op_key(seed: int, index: int) -> str:
    """The idempotency key of planned operation ``index`` (stable for one seed)."""
    return KEY_PREFIX + hashlib.sha256(f"money-bench:{seed}:{index}".encode()).hexdigest()[:32]


def plan(seed: int, count: int) -> list[Operation]:
    """``count`` mixed balance operations on the first :data:`ACCOUNTS` accounts."""
    rng = random.Random(seed)
    kinds = [k for k, _ in _KINDS]
    weights = [w for _, w in _KINDS]
    operations = []
    for index in range(count):
        kind = rng.choices(kinds, weights)[0]
        cents = (
            rng.randint(100, 50_000)
            if kind in (BalanceKind.DEPOSIT, BalanceKind.CREDIT_IN)
            else rng.randint(100, 90_000)
        )
        login = FIRST_LOGIN + rng.randrange(ACCOUNTS)
        balance = BalanceOperation(login, kind, Decimal(cents) / 100, f"bench {index}", op_key(seed, index))
        operations.append(balance_write(balance))
    return operations


@dataclass
class AuditReport:
    """The figures of :func:`audit`; ``notes`` name what went wrong, one line each."""

    ops: int
    done: int = 0
    refused: int = 0
    unknown: int = 0
    duplicated: int = 0
    lost: int = 0
    journal_mismatch: int = 0
    entries: int = 0
    renewed: int = 0
    states: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        """The benchmark's last line."""
        return (
            f"money: ops={self.ops} done={self.done} refused={self.refused} unknown={self.unknown} "
            f"duplicated={self.duplicated} lost={self.lost} journal_mismatch={self.journal_mismatch}"
        )

    @property
    def clean(self) -> bool:
        """True when nothing is unknown, duplicated, lost or mismatched."""
        return not (self.unknown or self.duplicated or self.lost or self.journal_mismatch)


async def read_ledger(server: TradeServer, logins: Iterable[int], since: datetime) -> list[HistoryRecord]:
    """Every history record of ``logins`` from ``since`` on (the server's ledger, through the WebAPI)."""
    end = datetime.now(UTC) + timedelta(days=2)
    records: list[HistoryRecord] = []
    for login in sorted(set(logins)):
        rows, unreadable = await server.account_history(login, since - timedelta(days=2), end)
        if unreadable:
            raise RuntimeError(f"{unreadable} history records of {login} could not be read")
        records.extend(rows)
    return records


def audit(
    planned: Sequence[Operation], entries: Sequence[JournalEntry], ledger: Sequence[HistoryRecord]
) -> AuditReport:
    """Compare the journal with the server's ledger (see the module docstring)."""
    report = AuditReport(ops=len(planned), entries=len(entries))
    by_key = {e.key: e for e in entries}
    index = _by_reference(ledger)
    for entry in entries:
        records = index.get(entry.operation.reference, [])
        report.states[entry.state.value] += 1
        if entry.operation.supersedes:
            report.renewed += 1
        if _mismatch(entry, records):
            report.journal_mismatch += 1
            report.notes.append(
                f"journal says {entry.state.value} for {entry.key}, ledger has {len(records)} record(s)"
            )
    for operation in planned:
        _count_one(report, operation, by_key, index)
    return report


def _count_one(
    report: AuditReport, operation: Operation, by_key: dict[str, JournalEntry], index: dict[str, list[HistoryRecord]]
) -> None:
    chain = _chain(operation.key, by_key)
    if not chain:
        report.lost += 1
        report.notes.append(f"planned {operation.key} was never journaled")
        return
    records = sum(len(index.get(entry.operation.reference, [])) for entry in chain)
    last = chain[-1].state
    if records > 1:
        report.duplicated += 1
        report.notes.append(f"{operation.key} is in the ledger {records} times")
    if last is OperationState.APPLIED:
        report.done += 1
    elif last is OperationState.REFUSED:
        report.refused += 1
    elif last is OperationState.NOT_APPLIED:
        report.lost += 1
        report.notes.append(f"{operation.key} was proven not applied and never sent again")
    else:
        report.unknown += 1
        report.notes.append(f"{chain[-1].key} is still {last.value}")
    if records and last is not OperationState.APPLIED and last.settled:
        report.lost += 1


def _chain(key: str, by_key: dict[str, JournalEntry]) -> list[JournalEntry]:
    chain: list[JournalEntry] = []
    entry = by_key.get(key)
    while entry is not None and len(chain) < 100:
        chain.append(entry)
        entry = by_key.get(entry.superseded_by) if entry.superseded_by else None
    return chain


def _by_reference(ledger: Sequence[HistoryRecord]) -> dict[str, list[HistoryRecord]]:
    """Ledger records by the reference their comment ends with (see ``carries_reference``)."""
    index: dict[str, list[HistoryRecord]] = {}
    for record in ledger:
        words = record.comment.split()
        if words and carries_reference(record.comment, words[-1]):
            index.setdefault(words[-1], []).append(record)
    return index


def _mismatch(entry: JournalEntry, records: list[HistoryRecord]) -> bool:
    state = entry.state
    if state is OperationState.APPLIED:
        ticket = entry.outcome.ticket if entry.outcome else None
        return len(records) != 1 or (ticket is not None and records[0].ticket != ticket)
    if state in (OperationState.REFUSED, OperationState.NOT_APPLIED):
        return bool(records)
    return False
