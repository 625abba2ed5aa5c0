"""``python -m desktop.bench money --ops N``: N balance operations under every fault, then the audit.

What runs. A simulator (in this process, on its own thread) and, as child processes, the
operator's side (:mod:`desktop.bench.money_worker`: the workstation's own services and write
pipeline, without Qt, on one journal file). While the operations go out, this process
drives the simulator's faults through its ``/_sim/`` control routes, by progress
(:data:`SCHEDULE`): OutcomeUnknown applied, not applied and undetermined; Busy; writes slower
than their deadline; HTML 502/504 from a proxy; hub drops and closes; two server restarts;
short-lived tokens; a mix of them; and the operator's process is SIGKILLed twice
(:data:`CRASHES`) and started again on the same journal, which it recovers at start-up.

Settling. An ``undetermined`` OutcomeUnknown keeps its key taken for an hour (contract §6);
no honest client can settle it sooner. The benchmark does not wait that hour: once every
fault is cleared it moves the simulator's key clock and the app's clock two hours ahead
(the only use of the simulator's internals), reconciles every unsettled entry from the
server's history, and sends each one proven not applied as a new operation, linked to the
first — what the operator does in the Operations view.

Audit. Every planned account's history is read through the WebAPI (``TradesUserHistory``)
and compared with the journal (:func:`desktop.bench.money_plan.audit`), and each account's
balance and credit with the sum of what the journal says was applied. The last line is
``money: ops=N done=N refused=N unknown=N duplicated=N lost=N journal_mismatch=N``.

Imports: the standard library, httpx, desktop.bench, desktop.client, desktop.config,
desktop.domain, desktop.services and the simulator's package top level.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from desktop.bench.money_plan import AuditReport, audit, plan, read_ledger
from desktop.bench.money_settle import balances, settle
from desktop.client.rest import WebApi
from desktop.config import Credentials
from desktop.domain.operations import OperationState
from desktop.services.journal import JournalEntry, OperationsJournal
from desktop.simulator import PLATFORM_ID, SimConfig, SimulatorThread


@dataclass(frozen=True)
class Step:
    """One change of the faults once ``at`` (a fraction of the operations) has been reached."""

    at: float
    name: str
    calls: tuple[tuple[str, str, dict[str, Any]], ...]
    clear_first: bool = True


_CLEAR: tuple[str, str, dict[str, Any]] = ("DELETE", "faults", {})
_UNDETERMINED = {"count": 3, "variant": "undetermined"}
_SLOW_WRITES = {"path": "TradeTransaction", "seconds": 6.0}
"""Longer than the app's trade deadline (5 s): answered OutcomeUnknown, applied later."""


def _unknown_every(every: int, variant: str) -> tuple[str, str, dict[str, Any]]:
    return ("POST", "faults/outcome-unknown", {"every": every, "variants": [variant], "delay": 0.3})


SCHEDULE = (
    Step(0.03, "OutcomeUnknown, applied", (_unknown_every(4, "applied"),)),
    Step(0.10, "OutcomeUnknown, not applied", (_unknown_every(4, "not-applied"),)),
    Step(0.17, "OutcomeUnknown, undetermined", (("POST", "faults/outcome-unknown", _UNDETERMINED),)),
    Step(0.21, "Busy", (("POST", "faults/busy", {"count": 25}),)),
    Step(0.26, "server restart 1", (("POST", "server/restart", {"refuse": 2, "unavailable": 2}),)),
    Step(0.32, "writes slower than their deadline", (("POST", "faults/latency", _SLOW_WRITES),)),
    Step(0.345, "HTML 502/504", (("POST", "faults/proxy-error", {"every": 4, "statuses": [502, 504]}),)),
    Step(0.44, "hub drops", (("POST", "hub/drop", {"abort": True}),)),
    Step(0.50, "hub closes", (("POST", "hub/close", {"error": "Server restarting", "allowReconnect": True}),)),
    Step(0.56, "server restart 2", (("POST", "server/restart", {"refuse": 2, "unavailable": 2}),)),
    Step(0.62, "short tokens", (("POST", "faults/short-tokens", {"seconds": 3}),)),
    Step(0.74, "mixed: flaky writes, proxy pages, busy", (
        ("POST", "faults/outcome-unknown", {"every": 5, "variants": ["applied", "not-applied"], "delay": 0.2}),
        ("POST", "faults/proxy-error", {"every": 7, "statuses": [502, 504]}),
        ("POST", "faults/busy", {"count": 10}),
    )),
    Step(0.88, "server restart 3", (("POST", "server/restart", {"refuse": 2, "unavailable": 2}),)),
    Step(0.94, "calm", ()),
)  # fmt: skip
CRASHES = (0.40, 0.68)
"""Fractions of the operations after which the operator's process is SIGKILLed."""

