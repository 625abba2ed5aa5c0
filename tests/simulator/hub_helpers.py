"""Helpers of the hub tests: the contract's payload field sets (§3.2, §3.3) and raw connections."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import httpx

from desktop.simulator import PLATFORM_ID
from desktop.simulator.hubs.margin_monitor import mt5_money
from desktop.simulator.world.mt5.platform import mt5_group
from tests.simulator.sim_helpers import V2, RawHub

#: Exact field sets and JSON types of the stream payloads (webapi-contract.md §3.2/§3.3).
NUMBER = (int, float)
TICK_FIELDS = {"symbol": str, "bid": NUMBER, "ask": NUMBER, "lastTime": str}
MARGIN_FIELDS = {
    "login": int, "group": str, "leverage": int, "updated": int, "balance": NUMBER, "equity": NUMBER,
    "volumeLots": NUMBER, "margin": NUMBER, "free": NUMBER, "level": NUMBER, "controllingType": int, "levelType": int,
}  # fmt: skip
TRADE_FIELDS = {
    "kind": str, "order": int, "login": int, "symbol": str, "cmd": int, "volumeLots": NUMBER, "openPrice": NUMBER,
    "openTime": str, "sl": NUMBER, "tp": NUMBER, "closePrice": NUMBER, "closeTime": str, "commission": NUMBER,
    "storage": NUMBER, "profit": NUMBER, "taxes": NUMBER, "comment": str,
}  # fmt: skip
USER_FIELDS = {
    "kind": str, "login": int, "group": str, "name": str, "country": str, "leverage": int, "balance": NUMBER,
    "credit": NUMBER, "enabled": bool, "readOnly": bool, "regDate": str, "lastDate": str, "email": str,
    "phone": str, "comment": str,
}  # fmt: skip
SYMBOL_FIELDS = {
    "kind": str, "symbol": str, "description": str, "currency": str, "digits": int, "tradeMode": int, "spread": int,
    "stopsLevel": int, "freezeLevel": int, "contractSize": NUMBER, "tickValue": NUMBER, "tickSize": NUMBER,
    "marginInitial": NUMBER, "marginMaintenance": NUMBER,
}  # fmt: skip
MT5_MARGIN_FIELDS = {"login": int, "type": str, "direction": str}
V1_TICK_FIELDS = {"Symbol": str, "Bid": NUMBER, "Ask": NUMBER}
KINDS = {"Added", "Updated", "Deleted"}


def check_payload(item: dict[str, Any], fields: dict[str, Any]) -> None:
    """Assert ``item`` has exactly the contract's fields, each of the contract's JSON type."""
    extra, missing = set(item) - set(fields), set(fields) - set(item)
    assert (extra, missing) == (set(), set()), f"fields differ: extra {extra}, missing {missing}"
    for name, kind in fields.items():
        value = item[name]
        assert isinstance(value, kind), f"{name}={value!r} is not {kind}"
        if kind is int or kind is NUMBER:
            assert not isinstance(value, bool), f"{name} is a bool"
    if "kind" in fields:
        assert item["kind"] in KINDS
    for name in ("openTime", "closeTime", "regDate", "lastDate", "lastTime"):
        if name in item:
            assert item[name].endswith("Z"), f"{name} is not UTC: {item[name]}"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def open_hub(
    session: aiohttp.ClientSession, url: str, token: str, path: str = "/hubs/mt4/v2", platform: str | None = PLATFORM_ID
) -> RawHub:
    """Open a WebSocket to a hub (skipNegotiation) and complete the handshake."""
    query = "" if platform is None else f"?tradePlatform={platform}"
    hub = RawHub(await session.ws_connect(f"{url}{path}{query}", headers=auth(token)))
    assert await hub.handshake() == [{}]
    return hub


async def ready_v2(
    session: aiohttp.ClientSession, url: str, token: str, path: str = "/hubs/mt4/v2", platform: str = PLATFORM_ID
) -> RawHub:
    """Open a v2 hub connection and take its ``OnConnectionStatus``."""
    hub = await open_hub(session, url, token, path, platform)
    assert await hub.next() == {"type": 1, "target": "OnConnectionStatus", "arguments": [{"connected": True}]}
    return hub


def stream(invocation_id: str, target: str, *arguments: Any) -> dict[str, Any]:
    return {"type": 4, "invocationId": invocation_id, "target": target, "arguments": list(arguments)}


def invoke(invocation_id: str, target: str, *arguments: Any) -> dict[str, Any]:
    return {"type": 1, "invocationId": invocation_id, "target": target, "arguments": list(arguments)}


def item_of(invocation_id: str) -> Any:
    return lambda m: m.get("type") == 2 and m.get("invocationId") == invocation_id


def completion_of(invocation_id: str) -> Any:
    return lambda m: m.get("type") == 3 and m.get("invocationId") == invocation_id


def deposit_body(login: int, amount: float, comment: str = "hub test") -> dict[str, Any]:
    """A v2 ``TradeTransaction`` BrBalance deposit."""
    return {
        "tradeTransactionType": "BrBalance",
        "tradeCommand": "Balance",
        "orderBy": login,
        "price": amount,
        "comment": comment,
    }


def mt5_platform(sim: Any) -> str:
    """The simulator's MT5 platform GUID (as registered with the hubs)."""
    [platform] = sim.control.hub.platforms.ids("MT5")
    return str(platform)


