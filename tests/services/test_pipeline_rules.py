"""WritePipeline rules with a stub server: the key window decides between resending and reading history."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.domain.balance_ops import balance_write
from desktop.domain.errors import ServerUnreachable
from desktop.domain.models import BalanceKind, BalanceOperation
from desktop.domain.operations import HistoryRecord, OperationState, new_key
from desktop.services.journal import OperationsJournal
from desktop.services.pipeline import ResendPolicy, WritePipeline


class Server:
    def __init__(self) -> None:
        self.sends = 0
        self.history_reads = 0
        self.history: list[HistoryRecord] = []

    async def send_write(self, endpoint: str, body: Mapping[str, Any], key: str) -> tuple[int, str | None]:
        self.sends += 1
        raise ServerUnreachable("connection refused")

    async def account_history(self, login: int, start: datetime, end: datetime) -> tuple[list[HistoryRecord], int]:
        self.history_reads += 1
        return self.history, 0


def test_the_window_rules() -> None:
    policy = ResendPolicy()
    assert policy.safe_until(1000.0, None) == 1050.0
    assert policy.safe_until(1000.0, 1030.0) == 1030.0 + 3590.0


def test_closing_inside_the_window_never_judges_by_history(tmp_path: Path) -> None:
    server = Server()
    journal = OperationsJournal(tmp_path / "j.sqlite3")
    pipeline = WritePipeline(server, journal, operator="ann", platform="p", policy=ResendPolicy(budget_s=0.1))
    op = balance_write(BalanceOperation(1, BalanceKind.DEPOSIT, Decimal("1.00"), "", new_key()))

    async def run() -> None:
        first = await pipeline.submit(op)
        assert first.state is OperationState.UNKNOWN
        pipeline.stop_resending()
        again = await pipeline.reconcile(op.key)
        assert again.state is OperationState.UNKNOWN

    asyncio.run(run())
    assert server.history_reads == 0
    journal.close()


def test_after_the_window_history_is_read_and_nothing_is_sent(tmp_path: Path) -> None:
    server = Server()
    journal = OperationsJournal(tmp_path / "j.sqlite3")
    op = balance_write(BalanceOperation(1, BalanceKind.DEPOSIT, Decimal("1.00"), "x", new_key()))
    journal.record_intent("ann", "p", op)
    server.history = [HistoryRecord(77, 1, "Balance", Decimal("1.00"), op.comment)]
    later = WritePipeline(server, journal, operator="bob", platform="p", clock=lambda: time.time() + 120)
    outcome = asyncio.run(later.reconcile(op.key))
    assert (outcome.state, outcome.ticket, outcome.via) == (OperationState.APPLIED, 77, "history")
    assert server.sends == 0
    assert [row.operator for row in journal.rows()] == ["ann", "bob", "bob"]
    journal.close()
