"""The MT4 v2 hub's event streams at the wire level: payload shapes, what triggers them, cancel."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import httpx
import pytest

from desktop.simulator import PLATFORM_ID, SimConfig, SimulatorThread, start
from desktop.simulator.world.events import MarginCallChanged, SymbolChanged, TradeChanged, UserChanged
from tests.simulator.hub_helpers import (
    MARGIN_FIELDS,
    SYMBOL_FIELDS,
    TRADE_FIELDS,
    USER_FIELDS,
    auth,
    check_payload,
    completion_of,
    deposit_body,
    invoke,
    item_of,
    open_market,
    ready_v2,
    stream,
)
from tests.simulator.sim_helpers import V2, run

pytestmark = pytest.mark.integration
LOGIN = 100001
EPOCH = "1970-01-01T00:00:00Z"


async def _deposit(url: str, token: str, login: int, amount: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, headers=auth(token)) as client:
        response = await client.post(f"{V2}/TradeTransaction", json=deposit_body(login, amount))
    body: dict[str, Any] = response.json()
    assert body["error"] is None, body
    return body


async def _quiet(hub: Any, invocation_id: str, seconds: float = 0.3) -> None:
    """Assert nothing arrives for ``invocation_id`` for a while (ticks may)."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = await hub.next(seconds=left)
        except TimeoutError:
            return
        assert message.get("invocationId") != invocation_id, f"unexpected {message}"