_CONCURRENCY = 8
_T0 = time.monotonic()
_SIM_ACCOUNTS = 20


def run_money(*, ops: int, seed: int, concurrency: int = _CONCURRENCY) -> int:
    """Run the benchmark; print the summary and the ``money:`` line; 0 when it is clean."""
    # A SIGKILLed operator leaves requests half read; the simulator's tracebacks of that are noise here.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    report = asyncio.run(_measure(ops, seed, concurrency))
    return 0 if report.clean else 1


async def _measure(ops: int, seed: int, concurrency: int) -> AuditReport:
    token = secrets.token_hex(16)
    config = SimConfig(seed=seed, tick_rate=10, accounts=_SIM_ACCOUNTS, control_token=token)
    started = time.monotonic()
    planned = plan(seed, ops)
    logins = sorted({op.login for op in planned})
    with tempfile.TemporaryDirectory() as tmp, SimulatorThread(config) as sim:
        journal_path = Path(tmp) / "journal.sqlite3"
        api = WebApi(Credentials(sim.url, sim.url, "demo-dealer", "demo-secret"))
        api.use_platform(PLATFORM_ID)
        headers = {"Authorization": f"SimControl {token}"}
        try:
            async with httpx.AsyncClient(base_url=sim.url.rstrip("/") + "/_sim/", headers=headers) as control:
                before = await balances(api, logins)
                since = datetime.now(UTC)
                runs = await drive(sim.url, journal_path, seed, ops, concurrency, control, Path(tmp))
                sent_s = time.monotonic() - started
                await _call(control, *_CLEAR)
                skip_key_window(sim, 7200.0)
                journal = OperationsJournal(journal_path)
                try:
                    renewed = await settle(api, journal, platform=PLATFORM_ID, offset_s=7200.0)
                    ledger = await read_ledger(api, logins, since)
                    entries = journal.entries()
                    report = audit(planned, entries, ledger)
                    expected = _applied_money(entries)
                    verified = journal.verify()
                finally:
                    journal.close()
                after = await balances(api, logins)
        finally:
            await api.aclose()
    _balance_check(report, expected, before, after)
    _print(report, runs, renewed, verified.ok, sent_s, time.monotonic() - started)
    return report


def skip_key_window(sim: SimulatorThread, seconds: float) -> None:
    """Move the simulator's idempotency clock ``seconds`` ahead ("an hour later")."""
    store = sim.control.idempotency
    base: Callable[[], float] = store.clock
    sim.call(setattr, store, "clock", lambda: base() + seconds)


async def _call(control: httpx.AsyncClient, method: str, route: str, body: dict[str, Any]) -> None:
    response = await control.request(method, route, json=body)
    if response.status_code != 200:
        raise RuntimeError(f"/_sim/{route}: HTTP {response.status_code} {response.text[:200]}")


