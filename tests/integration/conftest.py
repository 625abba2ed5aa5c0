"""Integration fixtures: a real simulator on 127.0.0.1:0 in a background thread."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from desktop.config import Credentials
from desktop.simulator import SimConfig, SimulatorThread

T = TypeVar("T")


@pytest.fixture(scope="session")
def sim_thread() -> Iterator[SimulatorThread]:
    with SimulatorThread(SimConfig(seed=7, tick_rate=400)) as running:
        yield running


@pytest.fixture
def sim(sim_thread: SimulatorThread) -> SimulatorThread:
    sim_thread.call(sim_thread.control.reset)
    return sim_thread


@pytest.fixture
def credentials(sim: SimulatorThread) -> Credentials:
    return Credentials(sim.url, sim.url, "demo-dealer", "demo-secret")


class LoopRunner:
    """Runs coroutines to completion on one qasync loop (the app's own loop class)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop: asyncio.AbstractEventLoop | None = loop

    def __call__(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        assert self.loop is not None
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))


@pytest.fixture
def arun(qapp: Any) -> Iterator[LoopRunner]:
    """A fresh qasync loop for one test, closed and collected on the main thread afterwards."""
    from desktop.app.loop import AppEventLoop, close_app_loop

    qapp.setQuitOnLastWindowClosed(False)
    runner = LoopRunner(AppEventLoop(qapp))
    asyncio.set_event_loop(runner.loop)
    yield runner
    assert runner.loop is not None
    close_app_loop(runner.loop)
    runner.loop = None
    # Qt objects left to the garbage collector could be destroyed on the simulator's thread
    # ("Timers cannot be stopped from another thread", then a crash): destroy them here.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


async def wait_until(predicate: Callable[[], bool], limit_s: float = 10.0, what: str = "condition") -> None:
    """Poll ``predicate`` on the running loop until it holds."""
    deadline = asyncio.get_running_loop().time() + limit_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {limit_s} s waiting for {what}")
        await asyncio.sleep(0.02)


def no_qt() -> bool:
    return "PySide6" not in sys.modules
