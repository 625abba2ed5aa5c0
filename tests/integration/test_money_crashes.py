"""SIGKILL of the operator's process at random moments during 50 operations: nothing duplicated or lost.

Real simulator (in this process), real operator processes (``desktop.bench.money_worker``:
the workstation's own services and write pipeline, without Qt) on one journal file. Each
process is killed after a seeded random delay and a new one started on the same journal,
which recovers it at start-up, until one finishes. Then the journal is audited against the
server's own ledger (``TradesUserHistory``) and the accounts' money.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.bench.money_plan import audit, plan, read_ledger
from desktop.bench.money_settle import balances, settle
from desktop.client.rest import WebApi
from desktop.config import Credentials
from desktop.domain.operations import OperationState
from desktop.services.journal import OperationsJournal
from desktop.simulator import PLATFORM_ID, SimConfig, SimulatorThread

pytestmark = pytest.mark.integration

SEED = 61
OPS = 50
MAX_KILLS = 8


@pytest.fixture
def money_sim() -> Iterator[SimulatorThread]:
    # Every 2nd write answers OutcomeUnknown after 0.4 s (applied / not applied in turn), so a
    # kill often lands while an operation is in flight.
    config = SimConfig(seed=SEED, tick_rate=5, accounts=20, scenarios=("flaky-writes:every=2,delay=0.4",))
    with SimulatorThread(config) as running:
        yield running


def worker(url: str, journal: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "desktop.bench.money_worker", "--url", url, "--journal", str(journal),
               "--seed", str(SEED), "--ops", str(OPS), "--concurrency", "4"]  # fmt: skip
    with log.open("ab") as errors:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)


def run_with_kills(url: str, journal: Path, log: Path) -> tuple[int, int]:
    """Start, SIGKILL after a random delay, start again…; return (kills, kills that left entries unsettled)."""
    rng = random.Random(SEED)
    kills = interrupted = 0
    while True:
        process = worker(url, journal, log)
        try:
            code = process.wait(timeout=rng.uniform(0.5, 3.0) if kills < MAX_KILLS else 90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            kills += 1
            opened = OperationsJournal(journal)
            try:
                interrupted += bool(opened.unresolved())
            finally:
                opened.close()
            continue
        assert code == 0, log.read_text()[-3000:]
        return kills, interrupted


def test_random_sigkills_during_50_operations_duplicate_and_lose_nothing(
    money_sim: SimulatorThread, tmp_path: Path
) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    planned = plan(SEED, OPS)
    logins = sorted({op.login for op in planned})
    api = WebApi(Credentials(money_sim.url, money_sim.url, "demo-dealer", "demo-secret"))
    api.use_platform(PLATFORM_ID)

    async def read() -> dict[int, tuple[Decimal, Decimal]]:
        return await balances(api, logins)

    loop = asyncio.new_event_loop()
    try:
        before = loop.run_until_complete(read())
        since = datetime.now(UTC)
        kills, interrupted = run_with_kills(money_sim.url, journal_path, tmp_path / "workers.log")
        journal = OperationsJournal(journal_path)
        try:
            loop.run_until_complete(settle(api, journal, platform=PLATFORM_ID, offset_s=0.0))
            ledger = loop.run_until_complete(read_ledger(api, logins, since))
            entries = journal.entries()
            assert journal.verify().ok
        finally:
            journal.close()
        after = loop.run_until_complete(read())
    finally:
        loop.run_until_complete(api.aclose())
        loop.close()

    assert kills >= 3  # a run may finish before its random moment comes
    assert interrupted >= 1, "no kill landed while an operation was unsettled"
    report = audit(planned, entries, ledger)
    assert report.duplicated == 0, report.notes
    assert report.lost == 0, report.notes
    assert report.journal_mismatch == 0, report.notes
    assert report.unknown == 0, report.notes
    assert report.done + report.refused == OPS
    assert all(entry.state.settled for entry in entries)
    for login in logins:
        moved = [Decimal(0), Decimal(0)]
        for entry in entries:
            if entry.operation.login == login and entry.state is OperationState.APPLIED:
                slot = 1 if entry.operation.expect.command == "Credit" else 0
                moved[slot] += entry.operation.expect.amount or Decimal(0)
        assert (after[login][0] - before[login][0], after[login][1] - before[login][1]) == tuple(moved), login
