"""The server configuration operations act on the simulated server's state: a change shows everywhere."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import httpx
import pytest

from desktop.simulator import MT5_PLATFORM_ID, SimulatorThread
from desktop.simulator.config import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET
from tests.simulator.hub_helpers import SYMBOL_FIELDS, check_payload, completion_of, invoke, item_of, ready_v2, stream
from tests.simulator.sim_helpers import V2, run

pytestmark = pytest.mark.integration
GROUP = "real\\usd-std"
LOGIN = 100001


def data(response: httpx.Response) -> Any:
    body = response.raise_for_status().json()
    assert body["error"] is None, body["error"]
    return body["data"]


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.raise_for_status().json()
    assert body["data"] in (None, False)
    assert body["error"] is not None
    return dict(body["error"])


@pytest.fixture(scope="module")
def admin_http(sim_thread: SimulatorThread) -> Iterator[httpx.Client]:
    form = {"grant_type": "client_credentials", "client_id": ADMIN_CLIENT_ID, "client_secret": ADMIN_CLIENT_SECRET}
    token = httpx.post(f"{sim_thread.url}/connect/token", data=form).raise_for_status().json()["access_token"]
    with httpx.Client(base_url=sim_thread.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        yield client


def test_a_spread_set_by_cfg_update_symbol_shows_in_every_read(sim: SimulatorThread, http: httpx.Client) -> None:
    record = data(http.get(f"{V2}/CfgRequestSymbol/EURUSD"))
    record.update(spread=40, swapType="Interest")
    for key in ("symbol", "count", "countOriginal", "filterCounter"):
        record.pop(key)
    changed = data(http.post(f"{V2}/CfgUpdateSymbol/EURUSD", json=record))
    assert (changed["spread"], changed["swapType"]) == (40, "Interest")
    assert data(http.get(f"{V2}/CfgRequestSymbol/EURUSD"))["swapType"] == "Interest"
    listed = next(s for s in data(http.get(f"{V2}/CfgRequestSymbol")) if s["symbol"] == "EURUSD")
    assert listed["spread"] == 40
    info = data(http.get(f"{V2}/SymbolInfoGet", params={"symbol": "EURUSD"}))
    assert info["spread"] == 40
    assert round((info["ask"] - info["bid"]) * 10 ** info["digits"]) == 40
    tick = data(http.get(f"{V2}/TickInfoLast/EURUSD"))
    assert round((tick["ask"] - tick["bid"]) * 10**5) == 40


def test_a_symbol_change_reaches_the_symbol_stream(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession() as session, httpx.AsyncClient(base_url=sim.url, headers=headers) as api:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(stream("s", "StreamSymbolUpdates"), invoke("sync", "SubscribeToTicks", "EURUSD"))
            await hub.until(completion_of("sync"))
            change = {"symbol": "GBPUSD", "spread": 33, "stopsLevel": 45, "exeMode": "Market"}
            assert data(await api.post(f"{V2}/SymbolChange", json=change)) is True
            item = (await hub.until(item_of("s")))["item"]
            check_payload(item, SYMBOL_FIELDS)
            assert (item["kind"], item["symbol"], item["spread"], item["stopsLevel"]) == ("Updated", "GBPUSD", 33, 45)
            await hub.ws.close()

    run(body)


def test_a_patched_contract_moves_the_margin(sim: SimulatorThread, http: httpx.Client) -> None:
    before = data(http.get(f"{V2}/MarginLevelGet/{LOGIN}"))
    positions = list(sim.control.book.accounts[LOGIN].positions)
    assert positions, "seed 1 gives login 100001 open positions"
    symbol = sim.control.feed.symbols[positions[0].symbol]
    config = data(http.get(f"{V2}/CfgRequestSymbol/{symbol.name}"))
    patched = data(http.patch(f"{V2}/SymbolConfig/{symbol.name}", json={"contractSize": config["contractSize"] * 2}))
    assert patched["contractSize"] == config["contractSize"] * 2
    after = data(http.get(f"{V2}/MarginLevelGet/{LOGIN}"))
    assert after["margin"] > before["margin"]


def test_a_group_change_shows_in_group_reads_and_drives_the_margin_level(
    sim: SimulatorThread, http: httpx.Client
) -> None:
    group = data(http.get(f"{V2}/GroupRecordGet/{GROUP}"))
    update = {key: value for key, value in group.items() if key not in ("group", "secMarginsTotal")}
    update.update(defaultLeverage=400, marginCall=1000, marginStopout=10)
    assert data(http.post(f"{V2}/GroupRecordUpdate/{GROUP}", json=update))["defaultLeverage"] == 400
    assert data(http.get(f"{V2}/GroupRecordGet/{GROUP}"))["marginCall"] == 1000
    assert next(g for g in data(http.get(f"{V2}/GroupsGet")) if g["group"] == GROUP)["defaultLeverage"] == 400
    assert next(g for g in data(http.get(f"{V2}/GroupsRequest")) if g["group"] == GROUP)["marginStopout"] == 10
    logins = [a.login for a in sim.control.book.accounts.values() if a.group == GROUP and a.positions]
    level = data(http.get(f"{V2}/MarginLevelGet/{logins[0]}"))
    assert level["levelType"] == "MarginCall"  # every account with a position is below 1000 %
    patched = data(http.patch(f"{V2}/GroupRecord/{GROUP}", json={"marginCall": 100, "unknown": 1}))
    assert (patched["marginCall"], patched["defaultLeverage"]) == (100, 400)
    created = data(http.post(f"{V2}/UserRecordNew", json={"login": 0, "group": GROUP, "name": "New Client"}))
    assert created["leverage"] == 400


def test_a_refused_group_change_changes_nothing(sim: SimulatorThread, http: httpx.Client) -> None:
    failure = error(http.patch(f"{V2}/GroupRecord/{GROUP}", json={"marginCall": 40, "marginStopout": 50}))
    assert (failure["code"], failure["managerCode"]) == ("MT4Error", "InvalidData")
    assert data(http.get(f"{V2}/GroupRecordGet/{GROUP}"))["marginCall"] == 100


def test_common_settings_need_the_admin_right(
    sim: SimulatorThread, http: httpx.Client, admin_http: httpx.Client
) -> None:
    failure = error(http.post(f"{V2}/CfgUpdateCommon", json={"name": "Hijacked"}))
    assert (failure["code"], failure["managerCode"]) == ("MT4Error", "NotEnoughRights")
    failure = error(http.post(f"{V2}/CfgUpdateTime", json={"accessHours": [0] * 168}))
    assert failure["managerCode"] == "NotEnoughRights"
    assert data(http.get(f"{V2}/CfgRequestCommon"))["name"] == "DealerDesk-Demo"
    assert set(data(http.get(f"{V2}/CfgRequestTime"))["accessHours"]) == {1}
    changed = data(admin_http.post(f"{V2}/CfgUpdateCommon", json={"name": "Renamed", "timeZone": 2, "build": 1}))
    assert (changed["name"], changed["timeZone"], changed["build"]) == ("Renamed", 2, 1420)
    assert data(http.get(f"{V2}/ManagerCommon"))["name"] == "Renamed"
    hours = [1 if 24 <= hour < 144 else 0 for hour in range(168)]
    assert data(admin_http.post(f"{V2}/CfgUpdateTime", json={"accessHours": hours}))["accessHours"] == hours
    assert data(http.get(f"{V2}/CfgRequestTime"))["accessHours"] == hours
    managers = data(http.get(f"{V2}/CfgRequestManager"))
    assert [(m["login"], m["admin"]) for m in managers] == [(1, False), (2, True)]


def test_a_hidden_symbol_takes_no_order_until_added(sim: SimulatorThread, http: httpx.Client) -> None:
    assert data(http.post(f"{V2}/SymbolHide/BTCUSD")) is True
    order = {"tradeTransactionType": "BrOpen", "tradeCommand": "Buy", "orderBy": LOGIN, "symbol": "BTCUSD",
             "volume": 1, "price": 0}  # fmt: skip
    failure = error(http.post(f"{V2}/TradeTransaction", json=order))
    assert failure["managerCode"] == "TradeDisable"
    assert sim.control.feed.is_stalled(sim.control.feed.resolve("BTCUSD") or 0)
    assert data(http.post(f"{V2}/SymbolAdd/BTCUSD")) is True
    assert not sim.control.feed.is_stalled(sim.control.feed.resolve("BTCUSD") or 0)
    assert data(http.post(f"{V2}/TradeTransaction", json=order))


def test_a_repeated_idempotency_key_changes_the_symbol_once(sim: SimulatorThread, http: httpx.Client) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = http.post(f"{V2}/SymbolChange", json={"symbol": "USDJPY", "spread": 50}, headers=key).json()
    http.post(f"{V2}/SymbolChange", json={"symbol": "USDJPY", "spread": 60}, headers={})
    replay = http.post(f"{V2}/SymbolChange", json={"symbol": "USDJPY", "spread": 50}, headers=key).json()
    assert replay == first
    assert data(http.get(f"{V2}/CfgRequestSymbol/USDJPY"))["spread"] == 60
    reused = error(http.post(f"{V2}/SymbolChange", json={"symbol": "USDJPY", "spread": 70}, headers=key))
    assert reused["code"] == "Validation"


def test_reset_restores_the_configuration(sim: SimulatorThread, http: httpx.Client) -> None:
    data(http.patch(f"{V2}/SymbolConfig/EURUSD", json={"description": "Changed", "spread": 99, "filter": 3}))
    data(http.patch(f"{V2}/GroupRecord/{GROUP}", json={"defaultLeverage": 50}))
    sim.call(sim.control.reset)
    config = data(http.get(f"{V2}/CfgRequestSymbol/EURUSD"))
    assert (config["description"], config["spread"], config["filter"]) == ("Euro vs US Dollar", 12, 0)
    assert data(http.get(f"{V2}/GroupRecordGet/{GROUP}"))["defaultLeverage"] == 100


def test_mt5_patches_show_in_the_mt5_reads(sim: SimulatorThread, http: httpx.Client) -> None:
    mt5 = f"/api/v2/MT5/{MT5_PLATFORM_ID}"
    group = "real\\retail\\usd"
    patched = data(http.patch(f"{mt5}/GroupRecord/{group}", json={"marginCall": 120, "company": "Desk", "group": "x"}))
    assert (patched["group"], patched["marginCall"], patched["company"]) == (group, 120.0, "Desk")
    assert data(http.get(f"{mt5}/GroupGet/{group}"))["marginCall"] == 120.0
    symbol = data(http.patch(f"{mt5}/SymbolRecord/eurusd", json={"tradeMode": "closeonly", "swapLong": -3}))
    assert (symbol["symbol"], symbol["tradeMode"], symbol["swapLong"]) == ("EURUSD", "CloseOnly", -3.0)
    assert data(http.get(f"{mt5}/SymbolGet/EURUSD"))["tradeMode"] == "CloseOnly"
    assert data(http.get(f"{V2}/CfgRequestSymbol/EURUSD"))["tradeMode"] == "Full"  # another platform
    assert data(http.get(f"{mt5}/TimeGet")) == {"timeZone": 0, "timeServer": "pool.ntp.org", "daylight": False,
                                                  "daylightState": 0}  # fmt: skip
    sim.call(sim.control.reset)
    assert data(http.get(f"{mt5}/GroupGet/{group}"))["marginCall"] == 100.0
