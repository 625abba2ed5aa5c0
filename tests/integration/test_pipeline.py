"""The write pipeline against the real simulator: final states under faults, reconciliation after the key window."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain.operations import OperationState
from desktop.services.pipeline import ResendPolicy
from desktop.simulator import SimConfig, SimulatorThread
from tests.integration.pipeline_helpers import LOGIN, deposit, rig

pytestmark = pytest.mark.integration

QUICK = ResendPolicy(first_delay_s=0.05, max_delay_s=0.2, budget_s=1.0)


@pytest.fixture(scope="module")
def money_sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(SimConfig(seed=11, tick_rate=0, accounts=20)) as running:
        yield running


@pytest.fixture
def sim(money_sim: SimulatorThread) -> Iterator[SimulatorThread]:
    money_sim.call(money_sim.control.reset)
    store = money_sim.control.idempotency
    clock = store.clock
    yield money_sim
    money_sim.call(setattr, store, "clock", clock)


def balance(sim: SimulatorThread) -> int:
    return int(sim.control.book.get(LOGIN).balance_cents)


def test_a_deposit_is_applied_once_with_ticket_and_activity(sim: SimulatorThread, tmp_path: Path) -> None:
    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            before = balance(sim)
            op = deposit("12.34", "Wire 8812")
            outcome = await r.pipeline.submit(op)
            assert outcome.state is OperationState.APPLIED
            assert outcome.ticket
            assert outcome.activity_id
            assert balance(sim) == before + 1234
            stored = r.ledger(op)
            assert len(stored) == 1
            assert stored[0].comment == f"Wire 8812 {op.reference}"
            entry = r.journal.entry(op.key)
            assert entry is not None
            assert entry.state is OperationState.APPLIED
            assert [row.kind for row in r.journal.rows()] == ["intent", "attempt", "outcome"]
            assert r.journal.verify().ok

    asyncio.run(run())


def test_a_refusal_is_final_with_the_servers_codes(sim: SimulatorThread, tmp_path: Path) -> None:
    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            op = deposit(login=99_999_999)
            outcome = await r.pipeline.submit(op)
            assert outcome.state is OperationState.REFUSED
            assert outcome.code == "NotFound"
            assert outcome.activity_id
            assert len(r.journal.entry(op.key).attempts) == 1  # type: ignore[union-attr]

    asyncio.run(run())


@pytest.mark.parametrize("variant", ["applied", "not-applied"])
def test_outcome_unknown_is_resent_with_the_same_key_and_applied_once(
    sim: SimulatorThread, tmp_path: Path, variant: str
) -> None:
    sim.call(sim.control.faults.outcome_unknown_next, 1, variant)

    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            before = balance(sim)
            op = deposit("5.00")
            outcome = await r.pipeline.submit(op)
            assert outcome.state is OperationState.APPLIED
            assert balance(sim) == before + 500
            assert len(r.ledger(op)) == 1
            results = [a.result for a in r.journal.entry(op.key).attempts]  # type: ignore[union-attr]
            assert results == ["unknown", "applied"]

    asyncio.run(run())


def test_busy_is_resent_until_it_goes_through(sim: SimulatorThread, tmp_path: Path) -> None:
    sim.call(sim.control.faults.busy_next, 3)

    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            op = deposit()
            outcome = await r.pipeline.submit(op)
            assert outcome.state is OperationState.APPLIED
            assert len(r.ledger(op)) == 1
            assert [a.result for a in r.journal.entry(op.key).attempts] == ["busy"] * 3 + ["applied"]  # type: ignore[union-attr]

    asyncio.run(run())


def test_a_server_restart_is_outlasted_and_applies_once(sim: SimulatorThread, tmp_path: Path) -> None:
    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            restart = sim.submit(sim.control.faults.restart_server(2.0, 2.0))
            await asyncio.sleep(0.2)  # connections are cut and refused now
            op = deposit()
            started = time.monotonic()
            outcome = await r.pipeline.submit(op)
            await asyncio.wrap_future(restart)
            assert outcome.state is OperationState.APPLIED, outcome.message
            assert len(r.ledger(op)) == 1
            assert time.monotonic() - started < 30
            assert len(r.journal.entry(op.key).attempts) >= 2  # type: ignore[union-attr]

    asyncio.run(run())


def test_flaky_writes_never_duplicate_or_lose(tmp_path: Path) -> None:
    config = SimConfig(seed=12, tick_rate=20, accounts=20, scenarios=("flaky-writes:every=2,delay=0.2",))
    with SimulatorThread(config) as sim:

        async def run() -> None:
            async with rig(sim, tmp_path / "j.sqlite3") as r:
                ops = [deposit(f"{n}.00") for n in range(1, 9)]
                outcomes = [await r.pipeline.submit(op) for op in ops]
                assert [o.state for o in outcomes] == [OperationState.APPLIED] * len(ops)
                assert [len(r.ledger(op)) for op in ops] == [1] * len(ops)
                assert r.journal.verify().ok

        asyncio.run(run())


def test_undetermined_stays_unknown_inside_the_window_then_is_proven_absent(
    sim: SimulatorThread, tmp_path: Path
) -> None:
    sim.call(sim.control.faults.outcome_unknown_next, 1, "undetermined")

    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3", QUICK) as r:
            op = deposit()
            outcome = await r.pipeline.submit(op)
            assert outcome.state is OperationState.UNKNOWN
            assert "may or may not" in outcome.message
            again = await r.pipeline.reconcile(op.key)  # inside the hour: same key, still taken
            assert again.state is OperationState.UNKNOWN
            r.skip_key_window()
            settled = await r.pipeline.reconcile(op.key)
            assert settled.state is OperationState.NOT_APPLIED
            assert settled.via == "history"
            assert r.ledger(op) == []
            fresh = r.pipeline.renew(op.key)
            assert fresh.supersedes == op.key
            assert fresh.reference != op.reference
            done = await r.pipeline.submit(fresh)
            assert done.state is OperationState.APPLIED
            assert len(r.ledger(fresh)) == 1
            assert r.journal.entry(op.key).superseded_by == fresh.key  # type: ignore[union-attr]
            with pytest.raises(ValueError, match="already sent again"):
                r.pipeline.renew(op.key)

    asyncio.run(run())


def test_resend_after_the_key_window_never_duplicates(sim: SimulatorThread, tmp_path: Path) -> None:
    """Applied while the answer was unknown; after the window the history settles it, nothing is resent."""
    sim.call(sim.control.faults.outcome_unknown_next, 1, "applied")

    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3", QUICK) as r:
            before = balance(sim)
            op = deposit("7.00")
            r.pipeline.stop_resending()  # the app is closing: one send, no resend
            outcome = await r.pipeline.submit(op)
            assert outcome.state is OperationState.UNKNOWN
            r.skip_key_window()
            sends = len(sim.control.requests.matching("TradeTransaction"))
            r.pipeline._stopping.clear()
            resent = await r.pipeline.submit(op)  # the same operation offered again, an hour later
            assert resent.state is OperationState.APPLIED
            assert resent.via == "history"
            assert resent.ticket == r.ledger(op)[0].ticket
            assert balance(sim) == before + 700
            assert len(r.ledger(op)) == 1
            assert len(sim.control.requests.matching("TradeTransaction")) == sends  # nothing was sent again

    asyncio.run(run())


def test_applied_before_a_crash_is_found_in_the_history(sim: SimulatorThread, tmp_path: Path) -> None:
    """The server applied it, the app died before journaling the answer; recovery finds the ticket."""

    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            op = deposit("3.00")
            r.journal.record_intent("tester", r.pipeline.platform, op)
            ticket, _ = await r.api.send_write(op.endpoint, op.body, op.key)
            r.skip_key_window()
            [outcome] = await r.pipeline.resolve_unresolved()
            assert outcome.state is OperationState.APPLIED
            assert outcome.ticket == ticket
            assert len(r.ledger(op)) == 1

    asyncio.run(run())


def test_an_intent_never_sent_is_proven_absent_after_the_window(sim: SimulatorThread, tmp_path: Path) -> None:
    """The app died between the intent row and the first byte: nothing was applied."""

    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            op = deposit()
            r.journal.record_intent("tester", r.pipeline.platform, op)
            r.skip_key_window()
            [outcome] = await r.pipeline.resolve_unresolved()
            assert outcome.state is OperationState.NOT_APPLIED
            assert r.journal.unresolved() == []
            assert r.ledger(op) == []

    asyncio.run(run())


def test_a_pending_entry_inside_the_window_is_sent_with_its_key(sim: SimulatorThread, tmp_path: Path) -> None:
    async def run() -> None:
        async with rig(sim, tmp_path / "j.sqlite3") as r:
            op = deposit()
            r.journal.record_intent("tester", r.pipeline.platform, op)
            [outcome] = await r.pipeline.resolve_unresolved()
            assert outcome.state is OperationState.APPLIED
            assert len(r.ledger(op)) == 1

    asyncio.run(run())
