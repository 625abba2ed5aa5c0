"""The legacy ``/hubs/mt4/v1`` hub at the wire level: Connect, Ping, tick subscriptions, ``onTick``."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator.hub_helpers import V1_TICK_FIELDS, auth, check_payload, completion_of, invoke, open_hub
from tests.simulator.sim_helpers import RawHub, run

pytestmark = pytest.mark.integration
V1 = "/hubs/mt4/v1"


async def _v1(session: aiohttp.ClientSession, url: str, token: str) -> RawHub:
    return await open_hub(session, url, token, V1, platform=None)


def _on_tick(message: dict[str, Any]) -> bool:
    return message.get("target") == "onTick"


def test_connect_ping_and_no_status_push(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _v1(session, sim.url, token)
            await hub.send(invoke("1", "Connect", PLATFORM_ID.upper()), invoke("2", "ping", "{" + PLATFORM_ID + "}"))
            assert await hub.next() == {"type": 3, "invocationId": "1", "result": True}
            assert await hub.next() == {"type": 3, "invocationId": "2", "result": True}
            await hub.ws.close()

    run(body)


def test_on_tick_carries_platform_and_pascal_case_tick(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _v1(session, sim.url, token)
            await hub.send(invoke("1", "SubscribeToTicks", PLATFORM_ID, "EURUSD"))
            assert await hub.next() == {"type": 3, "invocationId": "1"}
            for _ in range(3):
                message = await hub.until(_on_tick)
                platform, tick = message["arguments"]
                assert platform == PLATFORM_ID
                check_payload(tick, V1_TICK_FIELDS)
                assert tick["Symbol"] == "EURUSD"
                assert tick["Ask"] > tick["Bid"] > 0
            await hub.send(invoke("2", "UnsubscribeFromTicks", PLATFORM_ID, "EURUSD"))
            await hub.until(completion_of("2"))
            end = time.monotonic() + 0.3
            while (left := end - time.monotonic()) > 0:
                try:
                    message = await hub.next(seconds=left)
                except TimeoutError:
                    break
                assert not _on_tick(message), "no onTick after unsubscribing"
            await hub.ws.close()

    run(body)


@pytest.mark.parametrize(
    ("message", "fragment"),
    [
        (invoke("1", "Connect", "not-a-guid"), "Error binding arguments"),
        (invoke("1", "Connect", "00000000-0000-0000-0000-000000000001"), "HubException: Unknown trade platform"),
        (invoke("1", "SubscribeToTicks", PLATFORM_ID), "argument(s)"),
        (invoke("1", "SubscribeToTicks", PLATFORM_ID, "NOPE"), "Unknown symbol 'NOPE'"),
        (invoke("1", "StreamTicks"), "Method does not exist"),
        (invoke("1", "Ping", 42), "Error binding arguments"),
    ],
)
def test_v1_errors(sim: SimulatorThread, token: str, message: dict[str, Any], fragment: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _v1(session, sim.url, token)
            await hub.send(message)
            completion = await hub.until(completion_of("1"))
            assert fragment in completion["error"]
            await hub.ws.close()

    run(body)


def test_v1_negotiates_and_needs_a_token(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{sim.url}{V1}/negotiate?negotiateVersion=1", headers=auth(token)) as response:
                negotiated = await response.json()
            assert negotiated["negotiateVersion"] == 1
            ws = await session.ws_connect(f"{sim.url}{V1}?id={negotiated['connectionToken']}", headers=auth(token))
            hub = RawHub(ws)
            assert await hub.handshake() == [{}]
            await hub.send(invoke("1", "Connect", PLATFORM_ID))
            assert (await hub.next())["result"] is True
            assert sim.control.hub.connections[negotiated["connectionId"]].path == V1
            await ws.close()
            async with session.post(f"{sim.url}{V1}/negotiate") as response:
                assert response.status == 401

    run(body)


def test_pump_down_makes_connect_false(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _v1(session, sim.url, token)
            sim.call(sim.control.hub.set_pump_connected, False, "MT4")
            try:
                await hub.send(invoke("1", "Connect", PLATFORM_ID))
                assert await hub.next() == {"type": 3, "invocationId": "1", "result": False}
            finally:
                sim.call(sim.control.hub.set_pump_connected, True)
            await hub.ws.close()

    run(body)
