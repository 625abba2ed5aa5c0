"""The reference: a bare pysignalr client that only records ``OnTick`` stamps, in its own process.

``python -m desktop.bench.bare`` reads one JSON line ``{url, token, symbols}`` on stdin,
connects and subscribes, prints ``{"ready": true}``, then reads ``{start, end}`` (epoch
seconds), records every tick's receipt and server stamp, and after ``end`` prints the
window's :class:`~desktop.bench.stats.LatencyFigures` with its CPU seconds, and exits.
Running it as a process of its own lets it take the same stream at the same time as the
app without sharing the app's interpreter lock, and gives each its own CPU figure.

Imports: pysignalr, numpy, desktop.client, desktop.services, desktop.bench and the standard library.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from array import array
from typing import Any

from pysignalr.client import SignalRClient

from desktop.bench.stats import window_figures
from desktop.client.tick_time import parse_tick_time
from desktop.services.tasks import TaskOwner


class BareCounter:
    """Subscribes ``symbols`` on the hub and notes the receipt and stamp of every tick, nothing more."""

    def __init__(self, url: str, token: str, symbols: list[str]) -> None:
        self.received = array("d")
        self.stamps = array("d")
        self._symbols = symbols
        self._client = SignalRClient(url, headers={"Authorization": f"Bearer {token}"})
        self._client._headers = {}
        self._client.on("OnTick", self._on_tick)
        self._client.on("OnConnectionStatus", self._on_status)
        self._client.on_open(self._on_open)
        self._opened = asyncio.Event()

    async def _on_open(self) -> None:
        for symbol in self._symbols:
            await self._client.send("SubscribeToTicks", [symbol])  # type: ignore[list-item]
        self._opened.set()

    async def _on_status(self, args: list[Any]) -> None:
        """The hub's greeting; nothing to count."""

    async def _on_tick(self, args: list[Any]) -> None:
        now = time.time()
        for payload in args:
            self.received.append(now)
            self.stamps.append(parse_tick_time(payload.get("lastTime")))

    async def serve(self, lines: asyncio.StreamReader) -> dict[str, Any]:
        """Connect, say ready, measure the window read from ``lines``; return the figures."""
        tasks = TaskOwner()
        tasks.spawn("bench-bare-client", self._client.run())
        try:
            await asyncio.wait_for(self._opened.wait(), 15)
            _say({"ready": True})
            window = json.loads(await lines.readline())
            start, end = float(window["start"]), float(window["end"])
            await asyncio.sleep(max(0.0, start - time.time()))
            cpu = time.process_time()
            await asyncio.sleep(max(0.0, end - time.time()))
            cpu = time.process_time() - cpu
        finally:
            await tasks.aclose()
            websocket = getattr(self._client._transport, "_ws", None)
            if websocket is not None:  # pysignalr leaves it open when run() is cancelled
                await websocket.close()
        figures = window_figures(self.received, self.stamps, start, end).as_json()
        return {**figures, "cpu_s": cpu}


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def _main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    setup = json.loads(await reader.readline())
    counter = BareCounter(setup["url"], setup["token"], list(setup["symbols"]))
    _say(await counter.serve(reader))


if __name__ == "__main__":
    asyncio.run(_main())
