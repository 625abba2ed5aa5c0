"""Two running simulators with the same seed serve the same accounts and the same first ticks."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from desktop.simulator import RunningSimulator, SimConfig, start
from tests.simulator.sim_helpers import HUB, V2, RawHub, run

pytestmark = pytest.mark.integration


async def _get(session: aiohttp.ClientSession, sim: RunningSimulator, action: str) -> Any:
    headers = {"Authorization": f"Bearer {sim.control.mint_token()}"}
    async with session.get(f"{sim.url}{V2}/{action}", headers=headers) as response:
        data = (await response.json())["data"]
    for item in data:
        item.pop("updated", None)  # MarginLevel.updated is the time of the read
    return data


async def _first_ticks(session: aiohttp.ClientSession, sim: RunningSimulator, count: int) -> list[Any]:
    ws = await session.ws_connect(f"{sim.url}{HUB}&access_token={sim.control.mint_token()}")
    hub = RawHub(ws)
    await hub.handshake()
    await hub.send({"type": 4, "invocationId": "s", "target": "StreamTicks", "arguments": []})
    for _ in sim.control.feed.symbols:  # the snapshot of current quotes comes first
        await hub.until(lambda m: m.get("type") == 2)
    sim.control.advance(count)
    items = [(await hub.until(lambda m: m.get("type") == 2))["item"] for _ in range(count)]
    await ws.close()
    return [(item["symbol"], item["bid"], item["ask"]) for item in items]


def test_same_seed_same_accounts_margins_and_ticks() -> None:
    async def body() -> None:
        config = SimConfig(seed=11, tick_rate=0)
        one, two = await start(config), await start(config)
        try:
            async with aiohttp.ClientSession() as session:
                for action in ("UsersRequest", "MarginsGet", "CfgRequestSymbol"):
                    assert await _get(session, one, action) == await _get(session, two, action), action
                assert await _first_ticks(session, one, 300) == await _first_ticks(session, two, 300)
                other = await start(config.replace(seed=12))
                try:
                    assert await _get(session, other, "UsersRequest") != await _get(session, one, "UsersRequest")
                finally:
                    await other.aclose()
        finally:
            await one.aclose()
            await two.aclose()

    run(body)