async def drive(
    url: str, journal: Path, seed: int, ops: int, concurrency: int, control: httpx.AsyncClient, tmp: Path
) -> int:
    """Run workers until every planned operation was sent, applying :data:`SCHEDULE` and :data:`CRASHES`.

    Returns the number of worker processes started (crashes + 1).
    """
    steps = list(SCHEDULE)
    crashes = [round(ops * at) for at in CRASHES]
    runs = 0
    while True:
        runs += 1
        log = tmp / f"worker-{runs}.log"
        command = [sys.executable, "-m", "desktop.bench.money_worker", "--url", url, "--journal", str(journal),
                   "--seed", str(seed), "--ops", str(ops), "--concurrency", str(concurrency),
                   "--log", str(log)]  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        killed = await _follow(process, ops, steps, crashes, control)
        _, errors = await process.communicate()
        if killed:
            print(f"  worker {runs} SIGKILLed; starting again on the same journal", flush=True)
            continue
        if process.returncode != 0:
            raise RuntimeError(f"worker {runs} exited with {process.returncode}:\n{errors.decode()[-3000:]}")
        return runs


async def _follow(
    process: asyncio.subprocess.Process, ops: int, steps: list[Step], crashes: list[int], control: httpx.AsyncClient
) -> bool:
    assert process.stdout is not None
    base = 0
    sent = 0
    async for raw in process.stdout:
        line = raw.decode(errors="replace").strip()
        if line.startswith("taken "):
            base = int(line.split()[1])
        elif line.startswith("op "):
            sent += 1
        elif line.startswith("recovered "):
            print(f"  start-up: {line}", flush=True)
        progress = base + sent
        while steps and progress >= round(ops * steps[0].at):
            step = steps.pop(0)
            print(f"  at {progress}/{ops} ({time.monotonic() - _T0:.0f} s): {step.name}", flush=True)
            for call in ((_CLEAR,) if step.clear_first else ()) + step.calls:
                await _call(control, *call)
        if crashes and progress >= crashes[0]:
            crashes.pop(0)
            print(f"  at {progress}/{ops}: SIGKILL of the operator's process", flush=True)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            return True
    return False


def _applied_money(entries: list[JournalEntry]) -> dict[int, list[Decimal]]:
    """Per account, the balance and credit the journal says were applied."""
    moved: dict[int, list[Decimal]] = {}
    for entry in entries:
        amount = entry.operation.expect.amount
        if entry.state is not OperationState.APPLIED or amount is None:
            continue
        slot = 1 if entry.operation.expect.command == "Credit" else 0
        moved.setdefault(entry.operation.login, [Decimal(0), Decimal(0)])[slot] += amount
    return moved


def _balance_check(
    report: AuditReport, expected: dict[int, list[Decimal]], before: dict[int, tuple[Decimal, Decimal]],
    after: dict[int, tuple[Decimal, Decimal]],
) -> None:  # fmt: skip
    for login, (balance, credit) in before.items():
        moved = [after[login][0] - balance, after[login][1] - credit]
        want = expected.get(login, [Decimal(0), Decimal(0)])
        if moved != want:
            report.journal_mismatch += 1
            report.notes.append(
                f"account {login} moved {moved[0]} / {moved[1]}, the journal says {want[0]} / {want[1]}"
            )


def _print(report: AuditReport, runs: int, renewed: int, chain_ok: bool, sent_s: float, total_s: float) -> None:
    print(f"operations planned      {report.ops}")
    print(f"journal entries         {report.entries} ({report.renewed} sent again as new operations, {renewed} now)")
    print(f"journal states          {dict(sorted(report.states.items()))}")
    print(f"operator processes      {runs} ({runs - 1} SIGKILLed and restarted from the journal)")
    print(f"journal hash chain      {'intact' if chain_ok else 'BROKEN'}")
    print(f"time                    {sent_s:.1f} s sending under faults, {total_s:.1f} s in all")
    for note in report.notes[:20]:
        print(f"  ! {note}")
    print(report.line)
