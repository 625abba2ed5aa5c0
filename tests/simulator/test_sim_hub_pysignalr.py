"""The hub with pysignalr 1.3.3, the app's SignalR client (negotiate v0 path)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from pysignalr.client import SignalRClient
from pysignalr.messages import CancelInvocationMessage, CompletionMessage

from desktop.simulator import SimulatorThread
from tests.simulator.sim_helpers import HUB, run, wait_for

pytestmark = pytest.mark.integration


class _Recorder:
    """Collects what the hub pushes to a pysignalr client."""

    def __init__(self, client: SignalRClient) -> None:
        self.statuses: list[Any] = []
        self.ticks: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.errors: asyncio.Queue[CompletionMessage] = asyncio.Queue()
        # pysignalr routes error Completions to the global error callback, not to on_invocation.
        client.on_error(self.on_error)
        client.on("OnConnectionStatus", self.on_status)
        client.on("OnTick", self.on_tick)

    async def on_status(self, args: list[Any]) -> None:
        self.statuses.append(args[0])

    async def on_tick(self, args: list[Any]) -> None:
        self.ticks.append(args[0])

    async def on_item(self, item: Any) -> None:
        self.items.append(item)

    async def on_error(self, message: CompletionMessage) -> None:
        await self.errors.put(message)


async def _invoke(client: SignalRClient, method: str, *args: Any) -> CompletionMessage:
    future: asyncio.Future[CompletionMessage] = asyncio.get_running_loop().create_future()

    async def done(message: CompletionMessage) -> None:
        if not future.done():
            future.set_result(message)

    await client.send(method, list(args), on_invocation=done)
    return await asyncio.wait_for(future, 10)


async def _stop(client: SignalRClient, task: asyncio.Task[None]) -> None:
    """Cancel ``run()`` (pysignalr has no stop) and let its connection close.

    Cancelling leaves the websockets connection inside pysignalr's reconnecting async
    generator; it is closed only when that generator is finalised, so give the loop a turn
    and close a connection that is still open.
    """
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.05)
    ws = client._transport._ws
    if ws is not None:
        await ws.close()


async def _subscribe_and_fail(client: SignalRClient, seen: _Recorder) -> None:
    await wait_for(lambda: bool(seen.statuses))
    assert seen.statuses == [{"connected": True}]
    completion = await _invoke(client, "SubscribeToTicks", "EURUSD")
    assert completion.error is None
    await wait_for(lambda: len(seen.ticks) >= 3)
    assert {t["symbol"] for t in seen.ticks} == {"EURUSD"}
    await client.send("SubscribeToTicks", ["NOPE"], on_invocation=seen.on_error)
    failed = await asyncio.wait_for(seen.errors.get(), 10)
    assert "Unknown symbol 'NOPE'" in str(failed.error)


async def _stream_and_cancel(client: SignalRClient, seen: _Recorder) -> None:
    await client.stream("StreamTicks", ["GBPUSD"], on_next=seen.on_item)
    await wait_for(lambda: len(seen.items) >= 3)
    assert {i["symbol"] for i in seen.items} == {"GBPUSD"}
    [stream_id] = list(client._stream_handlers)  # pysignalr has no public cancel; send the message itself
    await client._transport.send(CancelInvocationMessage(stream_id))
    assert (await _invoke(client, "UnsubscribeFromTicks", "EURUSD")).error is None
    count = len(seen.items)
    await asyncio.sleep(0.3)
    assert len(seen.items) == count


def test_pysignalr_subscribe_stream_and_cancel(sim: SimulatorThread, token: str) -> None:
    negotiations_before = sim.control.hub.negotiations

    async def body() -> None:
        # pysignalr does not use access_token_factory on negotiate: the header must be there up front.
        client = SignalRClient(sim.url + HUB, headers={"Authorization": f"Bearer {token}"})
        seen = _Recorder(client)
        task = asyncio.create_task(client.run())
        try:
            await _subscribe_and_fail(client, seen)
            await _stream_and_cancel(client, seen)
        finally:
            await _stop(client, task)

    run(body)
    assert sim.control.hub.negotiations == negotiations_before + 1
    negotiate = sim.control.requests.matching("/negotiate")[-1]
    assert "negotiateVersion" not in negotiate.query
