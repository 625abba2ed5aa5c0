"""The reference rate: a bare pysignalr client that only counts ``OnTick`` messages.

Imports: pysignalr, desktop.services and the standard library.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from pysignalr.client import SignalRClient

from desktop.services.tasks import TaskOwner


class BareCounter:
    """Subscribes ``symbols`` on the hub and counts every tick it receives, nothing more."""

    def __init__(self, url: str, token: str, symbols: list[str]) -> None:
        self.ticks = 0
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
        self.ticks += len(args)

    async def measure(self, warmup: float, seconds: float) -> float:
        """Connect, wait ``warmup`` s, then return the tick rate over ``seconds`` s."""
        tasks = TaskOwner()
        tasks.spawn("bench-bare-client", self._client.run())
        try:
            await asyncio.wait_for(self._opened.wait(), 15)
            await asyncio.sleep(warmup)
            start_ticks, start = self.ticks, time.perf_counter()
            await asyncio.sleep(seconds)
            return (self.ticks - start_ticks) / (time.perf_counter() - start)
        finally:
            await tasks.aclose()
            websocket = getattr(self._client._transport, "_ws", None)
            if websocket is not None:  # pysignalr leaves it open when run() is cancelled
                await websocket.close()
