"""The operator's side of the money benchmark, as one process that may be killed at any moment.

``python -m desktop.bench.money_worker --url URL --journal FILE --seed S --ops N`` opens a
:class:`~desktop.services.workstation.Workstation` on the simulator at ``URL`` with the
journal ``FILE`` (the same service objects the window uses, without Qt), and, while its
start-up recovery settles what an earlier run left open, submits every planned operation
the journal does not know yet through the workstation's write pipeline, ``--concurrency``
at a time; it ends once both are over.

Output, one line each (flushed, for the parent that drives the faults): ``taken K`` (planned
operations already journaled by an earlier run), ``recovered TEXT``, ``op INDEX STATE`` per
operation sent. A start that fails on a transient error is tried again for up to 120 s.

Imports: the standard library, desktop.bench, desktop.config, desktop.domain, desktop.services.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from desktop.bench.money_plan import plan
from desktop.config import AppConfig, Credentials
from desktop.domain.errors import AuthFailed, DesktopError
from desktop.domain.operations import Operation
from desktop.services.journal import OperationsJournal
from desktop.services.workstation import Workstation

CLIENT_ID = "demo-dealer"
CLIENT_SECRET = "demo-secret"
_START_BUDGET_S = 120.0


async def open_workstation(url: str, journal: OperationsJournal, operator: str | None = None) -> Workstation:
    """A started workstation on ``url``; transient start-up failures are tried again.

    Raises:
        AuthFailed: the credentials were refused. DesktopError: it did not start within the budget.
    """
    credentials = Credentials(url, url, CLIENT_ID, CLIENT_SECRET)
    loop = asyncio.get_running_loop()
    give_up = loop.time() + _START_BUDGET_S
    delay = 0.5
    while True:
        workstation = Workstation(credentials, AppConfig(), journal=journal, operator=operator)
        try:
            await workstation.start()
        except AuthFailed:
            await workstation.aclose()
            raise
        except DesktopError as exc:
            await workstation.aclose()
            if loop.time() + delay > give_up:
                raise
            print(f"start failed ({exc}); trying again", file=sys.stderr, flush=True)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 4.0)
            continue
        return workstation


async def run(url: str, journal_path: Path, seed: int, ops: int, concurrency: int) -> int:
    """Recover, then send what the journal does not know yet; 0 when every send was settled or said unknown."""
    journal = OperationsJournal(journal_path)
    try:
        workstation = await open_workstation(url, journal)
        try:
            assert workstation.recovery is not None
            planned = plan(seed, ops)
            known = {entry.key for entry in journal.entries()}
            print(f"taken {sum(op.key in known for op in planned)}", flush=True)
            await _send_all(workstation, [(i, op) for i, op in enumerate(planned) if op.key not in known], concurrency)
            report = await workstation.recovery
            print(f"recovered {report.text}", flush=True)
        finally:
            await workstation.aclose()
    finally:
        journal.close()
    return 0


async def _send_all(workstation: Workstation, todo: list[tuple[int, Operation]], concurrency: int) -> None:
    pipeline = workstation.pipeline
    assert pipeline is not None
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int, operation: Operation) -> None:
        async with gate:
            outcome = await pipeline.submit(operation)
        print(f"op {index} {outcome.state.value}", flush=True)

    await asyncio.gather(*(one(index, operation) for index, operation in todo))


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="python -m desktop.bench.money_worker", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ops", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--log", type=Path, default=None, help="write the app's log to this file")
    args = parser.parse_args(argv)
    if args.log is not None:
        logging.basicConfig(filename=args.log, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return asyncio.run(run(args.url, args.journal, args.seed, args.ops, args.concurrency))


if __name__ == "__main__":
    sys.exit(main())