def test_user_updates_follow_rest_deposits(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(stream("u", "StreamUserUpdates"))
            before = sim.control.accounts[LOGIN].balance_cents
            await _deposit(sim.url, token, LOGIN, 250.5)
            item = (await hub.until(item_of("u")))["item"]
            check_payload(item, USER_FIELDS)
            assert (item["kind"], item["login"]) == ("Updated", LOGIN)
            assert item["balance"] == (before + 25050) / 100
            account = sim.control.accounts[LOGIN]
            assert (item["group"], item["name"], item["leverage"]) == (account.group, account.name, account.leverage)
            assert item["enabled"] is True
            assert not any("password" in name.lower() or "otp" in name.lower() for name in item)
            await hub.ws.close()

    run(body)


def test_trade_updates_carry_the_trade(sim: SimulatorThread, token: str) -> None:
    account = next(a for a in sim.control.accounts.values() if a.positions)
    position = account.positions[0]

    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(stream("t", "StreamTrades"), invoke("sync", "SubscribeToTicks", "EURUSD"))
            await hub.until(completion_of("sync"))
            sim.call(sim.control.events.publish, TradeChanged("Updated", position.ticket))
            item = (await hub.until(item_of("t")))["item"]
            check_payload(item, TRADE_FIELDS)
            spec = sim.control.feed.symbols[position.symbol]
            assert (item["kind"], item["order"], item["login"]) == ("Updated", position.ticket, account.login)
            assert (item["symbol"], item["cmd"], item["volumeLots"]) == (spec.name, position.cmd, position.volume / 100)
            assert item["openPrice"] == position.open_price
            assert item["closeTime"] == "1970-01-01T00:00:00Z"
            assert item["closePrice"] > 0
            await hub.ws.close()

    run(body)


def test_symbol_updates(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(stream("s", "StreamSymbolUpdates"), invoke("sync", "SubscribeToTicks", "EURUSD"))
            await hub.until(completion_of("sync"))
            sim.call(sim.control.events.publish, SymbolChanged("Updated", "GBPUSD"))
            item = (await hub.until(item_of("s")))["item"]
            check_payload(item, SYMBOL_FIELDS)
            spec = sim.control.feed.symbols[sim.control.feed.resolve("GBPUSD") or 0]
            assert (item["kind"], item["symbol"], item["digits"], item["spread"]) == (
                "Updated",
                "GBPUSD",
                spec.digits,
                spec.spread,
            )
            assert item["tradeMode"] == 2
            await hub.ws.close()

    run(body)


def test_cancelled_stream_gets_nothing_more(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(stream("a", "StreamUserUpdates"), stream("b", "StreamUserUpdates"))
            await _deposit(sim.url, token, LOGIN, 10)
            assert {(await hub.until(lambda m: m.get("type") == 2))["invocationId"] for _ in range(2)} == {"a", "b"}
            await hub.send({"type": 5, "invocationId": "a"}, invoke("sync", "SubscribeToTicks", "EURUSD"))
            await hub.until(completion_of("sync"))
            await _deposit(sim.url, token, LOGIN, 10)
            assert (await hub.until(lambda m: m.get("type") in (2, 3)))["invocationId"] == "b"
            await _quiet(hub, "a")
            await hub.ws.close()

    run(body)


def test_stream_errors(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(invoke("1", "StreamTrades"))
            assert "non-streaming invocation" in (await hub.until(completion_of("1")))["error"]
            await hub.send(stream("2", "StreamTrades", "x"))
            assert "argument(s)" in (await hub.until(completion_of("2")))["error"]
            await hub.send(stream("3", "StreamTrades"), stream("3", "StreamUserUpdates"))
            assert "already in use" in (await hub.until(completion_of("3")))["error"]
            await hub.ws.close()

    run(body)


def _near_margin_call(running: Any, count: int) -> list[int]:
    """Fund ``count`` Ok accounts with positions so they sit 0.5 % above their margin-call level."""
    control, chosen = running.control, []
    for account in control.accounts.values():
        group, state = control.book.group_of(account), control.state_of(account.login)
        if not account.positions or state.level <= group.margin_call or group.demo:
            continue
        target = state.margin * (group.margin_call + 0.5) / 100 - state.credit - state.profit
        if target > 0:
            control.set_balance(account.login, round(target, 2))
            chosen.append(account.login)
        if len(chosen) == count:
            return chosen
    raise AssertionError("not enough accounts")


def test_margin_calls_follow_prices() -> None:
    async def body() -> None:
        running = await start(SimConfig(tick_rate=0, seed=3))
        try:
            token = running.control.mint_token()
            monitor = running.control.hub.monitor
            async with aiohttp.ClientSession() as session:
                hub = await ready_v2(session, running.url, token)
                await hub.send(stream("m", "StreamMarginCallUpdates"), invoke("sync", "SubscribeToTicks", "EURUSD"))
                items: list[dict[str, Any]] = []
                while (message := await hub.next())["type"] != 3:
                    if message["type"] == 2:
                        items.append(message["item"])
                in_call = set(monitor.in_call())
                assert {i["login"] for i in items} == in_call, "the stream starts with the accounts in call"
                assert items, "the seeded book has accounts in margin call"
                watched = set(_near_margin_call(running, 25))
                monitor.scan()
                for _ in range(200):
                    running.control.advance(50)
                    if set(monitor.scan()) & watched:
                        break
                while not any(i["login"] in watched and i["levelType"] >= 1 for i in items):
                    items.append((await hub.until(item_of("m")))["item"])
                for item in items:
                    check_payload(item, MARGIN_FIELDS)
                    assert item["controllingType"] == 0
                crossed = next(i for i in items if i["login"] in watched and i["levelType"] >= 1)
                assert crossed["level"] <= 100.0
                await hub.ws.close()
        finally:
            await running.aclose()

    run(body)


def test_monitor_reports_level_changes_only() -> None:
    async def body() -> None:
        running = await start(SimConfig(tick_rate=0, seed=3))
        try:
            control, monitor = running.control, running.control.hub.monitor
            seen: list[int] = []
            control.events.subscribe(lambda e: seen.append(e.login) if isinstance(e, MarginCallChanged) else None)
            assert monitor.scan() == [], "nothing moved"
            [login] = _near_margin_call(running, 1)
            group = control.book.group_of(control.accounts[login])
            state = control.state_of(login)
            below = state.margin * (group.margin_call - 10) / 100 - state.credit - state.profit
            control.set_balance(login, round(below, 2))
            assert monitor.scan() == [login]
            assert monitor.transition(login) == (0, 1)
            assert monitor.scan() == [], "same level, no change"
            control.set_balance(login, 10**7)
            assert monitor.scan() == [login]
            assert monitor.transition(login) == (1, 0)
            assert login not in monitor.in_call()
            assert seen == [login, login]
        finally:
            await running.aclose()

    run(body)


def test_events_reach_only_the_v2_mt4_hub(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(stream("u", "StreamUserUpdates"), invoke("sync", "SubscribeToTicks", "EURUSD"))
            await hub.until(completion_of("sync"))
            sim.call(sim.control.events.publish, UserChanged("Deleted", 999_999))
            item = (await hub.until(item_of("u")))["item"]
            check_payload(item, USER_FIELDS)
            assert (item["kind"], item["login"], item["group"]) == ("Deleted", 999_999, "")
            await hub.ws.close()
        assert PLATFORM_ID

    run(body)


def test_monitor_scans_on_demand_and_stops_as_a_coroutine(sim: SimulatorThread) -> None:
    # How long a scan takes is a benchmark's question: ``python -m desktop.bench monitor``.
    monitor = sim.control.hub.monitor
    before = monitor.scans
    for _ in range(5):
        assert isinstance(sim.call(monitor.scan), list)
    assert monitor.scans >= before + 5  # its own loop may scan too, every 0.5 s
    assert asyncio.iscoroutinefunction(monitor.stop)


def test_trades_follow_rest_open_and_close(sim: SimulatorThread, token: str, http: httpx.Client) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token)
            await hub.send(stream("t", "StreamTrades"), invoke("sync", "SubscribeToTicks", "EURUSD"))
            await hub.until(completion_of("sync"))
            order = await asyncio.to_thread(open_market, http, LOGIN, "BTCUSD", 3)
            added = (await hub.until(item_of("t")))["item"]
            check_payload(added, TRADE_FIELDS)
            assert (added["kind"], added["order"], added["login"], added["cmd"]) == ("Added", order, LOGIN, 0)
            assert (added["symbol"], added["volumeLots"], added["closeTime"]) == ("BTCUSD", 0.03, EPOCH)
            close = {"tradeTransactionType": "CloseMarket", "order": order, "orderBy": LOGIN, "volume": 3}
            answer = (await asyncio.to_thread(http.post, f"{V2}/TradeTransaction", json=close)).json()
            assert answer["error"] is None, answer
            deleted = (await hub.until(item_of("t")))["item"]
            check_payload(deleted, TRADE_FIELDS)
            assert (deleted["kind"], deleted["order"]) == ("Deleted", order)
            assert deleted["closeTime"] != EPOCH
            assert deleted["closePrice"] > 0
            await hub.ws.close()

    run(body)