def open_market(http: httpx.Client, login: int, symbol: str = "BTCUSD", volume: int = 1) -> int:
    """Open a market buy over REST (v2 ``TradeTransaction`` OpenMarket); return its ticket.

    The default symbol is a crypto CFD: market execution (no price needed) and traded every
    day, so the test does not depend on the weekday.
    """
    body = {
        "tradeTransactionType": "OpenMarket",
        "tradeCommand": "Buy",
        "orderBy": login,
        "symbol": symbol,
        "volume": volume,
        "comment": "hub test",
    }
    answer = http.post(f"{V2}/TradeTransaction", json=body).json()
    assert answer["error"] is None, answer
    return int(answer["data"]["order"])


def push_mt5_account_into_margin_call(sim: Any) -> int:
    """Fund a real MT5 account with positions to sit halfway between margin call and stop out, scan; return it."""

    def act() -> int:
        control = sim.control
        control.hub.monitor.scan()
        for login, user in control.mt5.users.items():
            group = mt5_group(user.group)
            equity, margin = mt5_money(control.feed, control.mt5, login)
            if group is None or group.demo or margin <= 0 or equity / margin * 100 <= group.margin_call:
                continue
            target = margin * (group.margin_call + group.stop_out) / 2 / 100
            user.balance_cents += round((target - equity) * 100)
            assert login in control.hub.monitor.scan()
            return int(login)
        raise AssertionError("no MT5 account to push into margin call")

    return int(sim.call(act))


def transports_seen(sim: Any) -> set[str]:
    """Name the transports the simulator's logged hub requests used (WebSockets, ServerSentEvents, LongPolling).

    A WebSocket or event stream is logged when it has ended.
    """
    seen: set[str] = set()
    for entry in sim.control.requests.matching("/hubs/"):
        if entry.path.lower().endswith("/negotiate"):
            continue
        headers = {name.lower(): value for name, value in entry.headers.items()}
        if "upgrade" in headers:
            seen.add("WebSockets")
        elif "text/event-stream" in headers.get("accept", ""):
            seen.add("ServerSentEvents")
        elif entry.method == "GET":
            seen.add("LongPolling")
    return seen


def wait_for_transport(sim: Any, transport: str, seconds: float = 10.0) -> None:
    """Wait until a logged hub request used ``transport``."""
    deadline = time.monotonic() + seconds
    while transport not in transports_seen(sim):
        assert time.monotonic() < deadline, f"no hub request used {transport}: {transports_seen(sim)}"
        time.sleep(0.05)
