"""The hub registry's fault-injection API and how connections end, at the wire level."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import aiohttp
import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator.hub_helpers import completion_of, invoke, open_hub, ready_v2
from tests.simulator.sim_helpers import RawHub, run, wait_for

pytestmark = pytest.mark.integration
STATUS_DOWN = {"type": 1, "target": "OnConnectionStatus", "arguments": [{"connected": False}]}
STATUS_UP = {"type": 1, "target": "OnConnectionStatus", "arguments": [{"connected": True}]}


async def _on_sim(sim: SimulatorThread, coro: Coroutine[Any, Any, Any]) -> Any:
    return await asyncio.wrap_future(sim.submit(coro))


async def _closed(hub: RawHub) -> aiohttp.WSMessage:
    message = await hub.ws.receive(timeout=5)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
    return message


def test_close_connections_with_error(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            closed = await _on_sim(sim, sim.control.hub.close_connections("Maintenance", allow_reconnect=False))
            assert closed >= 1
            close = await hub.until(lambda m: m["type"] == 7)
            assert close == {"type": 7, "error": "Maintenance", "allowReconnect": False}
            assert (await _closed(hub)).data == 1000
            await wait_for(lambda: not sim.control.hub.connections)

    run(body)


def test_drop_connections_is_a_network_cut(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            assert await _on_sim(sim, sim.control.hub.drop_connections()) >= 1
            message = await _closed(hub)
            assert message.type != aiohttp.WSMsgType.TEXT
            assert hub.ws.close_code in (None, 1006), "no close frame from the server"
            await wait_for(lambda: not sim.control.hub.connections)

    run(body)


def test_path_limits_the_action(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            v2 = await ready_v2(session, sim.url, token)
            v1 = await open_hub(session, sim.url, token, "/hubs/mt4/v1", platform=None)
            assert await _on_sim(sim, sim.control.hub.drop_all(True, path="/HUBS/MT4/V1/")) == 1
            assert await v1.until(lambda m: m["type"] == 7) == {"type": 7, "allowReconnect": True}
            await v2.send(invoke("1", "SubscribeToTicks", "EURUSD"))
            assert "error" not in await v2.until(completion_of("1"))
            await v2.ws.close()

    run(body)


def test_pump_status_is_pushed_and_greets_new_connections(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            try:
                assert sim.call(sim.control.hub.set_pump_connected, False) >= 1
                assert await hub.until(lambda m: m.get("type") == 1) == STATUS_DOWN
                late = await open_hub(session, sim.url, token)
                assert await late.next() == STATUS_DOWN
                await late.ws.close()
            finally:
                sim.call(sim.control.hub.set_pump_connected, True)
            assert await hub.until(lambda m: m.get("type") == 1) == STATUS_UP
            await hub.ws.close()

    run(body)


def test_client_close_is_answered_and_ends_the_connection(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send({"type": 7})
            assert await hub.until(lambda m: m["type"] == 7) == {"type": 7}
            assert (await _closed(hub)).data == 1000
            await wait_for(lambda: not sim.control.hub.connections)

    run(body)


def test_invalid_message_closes_with_generic_error(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.ws.send_str('{"target":"x"}\x1e')
            close = await hub.until(lambda m: m["type"] == 7)
            assert close == {"type": 7, "error": "Connection closed with an error.", "allowReconnect": False}

    run(body)


def test_token_of_another_organisation_gets_no_platform(sim: SimulatorThread) -> None:
    foreign = sim.call(lambda: sim.control.mint_token(client_id="other-org"))

    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await open_hub(session, sim.url, foreign)
            close = await hub.until(lambda m: m["type"] == 7)
            assert close["allowReconnect"] is False
            assert "HubException: Forbidden" in close["error"]
            v1 = await open_hub(session, sim.url, foreign, "/hubs/mt4/v1", platform=None)
            await v1.send(invoke("1", "Connect", PLATFORM_ID))
            assert "HubException: Forbidden" in (await v1.until(completion_of("1")))["error"]
            await v1.ws.close()

    run(body)
