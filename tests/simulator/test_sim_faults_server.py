"""Hub and server faults in-process: drop, Close with an error, server restart."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import httpx
import pytest

from desktop.simulator import SimulatorThread
from tests.simulator.sim_helpers import HUB, V2, RawHub, run, wait_for

pytestmark = pytest.mark.integration


async def connect(session: aiohttp.ClientSession, sim: SimulatorThread, token: str) -> RawHub:
    ws = await session.ws_connect(f"{sim.url}{HUB}", headers={"Authorization": f"Bearer {token}"})
    hub = RawHub(ws)
    assert await hub.handshake() == [{}]
    await hub.until(lambda m: m.get("target") == "OnConnectionStatus")
    return hub


async def on_sim(sim: SimulatorThread, coro: Any) -> Any:
    return await asyncio.wrap_future(sim.submit(coro))


@pytest.mark.parametrize("allow", [True, False])
def test_close_with_an_error(sim: SimulatorThread, token: str, allow: bool) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await connect(session, sim, token)
            assert await on_sim(sim, sim.control.faults.close_hub("Maintenance", allow)) >= 1
            close = await hub.until(lambda m: m["type"] == 7)
            assert close == {"type": 7, "error": "Maintenance", "allowReconnect": allow}
            await wait_for(lambda: not sim.control.hub.connections)

    run(body)


@pytest.mark.parametrize("abort", [True, False])
def test_drop_every_hub_connection(sim: SimulatorThread, token: str, abort: bool) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hubs = [await connect(session, sim, token) for _ in range(2)]
            assert await on_sim(sim, sim.control.faults.drop_hub(abort=abort)) == 2
            for hub in hubs:
                with pytest.raises(ConnectionError):
                    await hub.until(lambda _m: False, seconds=5)
            await wait_for(lambda: not sim.control.hub.connections)

    run(body)


def _probe(url: str) -> str:
    try:
        with httpx.Client(timeout=2) as fresh:
            return str(fresh.get(f"{url}/.well-known/openid-configuration").status_code)
    except httpx.ConnectError:
        return "refused"
    except (httpx.ReadError, httpx.RemoteProtocolError):  # caught in flight: the restart drops every connection
        return "reset"


def test_server_restart_keeps_state_and_drops_connections(sim: SimulatorThread, http: httpx.Client, token: str) -> None:
    login = 100007
    deposit = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": login, "price": 25}
    assert http.post(f"{V2}/TradeTransaction", json=deposit).json()["error"] is None
    balance = sim.control.accounts[login].balance_cents

    async def body() -> list[str]:
        async with aiohttp.ClientSession() as session:
            hub = await connect(session, sim, token)
            restart = sim.submit(sim.control.faults.restart_server(0.6, 0.6))
            with pytest.raises(ConnectionError):
                await hub.until(lambda _m: False, seconds=5)
            seen: list[str] = []
            deadline = time.monotonic() + 10
            while not restart.done() and time.monotonic() < deadline:
                seen.append(await asyncio.to_thread(_probe, sim.url))
                await asyncio.sleep(0.05)
            restart.result(1)
            return seen

    seen = run(body)
    assert "refused" in seen
    assert "503" in seen
    assert seen.index("refused") < seen.index("503")
    assert _probe(sim.url) == "200"
    assert sim.control.faults.restarts >= 1
    record = http.get(f"{V2}/UserRecordGet/{login}").json()
    assert record["data"]["balance"] * 100 == pytest.approx(balance)
