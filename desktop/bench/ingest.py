"""``python -m desktop.bench ingest``: how much of the feed the app keeps up with, and how late.

One run starts the simulator at ``--rate`` ticks/s and, at the same time on the same stream,
(1) a bare pysignalr client in a process of its own that only notes each tick's server
stamp, and (2) the app's full path in this process — TickHub → QuoteBook → market-watch
model and tick chart on the UI frame clock, with the real main window shown (offscreen
unless a display is set). Both measure the same wall-clock window after ``--warmup``.

Latencies are the server's tick stamp (``lastTime``, milliseconds) to: the bare client's
callback; the app's quote book; the market watch's ``dataChanged``; the end of the paint
that shows the tick. A frame's cost is its own work plus the painting it caused. CPU is
each process's CPU time in the window divided by the ticks it received (the app's includes
these probes). The last line is machine-readable:
``ingest: rate=R bare_rate=X app_rate=X ratio=X bare_p99_ms=X app_p99_ms=X paint_p99_ms=X
frame_lag_p99_ms=X backlog_growth_ms_per_s=X bare_cpu_ms_per_tick=X app_cpu_ms_per_tick=X``.

Imports: every layer; the simulator only as a child process.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from typing import Any

from desktop.app.demo import SimulatorProcess
from desktop.app.runtime import run_app
from desktop.bench.probe import GcProbe, PaintProbe, TickProbe, latencies_in, thread_cpu_s
from desktop.bench.stats import LatencyFigures, percentile, window_figures
from desktop.client.rest import WebApi
from desktop.config import AppConfig, Credentials
from desktop.services.session import choose_platform
from desktop.services.workstation import Workstation
from desktop.ui.main_window import MainWindow


@dataclass
class AppFigures:
    """What the app did in the window."""

    ticks: LatencyFigures
    changed_ms: Any
    painted_ms: Any
    lags: list[float]
    work: list[float]
    cost: list[float]
    fps: float
    cpu_s: float
    gc: str
    threads: dict[str, float]


def run_ingest(*, rate: float, seconds: float, warmup: float) -> int:
    """Run the ingest benchmark on a fresh Qt application and qasync loop; print the figures."""
    return run_app(lambda _router: _measure(rate, seconds, warmup))


async def _measure(rate: float, seconds: float, warmup: float) -> int:
    simulator = SimulatorProcess(tick_rate=rate)
    credentials = await simulator.start()
    bare = await _start_bare(credentials)
    try:
        app, bare_figures = await _app_and_bare(credentials, bare, seconds, warmup)
    finally:
        await _stop(bare)
        await simulator.stop()
    _report(rate, bare_figures, app)
    return 0


async def _start_bare(credentials: Credentials) -> asyncio.subprocess.Process:
    api = WebApi(credentials)
    try:
        api.use_platform(choose_platform(await api.trade_platforms(), None).id)
        setup = {
            "url": api.hub_url(),
            "token": await api.access_token(),
            "symbols": [s.name for s in await api.symbols()],
        }
    finally:
        await api.aclose()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "desktop.bench.bare", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    await _send(child, setup)
    return child


async def _send(child: asyncio.subprocess.Process, obj: dict[str, Any]) -> None:
    assert child.stdin is not None
    child.stdin.write((json.dumps(obj) + "\n").encode())
    await child.stdin.drain()


async def _receive(child: asyncio.subprocess.Process, within_s: float) -> dict[str, Any]:
    assert child.stdout is not None
    async with asyncio.timeout(within_s):
        line = await child.stdout.readline()
    if not line:
        raise RuntimeError("the bare client ended without its figures")
    answer: dict[str, Any] = json.loads(line)
    return answer


async def _stop(child: asyncio.subprocess.Process) -> None:
    if child.returncode is None:
        child.kill()
    await child.wait()


async def _app_and_bare(
    credentials: Credentials, bare: asyncio.subprocess.Process, seconds: float, warmup: float
) -> tuple[AppFigures, LatencyFigures | dict[str, Any]]:
    workstation = Workstation(credentials, AppConfig())
    ticks = TickProbe(workstation.hub._sink)
    workstation.hub._sink = ticks
    window = MainWindow(workstation)
    window.resize(1600, 1000)
    window.show()
    presenter = window.quotes
    paints = PaintProbe(
        ticks,
        window.watchlist.dataChanged,
        window,
        window.market_watch.table.viewport(),
        lambda: presenter.frames,
    )
    if presenter._paint_quotes is not None:
        presenter._paint_quotes = paints.inside_frame(presenter._paint_quotes)
    collections = GcProbe()
    try:
        await workstation.start()
        await _receive(bare, 20)
        start = time.time() + warmup
        end = start + seconds
        await _send(bare, {"start": start, "end": end})
        await asyncio.sleep(max(0.0, start - time.time()))
        frames, cpu, threads = presenter.frames, time.process_time(), thread_cpu_s()
        await asyncio.sleep(max(0.0, end - time.time()))
        cpu, measured = time.process_time() - cpu, presenter.frames - frames
        app = _app_figures(ticks, paints, presenter, frames, measured, start, end, cpu)
        app.gc = collections.summary(start, end)
        app.threads = _delta(threads, thread_cpu_s())
        bare_figures = await _receive(bare, 30 + seconds)
    finally:
        collections.close()
        window.shut_down()
        window.deleteLater()
        await workstation.aclose()
    return app, bare_figures


def _app_figures(
    ticks: TickProbe,
    paints: PaintProbe,
    presenter: Any,
    first: int,
    measured: int,
    start: float,
    end: float,
    cpu: float,
) -> AppFigures:
    lags = presenter.frame_lags_ms()[-measured:] if measured else []
    work = presenter.frame_work_ms()[-measured:] if measured else []
    # frame_work_ms()[-measured:] are frames first+1 … first+measured, in that order.
    cost = [w + paints.paint_ms_by_frame.get(first + 1 + i, 0.0) for i, w in enumerate(work)]
    return AppFigures(
        ticks=window_figures(ticks.received, ticks.stamps, start, end),
        changed_ms=latencies_in(paints.changed, start, end),
        painted_ms=latencies_in(paints.painted, start, end),
        lags=lags,
        work=work,
        cost=cost,
        fps=measured / (end - start),
        cpu_s=cpu,
        gc="",
        threads={},
    )


def _delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: used - before.get(name, 0.0) for name, used in after.items() if used > before.get(name, 0.0)}


def _per_tick_ms(cpu_s: float, ticks: int) -> float:
    return cpu_s * 1000.0 / ticks if ticks else float("nan")


def _report(rate: float, bare_json: LatencyFigures | dict[str, Any], app: AppFigures) -> None:
    assert isinstance(bare_json, dict)
    bare = LatencyFigures(**{k: v for k, v in bare_json.items() if k != "cpu_s"})
    bare_cpu = _per_tick_ms(float(bare_json["cpu_s"]), bare.ticks)
    app_cpu = _per_tick_ms(app.cpu_s, app.ticks.ticks)
    ratio = app.ticks.rate / bare.rate if bare.rate else float("nan")
    frame_ms = AppConfig().frame_ms
    p = percentile
    print(f"offered       {rate:>10,.0f} ticks/s   (dealer-desk-sim --tick-rate)")
    print(f"bare client   {bare.rate:>10,.0f} ticks/s   (pysignalr, own process, same stream, same window)")
    print(
        f"app ingest    {app.ticks.rate:>10,.0f} ticks/s   (hub -> quote book -> models + chart)  = {ratio:.0%} of bare"
    )
    print(f"ui frames     {app.fps:>10.1f} /s        (target {1000 / frame_ms:.0f}/s, every {frame_ms} ms)")
    print(f"frame lag     p50 {p(app.lags, 50):6.1f} ms   p99 {p(app.lags, 99):6.1f} ms")
    print(f"frame work    p50 {p(app.work, 50):6.1f} ms   p99 {p(app.work, 99):6.1f} ms   (callback + quotes' paint)")
    print(
        f"frame cost    p50 {p(app.cost, 50):6.1f} ms   p99 {p(app.cost, 99):6.1f} ms   (work + the painting it caused)"
    )
    print("latency from the server's tick stamp:")
    print(f"  bare callback      p50 {bare.p50_ms:7.1f} ms   p99 {bare.p99_ms:7.1f} ms")
    print(f"  app quote book     p50 {app.ticks.p50_ms:7.1f} ms   p99 {app.ticks.p99_ms:7.1f} ms")
    print(f"  app dataChanged    p50 {p(app.changed_ms, 50):7.1f} ms   p99 {p(app.changed_ms, 99):7.1f} ms")
    print(f"  app painted        p50 {p(app.painted_ms, 50):7.1f} ms   p99 {p(app.painted_ms, 99):7.1f} ms")
    growth = f"{app.ticks.growth_ms_per_s:+.1f} ms/s app, {bare.growth_ms_per_s:+.1f} ms/s bare"
    print(f"backlog       {growth} (slope of latency over time)")
    print(f"gc (app)      {app.gc}")
    print(f"cpu           bare {bare_cpu:.4f} ms/tick, app {app_cpu:.4f} ms/tick (app includes the probes)")
    span_s = app.ticks.ticks / app.ticks.rate if app.ticks.rate else float("nan")
    print(f"              app {app.cpu_s / span_s:.1%} of a core over the window")
    if app.threads:
        shares = sorted(app.threads.items(), key=lambda item: -item[1])
        print("              by thread: " + ", ".join(f"{name} {used / span_s:.1%}" for name, used in shares))
    print(
        f"ingest: rate={rate:.0f} bare_rate={bare.rate:.0f} app_rate={app.ticks.rate:.0f} ratio={ratio:.3f} "
        f"bare_p99_ms={bare.p99_ms:.1f} app_p99_ms={app.ticks.p99_ms:.1f} "
        f"paint_p99_ms={p(app.painted_ms, 99):.1f} frame_lag_p99_ms={p(app.lags, 99):.1f} "
        f"backlog_growth_ms_per_s={app.ticks.growth_ms_per_s:.1f} "
        f"bare_cpu_ms_per_tick={bare_cpu:.4f} app_cpu_ms_per_tick={app_cpu:.4f}"
    )
