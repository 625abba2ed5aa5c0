"""Helpers for write-pipeline tests: a pipeline on a real simulator and a journal in a temporary file."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from desktop.client.rest import WebApi
from desktop.config import Credentials
from desktop.domain.balance_ops import balance_write
from desktop.domain.models import BalanceKind, BalanceOperation
from desktop.domain.operations import Operation, new_key
from desktop.services.journal import OperationsJournal
from desktop.services.pipeline import ResendPolicy, WritePipeline
from desktop.simulator import PLATFORM_ID, SimulatorThread

LOGIN = 100001


class Clock:
    """Wall-clock time that a test can move forward (the app's side of "an hour later")."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class Rig:
    sim: SimulatorThread
    api: WebApi
    journal: OperationsJournal
    pipeline: WritePipeline
    clock: Clock

    def ledger(self, operation: Operation) -> list[object]:
        """The simulator's applied balance operations that carry ``operation``'s reference."""
        ref = operation.reference
        return [op for op in self.sim.control.book.ledger if op.comment.endswith(ref)]

    def skip_key_window(self, seconds: float = 7200.0) -> None:
        """Move both the server's key store and the app's clock ``seconds`` ahead."""
        store = self.sim.control.idempotency
        base = store.clock
        self.sim.call(setattr, store, "clock", lambda: base() + seconds)
        self.clock.offset += seconds


@asynccontextmanager
async def rig(sim: SimulatorThread, path: Path, policy: ResendPolicy | None = None) -> AsyncIterator[Rig]:
    api = WebApi(Credentials(sim.url, sim.url, "demo-dealer", "demo-secret"))
    api.use_platform(PLATFORM_ID)
    journal = OperationsJournal(path)
    clock = Clock()
    pipeline = WritePipeline(api, journal, operator="tester", platform=PLATFORM_ID, policy=policy, clock=clock)
    try:
        yield Rig(sim, api, journal, pipeline, clock)
    finally:
        journal.close()
        await api.aclose()


def deposit(amount: str = "10.00", comment: str = "test", login: int = LOGIN) -> Operation:
    return balance_write(BalanceOperation(login, BalanceKind.DEPOSIT, Decimal(amount), comment, new_key()))
