"""The simulator against the golden wire examples in tests/fixtures/wire (shared with the client tests)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aiohttp
import httpx
import pytest

from desktop.simulator import SimConfig, SimulatorThread, start
from tests.simulator.sim_helpers import HUB, V2, WIRE_DIR, RawHub, run

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]


def _golden(name: str) -> Any:
    return json.loads((WIRE_DIR / name).read_text())


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _same_shape(mine: dict[str, Any], golden: dict[str, Any]) -> None:
    assert list(mine) == list(golden)
    for key, value in golden.items():
        if value is not None:
            assert _kind(mine[key]) == _kind(value), key


@pytest.mark.parametrize(("fixture", "action"), [("mt4_user.json", "UserRecordGet/100001"),
                                                  ("mt4_margin_level.json", "MarginLevelGet/100001")])  # fmt: skip
def test_dtos_match_the_shared_fixtures(sim: SimulatorThread, http: httpx.Client, fixture: str, action: str) -> None:
    _same_shape(http.get(f"{V2}/{action}").json()["data"], _golden(fixture))


def test_users_page_is_the_golden_one(validate_v2: Validate) -> None:
    golden = _golden("v2_users_page_seed1.json")
    validate_v2("GET", "UsersRequest", golden)
    with SimulatorThread(SimConfig(seed=1, tick_rate=0)) as sim:
        headers = {"Authorization": f"Bearer {sim.control.mint_token()}"}
        mine = httpx.get(f"{sim.url}{V2}/UsersRequest", params={"limit": 2}, headers=headers).json()
    mine["meta"]["activityId"] = golden["meta"]["activityId"]
    assert mine == golden


def test_trade_no_money_envelope(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    golden = _golden("v2_error_trade_no_money.json")
    validate_v2("POST", "TradeTransaction", golden)
    body = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": 100001, "price": -1e9}
    mine = http.post(f"{V2}/TradeTransaction", json=body).json()
    assert list(mine) == list(golden)
    assert {k: v for k, v in mine["error"].items() if k != "message"} == {
        k: v for k, v in golden["error"].items() if k != "message"
    }
    assert list(mine["meta"]) == list(golden["meta"])


def test_on_tick_record_matches_the_golden_one() -> None:
    golden = _golden("hub_on_tick.json")

    async def body() -> None:
        running = await start(SimConfig(tick_rate=0))
        try:
            async with aiohttp.ClientSession() as session:
                token = running.control.mint_token()
                ws = await session.ws_connect(f"{running.url}{HUB}&access_token={token}")
                hub = RawHub(ws)
                await hub.handshake()
                await hub.send({"type": 1, "target": "SubscribeToTicks", "arguments": ["EURUSD"]})
                tick = await hub.until(lambda m: m.get("target") == "OnTick")
                assert list(tick) == list(golden)
                _same_shape(tick["arguments"][0], golden["arguments"][0])
                await ws.close()
        finally:
            await running.aclose()

    run(body)
