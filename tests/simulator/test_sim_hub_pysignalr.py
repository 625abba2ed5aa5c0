"""The hub with pysignalr 1.3.3, the app's SignalR client (negotiate v0 path)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from pysignalr.client import SignalRClient
from pysignalr.messages import CancelInvocationMessage, CompletionMessage

from desktop.simulator import SimulatorThread
from tests.simulator.hub_helpers import TRADE_FIELDS, USER_FIELDS, check_payload, deposit_body
from tests.simulator.sim_helpers import HUB, V2, run, wait_for

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


async def _rest(sim: SimulatorThread, token: str, body: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=sim.url, headers={"Authorization": f"Bearer {token}"}) as rest:
        answer: dict[str, Any] = (await rest.post(f"{V2}/TradeTransaction", json=body)).json()
    assert answer["error"] is None, answer
    return answer


async def _with_stream(sim: SimulatorThread, token: str, stream: str, act: Any) -> list[dict[str, Any]]:
    """Open ``stream`` with pysignalr, run ``act()`` once it is open, return the items after it."""
    client = SignalRClient(sim.url + HUB, headers={"Authorization": f"Bearer {token}"})
    seen = _Recorder(client)
    task = asyncio.create_task(client.run())
    try:
        await wait_for(lambda: bool(seen.statuses))
        await client.stream(stream, [], on_next=seen.on_item)
        assert (await _invoke(client, "SubscribeToTicks", "EURUSD")).error is None  # the stream is open now
        await act()
        await wait_for(lambda: bool(seen.items))
        return seen.items
    finally:
        await _stop(client, task)


def test_pysignalr_user_updates_on_rest_deposit(sim: SimulatorThread, token: str) -> None:
    before = sim.control.accounts[100002].balance_cents

    async def body() -> list[dict[str, Any]]:
        return await _with_stream(sim, token, "StreamUserUpdates", lambda: _rest(sim, token, deposit_body(100002, 75)))

    [item] = run(body)
    check_payload(item, USER_FIELDS)
    assert (item["kind"], item["login"], item["balance"]) == ("Updated", 100002, (before + 7500) / 100)


def test_pysignalr_trades_on_open_market(sim: SimulatorThread, token: str) -> None:
    opened: list[int] = []

    async def open_trade() -> None:
        # A crypto CFD: market execution and traded every day, whatever the weekday of the test run.
        body = {"tradeTransactionType": "OpenMarket", "tradeCommand": "Sell", "orderBy": 100003,
                "symbol": "BTCUSD", "volume": 2}  # fmt: skip
        opened.append(int((await _rest(sim, token, body))["data"]["order"]))

    async def body() -> list[dict[str, Any]]:
        return await _with_stream(sim, token, "StreamTrades", open_trade)

    items = run(body)
    added = [item for item in items if item["order"] == opened[0]]
    assert added, items
    check_payload(added[0], TRADE_FIELDS)
    assert (added[0]["kind"], added[0]["login"], added[0]["symbol"]) == ("Added", 100003, "BTCUSD")
    assert (added[0]["cmd"], added[0]["volumeLots"]) == (1, 0.02)
    assert added[0]["openPrice"] > 0
    assert added[0]["closeTime"] == "1970-01-01T00:00:00Z"
