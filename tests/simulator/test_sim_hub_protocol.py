"""The SignalR hub at the wire level, driven by a hand-written aiohttp client."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import httpx
import pytest

from desktop.simulator import PLATFORM_ID, SimConfig, SimulatorThread, start
from tests.simulator.sim_helpers import HUB, RS, RawHub, run, wait_for

pytestmark = pytest.mark.integration


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _open(session: aiohttp.ClientSession, url: str, token: str, query: str = "") -> RawHub:
    ws = await session.ws_connect(f"{url}{HUB}{query}", headers=_auth(token))
    return RawHub(ws)


async def _ready(session: aiohttp.ClientSession, url: str, token: str, query: str = "") -> RawHub:
    hub = await _open(session, url, token, query)
    assert await hub.handshake() == [{}]
    assert await hub.next() == {"type": 1, "target": "OnConnectionStatus", "arguments": [{"connected": True}]}
    return hub


def _is_completion(invocation_id: str) -> Any:
    return lambda m: m.get("type") == 3 and m.get("invocationId") == invocation_id


def test_negotiate_v0_uses_connection_id(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{sim.url}/hubs/mt4/v2/negotiate?tradePlatform={PLATFORM_ID}",
                                    headers=_auth(token)) as response:  # fmt: skip
                negotiated = await response.json()
            assert negotiated["negotiateVersion"] == 0
            assert "connectionToken" not in negotiated
            assert negotiated["availableTransports"][0]["transport"] == "WebSockets"
            hub = await _ready(session, sim.url, token, f"&id={negotiated['connectionId']}")
            assert negotiated["connectionId"] in sim.control.hub.connections
            await hub.ws.close()

    run(body)


def test_negotiate_v1_uses_connection_token_once(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            url = f"{sim.url}/hubs/mt4/v2/negotiate?tradePlatform={PLATFORM_ID}&negotiateVersion=1"
            async with session.post(url, headers=_auth(token)) as response:
                negotiated = await response.json()
            assert negotiated["negotiateVersion"] == 1
            connection_id, connection_token = negotiated["connectionId"], negotiated["connectionToken"]
            assert connection_id != connection_token
            upgrade = f"{sim.url}{HUB}&id="
            with pytest.raises(aiohttp.WSServerHandshakeError) as wrong:
                await session.ws_connect(upgrade + connection_id, headers=_auth(token))
            assert wrong.value.status == 404
            hub = await _ready(session, sim.url, token, f"&id={connection_token}")
            with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
                await session.ws_connect(upgrade + connection_token, headers=_auth(token))
            assert reused.value.status == 404
            await hub.ws.close()

    run(body)


def test_unknown_id_is_404_and_bad_negotiate_version_is_400(sim: SimulatorThread, token: str) -> None:
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    response = httpx.get(f"{sim.url}{HUB}&id=nope", headers={**_auth(token), **upgrade})
    assert response.status_code == 404
    bad = httpx.post(f"{sim.url}/hubs/mt4/v2/negotiate?negotiateVersion=x", headers=_auth(token))
    assert bad.status_code == 400
    plain = httpx.get(f"{sim.url}{HUB}", headers=_auth(token))
    assert plain.status_code == 400


def test_skip_negotiation_with_query_tokens(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            for name in ("access_token", "signalr_token"):
                ws = await session.ws_connect(f"{sim.url}{HUB}&{name}={token}")
                hub = RawHub(ws)
                assert await hub.handshake() == [{}]
                assert (await hub.next())["target"] == "OnConnectionStatus"
                await ws.close()

    run(body)


def test_several_records_per_frame_and_split_records(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _open(session, sim.url, token)
            handshake = '{"protocol":"json","version":1}' + RS
            await hub.ws.send_str(handshake[:10])
            await hub.ws.send_str(handshake[10:] + '{"type":1,"invocationId":"a","target":"SubscribeToTicks","argu')
            unsubscribe = '{"type":1,"invocationId":"b","target":"UnsubscribeFromTicks","arguments":["EURUSD"]}'
            await hub.ws.send_str('ments":["EURUSD"]}' + RS + '{"type":6}' + RS + unsubscribe + RS)
            assert await hub.next() == {}
            assert (await hub.next())["target"] == "OnConnectionStatus"
            assert await hub.next() == {"type": 3, "invocationId": "a"}
            snapshot = await hub.next()
            assert (snapshot["target"], snapshot["arguments"][0]["symbol"]) == ("OnTick", "EURUSD")
            await hub.until(_is_completion("b"))
            await hub.send({"type": 4, "invocationId": "s", "target": "StreamTicks", "arguments": []})
            await hub.until(lambda m: m.get("invocationId") == "s")
            assert any(frame.count(RS) > 1 for frame in hub.frames)
            await hub.ws.close()

    run(body)


def test_handshake_with_other_protocol_is_refused(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _open(session, sim.url, token)
            await hub.ws.send_str('{"protocol":"messagepack","version":1}' + RS)
            answer = await hub.next()
            assert "not supported" in answer["error"]
            closing = await hub.ws.receive(timeout=5)
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)

    run(body)


def test_unknown_platform_closes_after_handshake(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"{sim.url}/hubs/mt4/v2?tradePlatform=nope", headers=_auth(token))
            hub = RawHub(ws)
            assert await hub.handshake() == [{}]
            close = await hub.next()
            assert close["type"] == 7
            assert close["allowReconnect"] is False
            assert "trade platform" in close["error"]

    run(body)


def _call(kind: int, target: str, *arguments: Any) -> dict[str, Any]:
    return {"type": kind, "invocationId": "1", "target": target, "arguments": list(arguments)}


@pytest.mark.parametrize(
    ("message", "fragment"),
    [
        (_call(1, "NoSuchMethod"), "Method does not exist"),
        (_call(1, "SubscribeToTicks"), "argument(s)"),
        (_call(1, "SubscribeToTicks", 42), "Error binding"),
        (_call(1, "SubscribeToTicks", "NOPE"), "Unknown symbol 'NOPE'"),
        (_call(1, "StreamTicks"), "non-streaming invocation"),
        (_call(4, "SubscribeToTicks", "EURUSD"), "streaming invocation"),
        (_call(4, "StreamTicks", "NOPE"), "Unknown symbol"),
        ({"type": 1, "invocationId": "1", "target": "SubscribeToTicks", "arguments": {}}, "array"),
    ],
)
def test_invocation_errors_are_completions(
    sim: SimulatorThread, token: str, message: dict[str, Any], fragment: str
) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _ready(session, sim.url, token)
            await hub.send(message)
            completion = await hub.until(_is_completion("1"))
            assert fragment in completion["error"]
            assert "result" not in completion
            await hub.send({"type": 1, "invocationId": "2", "target": "subscribetoticks", "arguments": ["EURUSD"]})
            assert "error" not in await hub.until(_is_completion("2"))
            await hub.ws.close()

    run(body)


def test_on_tick_only_for_subscribed_symbols(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _ready(session, sim.url, token)
            await hub.send(
                {"type": 1, "invocationId": "1", "target": "SubscribeToTicks", "arguments": ["GBPUSD"]},
                {"type": 1, "invocationId": "2", "target": "SubscribeToTicks", "arguments": ["XAUUSD"]},
            )
            symbols = set()
            for _ in range(30):
                message = await hub.until(lambda m: m.get("target") == "OnTick")
                tick = message["arguments"][0]
                assert set(tick) == {"symbol", "bid", "ask", "lastTime"}
                assert tick["ask"] > tick["bid"]
                symbols.add(tick["symbol"])
            assert symbols == {"GBPUSD", "XAUUSD"}
            await hub.send({"type": 1, "invocationId": "3", "target": "UnsubscribeFromTicks", "arguments": ["GBPUSD"]})
            await hub.until(_is_completion("3"))
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                message = await hub.until(lambda m: m.get("target") == "OnTick")
                assert message["arguments"][0]["symbol"] == "XAUUSD"
            await hub.ws.close()

    run(body)


def test_stream_ticks_and_cancel(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _ready(session, sim.url, token)
            await hub.send(
                {"type": 4, "invocationId": "one", "target": "StreamTicks", "arguments": ["EURUSD"]},
                {"type": 4, "invocationId": "all", "target": "StreamTicks", "arguments": []},
            )
            seen: dict[str, set[str]] = {"one": set(), "all": set()}
            while len(seen["all"]) < 25:
                item = await hub.until(lambda m: m.get("type") == 2)
                seen[item["invocationId"]].add(item["item"]["symbol"])
            assert seen["one"] == {"EURUSD"}
            await hub.send(
                {"type": 5, "invocationId": "all"},
                {"type": 1, "invocationId": "x", "target": "UnsubscribeFromTicks", "arguments": ["EURUSD"]},
            )
            await hub.until(_is_completion("x"))
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                message = await hub.until(lambda m: m.get("type") in (2, 3))
                assert message["invocationId"] == "one", "no items or completion after a cancel"
            await hub.ws.close()

    run(body)


def test_ping_and_client_timeout() -> None:
    async def body() -> None:
        running = await start(SimConfig(tick_rate=0, keepalive_interval=0.2, client_timeout=1.0))
        try:
            token = running.control.mint_token()
            async with aiohttp.ClientSession() as session:
                quiet = await _ready(session, running.url, token)
                chatty = await _ready(session, running.url, token)
                assert await quiet.next(seconds=2) == {"type": 6}
                started = time.monotonic()
                while time.monotonic() - started < 1.6:
                    await chatty.send({"type": 6})
                    await asyncio.sleep(0.1)
                close = await quiet.until(lambda m: m["type"] == 7, seconds=3)
                # ASP.NET Core: OperationCanceledException + AbortAllowReconnect, generic text without detailed errors.
                assert close == {"type": 7, "error": "Connection closed with an error.", "allowReconnect": True}
                assert (await quiet.ws.receive(timeout=3)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
                await chatty.send(
                    {"type": 1, "invocationId": "1", "target": "SubscribeToTicks", "arguments": ["EURUSD"]}
                )
                assert await chatty.until(_is_completion("1"))
                await chatty.ws.close()
        finally:
            await running.aclose()

    run(body)


def test_manual_ticks_reach_subscribers_in_order() -> None:
    async def body() -> None:
        running = await start(SimConfig(tick_rate=0, seed=5))
        try:
            token = running.control.mint_token()
            async with aiohttp.ClientSession() as session:
                hub = await _ready(session, running.url, token)
                await hub.send({"type": 4, "invocationId": "s", "target": "StreamTicks", "arguments": []})
                for _ in range(32):
                    await hub.until(lambda m: m.get("type") == 2)
                batch = running.control.advance(500)
                names = [running.control.feed.symbols[i].name for i in batch.indices]
                received = [(await hub.until(lambda m: m.get("type") == 2))["item"] for _ in range(500)]
                assert [(t["symbol"], t["bid"], t["ask"]) for t in received] == list(
                    zip(names, batch.bids, batch.asks, strict=True)
                )
                await hub.ws.close()
        finally:
            await running.aclose()

    run(body)


def test_shutdown_closes_hub_connections() -> None:
    async def body() -> None:
        running = await start(SimConfig(tick_rate=500))
        token = running.control.mint_token()
        async with aiohttp.ClientSession() as session:
            hub = await _ready(session, running.url, token)
            await hub.send({"type": 4, "invocationId": "s", "target": "StreamTicks", "arguments": []})
            await hub.until(lambda m: m.get("type") == 2)
            started = time.monotonic()
            await running.aclose()
            assert time.monotonic() - started < 2
            close = await hub.until(lambda m: m["type"] == 7)
            assert close == {"type": 7, "allowReconnect": True}
            assert (await hub.ws.receive(timeout=3)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            await wait_for(lambda: not running.control.hub.connections)

    run(body)


def test_invalid_json_closes_with_error(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _ready(session, sim.url, token)
            await hub.ws.send_str("{not json" + RS)
            close = await hub.until(lambda m: m["type"] == 7)
            assert close["allowReconnect"] is False
            assert json.dumps(close)

    run(body)


def test_drop_hub_connections(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await _ready(session, sim.url, token)
            dropped = await asyncio.wrap_future(sim.submit(sim.control.drop_hub_connections()))
            assert dropped >= 1
            closing = await hub.ws.receive(timeout=3)
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            await wait_for(lambda: not sim.control.hub.connections)

    run(body)
