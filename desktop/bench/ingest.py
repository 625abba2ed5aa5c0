"""``python -m desktop.bench ingest``: how much of the feed the whole app keeps up with.

One run starts the simulator at ``--rate`` ticks/s and measures, one after the other on the
same stream: (1) a bare pysignalr client that only counts ``OnTick`` messages, and (2) the
app's full path — TickHub → QuoteBook → market-watch model and tick chart on the UI frame
clock, with the real main window shown (offscreen unless a display is set). It prints both
rates, their ratio and the UI frame lag (actual frame interval minus the target) p50/p99.

Imports: every layer; the simulator only as a child process.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from desktop.app.demo import SimulatorProcess
from desktop.app.runtime import run_app
from desktop.bench.bare import BareCounter
from desktop.client.rest import WebApi
from desktop.config import AppConfig, Credentials
from desktop.services.session import choose_platform
from desktop.services.workstation import Workstation
from desktop.ui.main_window import MainWindow


def run_ingest(*, rate: float, seconds: float, warmup: float) -> int:
    """Run the ingest benchmark on a fresh Qt application and qasync loop; print the figures."""
    return run_app(lambda _router: _measure(rate, seconds, warmup))


async def _measure(rate: float, seconds: float, warmup: float) -> int:
    simulator = SimulatorProcess(tick_rate=rate)
    credentials = await simulator.start()
    try:
        bare = await _bare_rate(credentials, seconds, warmup)
        app_rate, lags, work, fps = await _app_rate(credentials, seconds, warmup)
    finally:
        await simulator.stop()
    _report(rate, bare, app_rate, lags, work, fps)
    return 0


async def _bare_rate(credentials: Credentials, seconds: float, warmup: float) -> float:
    api = WebApi(credentials)
    try:
        api.use_platform(choose_platform(await api.trade_platforms(), None).id)
        symbols = [s.name for s in await api.symbols()]
        counter = BareCounter(api.hub_url(), await api.access_token(), symbols)
        return await counter.measure(warmup, seconds)
    finally:
        await api.aclose()


async def _app_rate(
    credentials: Credentials, seconds: float, warmup: float
) -> tuple[float, list[float], list[float], float]:
    config = AppConfig()
    workstation = Workstation(credentials, config)
    window = MainWindow(workstation)
    window.resize(1600, 1000)
    window.show()
    try:
        await workstation.start()
        await asyncio.sleep(warmup)
        book, presenter = workstation.book, window.quotes
        ticks, frames, start = book.total_ticks, presenter.frames, time.perf_counter()
        await asyncio.sleep(seconds)
        elapsed = time.perf_counter() - start
        measured = presenter.frames - frames
        lags = presenter.frame_lags_ms()[-measured:] if measured else []
        work = presenter.frame_work_ms()[-measured:] if measured else []
        return (book.total_ticks - ticks) / elapsed, lags, work, measured / elapsed
    finally:
        window.shut_down()
        window.deleteLater()
        await workstation.aclose()


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _report(rate: float, bare: float, app: float, lags: list[float], work: list[float], fps: float) -> None:
    frame_ms = AppConfig().frame_ms
    print(f"offered       {rate:>10,.0f} ticks/s   (dealer-desk-sim --tick-rate)")
    print(f"bare client   {bare:>10,.0f} ticks/s   (pysignalr, OnTick counted only)")
    print(f"app ingest    {app:>10,.0f} ticks/s   (hub -> quote book -> models + chart)  = {app / bare:.0%} of bare")
    print(f"ui frames     {fps:>10.1f} /s        (target {1000 / frame_ms:.0f}/s, every {frame_ms} ms)")
    print(f"frame lag     p50 {_percentile(lags, 50):6.1f} ms   p99 {_percentile(lags, 99):6.1f} ms")
    print(f"frame work    p50 {_percentile(work, 50):6.1f} ms   p99 {_percentile(work, 99):6.1f} ms")
