"""Push-rate benchmark: ``python -m desktop.simulator.tools.bench [--rate 100000] [--seconds 5]``.

Imports: stdlib, aiohttp and ``desktop.simulator`` (``config``, ``symbols``). Run by hand or by
the test suite (``tests/simulator/test_sim_cli.py``).

Starts the simulator CLI in a child process (so server and client use separate cores),
takes a token, connects a raw aiohttp WebSocket to the hub (``skipNegotiation``, token in
``access_token``), opens ``StreamTicks()`` for every symbol (or subscribes to each symbol
with ``--mode subscribe``) and counts the records that arrive after a warm-up. Prints one
result line: the measured push rate in ticks per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from desktop.simulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, HUB_PATH, PLATFORM_ID
from desktop.simulator.world.market.symbols import SYMBOLS

RS = "\x1e"
_REPO_ROOT = str(Path(__file__).resolve().parents[3])


@dataclass(frozen=True)
class BenchResult:
    """What the client measured.

    Attributes:
        records: Tick records received in the measuring window.
        frames: WebSocket frames received in it.
        seconds: Length of the window.
    """

    records: int
    frames: int
    seconds: float

    @property
    def rate(self) -> float:
        """Ticks per second."""
        return self.records / self.seconds if self.seconds > 0 else 0.0


async def _spawn(rate: float) -> tuple[asyncio.subprocess.Process, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_REPO_ROOT, os.environ.get("PYTHONPATH")])))
    args = ["-m", "desktop.simulator", "--port", "0", "--tick-rate", str(rate)]
    proc = await asyncio.create_subprocess_exec(sys.executable, *args, stdout=asyncio.subprocess.PIPE, env=env)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
    if not line.startswith("Listening on "):
        proc.kill()
        await proc.wait()
        raise RuntimeError(f"simulator did not start: {line!r}")
    return proc, line.removeprefix("Listening on ")


async def _token(session: aiohttp.ClientSession, url: str) -> str:
    form = {"grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}
    async with session.post(f"{url}/connect/token", data=form) as response:
        response.raise_for_status()
        return str((await response.json())["access_token"])


async def _start_feed(ws: aiohttp.ClientWebSocketResponse, mode: str) -> None:
    await ws.send_str('{"protocol":"json","version":1}' + RS)
    handshake = await ws.receive_str(timeout=10)
    if not handshake.startswith("{}" + RS):
        raise RuntimeError(f"handshake failed: {handshake!r}")
    if mode == "stream":
        await ws.send_str('{"type":4,"invocationId":"s1","target":"StreamTicks","arguments":[]}' + RS)
        return
    calls = [
        f'{{"type":1,"invocationId":"{i}","target":"SubscribeToTicks","arguments":["{spec.name}"]}}{RS}'
        for i, spec in enumerate(SYMBOLS)
    ]
    await ws.send_str("".join(calls))


async def measure(url: str, mode: str, seconds: float, warmup: float) -> BenchResult:
    """Connect to a running simulator and measure the tick push rate.

    Args:
        url: Simulator base URL.
        mode: ``stream`` (one StreamTicks() for all symbols) or ``subscribe`` (OnTick for each).
        seconds: Length of the measuring window.
        warmup: Seconds to let pass before measuring.

    Returns:
        Counts over the window.
    """
    async with aiohttp.ClientSession() as session:
        token = await _token(session, url)
        hub = f"{url}{HUB_PATH}?tradePlatform={PLATFORM_ID}&access_token={token}"
        async with session.ws_connect(hub, max_msg_size=0, compress=0, autoping=True) as ws:
            await _start_feed(ws, mode)
            loop = asyncio.get_running_loop()
            begin = loop.time() + warmup
            end = begin + seconds
            records = frames = 0
            last_ping = time.monotonic()
            while (now := loop.time()) < end:
                message = await ws.receive(timeout=max(0.1, end - now))
                if message.type != aiohttp.WSMsgType.TEXT:
                    raise RuntimeError(f"hub closed the connection: {message.type!r} {message.data!r}")
                if now >= begin:
                    records += message.data.count(RS)
                    frames += 1
                if time.monotonic() - last_ping > 10:
                    await ws.send_str('{"type":6}' + RS)
                    last_ping = time.monotonic()
            return BenchResult(records, frames, seconds)


async def run(rate: float, mode: str, seconds: float, warmup: float) -> BenchResult:
    """Start a simulator process at ``rate`` ticks/s, measure, stop it.

    Args:
        rate: ``--tick-rate`` of the simulator.
        mode: ``stream`` or ``subscribe``.
        seconds: Measuring window.
        warmup: Warm-up before the window.

    Returns:
        The measurement.
    """
    proc, url = await _spawn(rate)
    try:
        return await measure(url, mode, seconds, warmup)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point: print the measured push rate.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Exit code.
    """
    parser = argparse.ArgumentParser(prog="python -m desktop.simulator.tools.bench", description=__doc__)
    parser.add_argument("--rate", type=float, default=100_000.0, help="simulator tick rate (default 100000)")
    parser.add_argument("--mode", choices=("stream", "subscribe"), default="stream")
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring window (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up before measuring (default 1)")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.rate, args.mode, args.seconds, args.warmup))
    per_frame = result.records / max(result.frames, 1)
    sys.stdout.write(
        f"push rate: {result.rate:,.0f} ticks/s to one client ({args.mode}; tick rate {args.rate:,.0f}/s; "
        f"{result.frames / result.seconds:,.0f} frames/s, {per_frame:,.1f} records/frame)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
