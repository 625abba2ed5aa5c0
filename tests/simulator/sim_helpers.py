"""Shared constants and small helpers of the simulator tests (imported as ``sim_helpers``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from desktop.simulator import PLATFORM_ID

REPO = Path(__file__).resolve().parents[2]
JS_DIR = Path(__file__).resolve().parent / "js"
WIRE_DIR = REPO / "tests" / "fixtures" / "wire"
V2 = f"/api/v2/MT4/{PLATFORM_ID}"
HUB = f"/hubs/mt4/v2?tradePlatform={PLATFORM_ID}"
CLIENT_ID = "demo-dealer"
CLIENT_SECRET = "demo-secret"
RS = "\x1e"


async def wait_for(predicate: Callable[[], bool], seconds: float = 10.0, step: float = 0.01) -> None:
    """Poll ``predicate`` on the running loop until it holds."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(step)


class RawHub:
    """A minimal hand-written SignalR JSON client over aiohttp, for protocol-level tests."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[str] = []
        self._pending: list[dict[str, Any]] = []

    async def send(self, *messages: dict[str, Any] | str) -> None:
        import json

        text = "".join(m if isinstance(m, str) else json.dumps(m) + RS for m in messages)
        await self.ws.send_str(text)

    async def handshake(self) -> list[dict[str, Any]]:
        await self.ws.send_str('{"protocol":"json","version":1}' + RS)
        return [await self.next()]

    async def next(self, seconds: float = 10.0) -> dict[str, Any]:
        import json

        while not self._pending:
            message = await self.ws.receive(timeout=seconds)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"not a text frame: {message.type!r}")
            self.frames.append(message.data)
            assert message.data.endswith(RS), "every frame ends with a record separator"
            self._pending.extend(json.loads(part) for part in message.data.split(RS) if part)
        return self._pending.pop(0)

    async def until(self, accept: Callable[[dict[str, Any]], bool], seconds: float = 10.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError("message not received")
            message = await self.next(remaining)
            if accept(message):
                return message


def run(coro_fn: Callable[[], Awaitable[Any]]) -> Any:
    """Run an async test body on a fresh event loop."""
    return asyncio.run(coro_fn())  # type: ignore[arg-type]
