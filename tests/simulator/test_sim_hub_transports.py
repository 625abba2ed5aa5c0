"""Server-Sent Events and long polling at the wire level, and the handshake versions, with a hand-written client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from desktop.simulator import PLATFORM_ID, SimConfig, SimulatorThread, start
from desktop.simulator.config import OTHER_CLIENT_ID, OTHER_CLIENT_SECRET
from desktop.simulator.hubs.transports import sse_event
from tests.simulator.hub_helpers import auth
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET, HUB, RS, RawHub, run

pytestmark = pytest.mark.integration

HANDSHAKE = '{"protocol":"json","version":1}' + RS
STATUS = {"type": 1, "target": "OnConnectionStatus", "arguments": [{"connected": True}]}
EVENT_STREAM = {"Accept": "text/event-stream"}


def _records(text: str) -> list[dict[str, Any]]:
    return [json.loads(part) for part in text.split(RS) if part]


async def _token(session: aiohttp.ClientSession, url: str, client: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> str:
    form = {"grant_type": "client_credentials", "client_id": client, "client_secret": secret}
    async with session.post(f"{url}/connect/token", data=form) as response:
        return str((await response.json())["access_token"])


async def _negotiate(session: aiohttp.ClientSession, url: str, token: str, hub: str = HUB) -> str:
    joiner = "&" if "?" in hub else "?"
    async with session.post(f"{url}{hub.replace('?', '/negotiate?', 1)}{joiner}negotiateVersion=1",
                            headers=auth(token)) as response:  # fmt: skip
        return str((await response.json())["connectionToken"])


async def _poll(session: aiohttp.ClientSession, url: str, token: str, cid: str) -> tuple[int, str]:
    async with session.get(f"{url}{HUB}&id={cid}", headers=auth(token)) as response:
        return response.status, await response.text()


async def _post(session: aiohttp.ClientSession, url: str, token: str, cid: str, text: str) -> int:
    async with session.post(f"{url}{HUB}&id={cid}", data=text.encode(), headers=auth(token)) as response:
        return response.status


async def _poll_records(session: aiohttp.ClientSession, url: str, token: str, cid: str) -> list[dict[str, Any]]:
    """Poll until records come (a poll may time out empty)."""
    for _ in range(20):
        status, text = await _poll(session, url, token, cid)
        assert status == 200, (status, text)
        if text:
            return _records(text)
    raise AssertionError("no records polled")


class EventStream:
    """The ``data:`` events of an open event stream."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.raw: list[str] = []
        self._pending: list[dict[str, Any]] = []

    async def next(self, seconds: float = 10.0) -> dict[str, Any]:
        while not self._pending:
            data: list[str] = []
            while True:
                line = (await asyncio.wait_for(self.response.content.readline(), seconds)).decode()
                if line == "":
                    raise ConnectionError("the event stream ended")
                self.raw.append(line)
                if line == "\r\n" and data:
                    break
                if line.startswith("data: "):
                    data.append(line[6:].removesuffix("\r\n"))
            self._pending.extend(_records("\n".join(data)))
        return self._pending.pop(0)


@asynccontextmanager
async def _event_stream(session: aiohttp.ClientSession, url: str, query: str) -> AsyncIterator[EventStream]:
    async with session.get(f"{url}{HUB}{query}", headers=EVENT_STREAM) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert await response.content.readline() == b":\r\n"
        yield EventStream(response)


def test_negotiate_offers_the_three_transports_of_aspnet_core(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        url = f"{sim.url}/hubs/mt4/v2/negotiate?negotiateVersion=1"
        async with aiohttp.ClientSession() as session, session.post(url, headers=auth(token)) as response:
            negotiated = await response.json()
        assert negotiated["availableTransports"] == [
            {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]},
            {"transport": "ServerSentEvents", "transferFormats": ["Text"]},
            {"transport": "LongPolling", "transferFormats": ["Text", "Binary"]},
        ]

    run(body)


@pytest.mark.parametrize(("version", "accepted"), [(0, True), (1, True), (2, True), (3, False), ("1", False)])
def test_handshake_accepts_the_json_versions_aspnet_core_accepts(
    sim: SimulatorThread, token: str, version: Any, accepted: bool
) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = RawHub(await session.ws_connect(f"{sim.url}{HUB}", headers=auth(token)))
            await hub.ws.send_str(json.dumps({"protocol": "json", "version": version}) + RS)
            answer = await hub.next()
            if accepted:
                assert answer == {}
                assert await hub.next() == STATUS
            else:
                assert answer == {"error": f"The server does not support version {version} of the 'json' protocol."}
            await hub.ws.close()

    run(body)


def test_long_polling_handshake_ticks_and_close(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            cid = await _negotiate(session, sim.url, token)
            async with session.get(f"{sim.url}{HUB}&id={cid}", headers=auth(token)) as first:
                assert (first.status, await first.read(), first.headers["Content-Length"]) == (200, b"", "0")
            assert await _post(session, sim.url, token, cid, HANDSHAKE) == 200
            assert await _poll_records(session, sim.url, token, cid) == [{}, STATUS]
            [conn] = [c for c in sim.control.hub.connections.values() if c.transport.name == "LongPolling"]
            subscribe = {"type": 1, "invocationId": "1", "target": "SubscribeToTicks", "arguments": ["EURUSD"]}
            assert await _post(session, sim.url, token, cid, json.dumps(subscribe) + RS) == 200
            seen: list[dict[str, Any]] = []
            while sum(1 for m in seen if m.get("target") == "OnTick") < 3:
                seen += await _poll_records(session, sim.url, token, cid)
            assert {"type": 3, "invocationId": "1"} in seen
            assert await _post(session, sim.url, token, cid, '{"type":7}' + RS) == 200
            rest: list[dict[str, Any]] = []
            status, text = await _poll(session, sim.url, token, cid)
            while status == 200:
                rest += _records(text)
                status, text = await _poll(session, sim.url, token, cid)
            assert rest[-1] == {"type": 7}
            assert status == 204
            assert await _poll(session, sim.url, token, cid) == (404, "No Connection with that ID")
            assert conn.id not in sim.control.hub.connections

    run(body)


def test_long_poll_times_out_empty_and_delete_ends_it(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        hub = sim.control.hub
        async with aiohttp.ClientSession() as session:
            cid = await _negotiate(session, sim.url, token)
            assert await _post(session, sim.url, token, cid, HANDSHAKE) == 200, "kept until the first poll"
            assert await _poll(session, sim.url, token, cid) == (200, "")
            assert await _poll_records(session, sim.url, token, cid) == [{}, STATUS]
            sim.call(setattr, hub, "poll_timeout", 0.3)
            try:
                assert await _poll(session, sim.url, token, cid) == (200, "")
            finally:
                sim.call(setattr, hub, "poll_timeout", 90.0)
            waiting = asyncio.ensure_future(_poll(session, sim.url, token, cid))
            await asyncio.sleep(0.2)
            async with session.delete(f"{sim.url}{HUB}&id={cid}", headers=auth(token)) as deleted:
                assert deleted.status == 202
            assert (await waiting)[0] == 204

    run(body)


def test_transport_errors_are_worded_as_aspnet_core(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            assert await _poll(session, sim.url, token, "") == (400, "Connection ID required")
            assert await _poll(session, sim.url, token, "nope") == (404, "No Connection with that ID")
            assert await _post(session, sim.url, token, "nope", HANDSHAKE) == 404
            cid = await _negotiate(session, sim.url, token)
            assert (await _poll(session, sim.url, token, cid))[0] == 200
            async with session.get(f"{sim.url}{HUB}&id={cid}", headers={**auth(token), **EVENT_STREAM}) as other:
                assert (other.status, await other.text()) == (400, "Cannot change transports mid-connection")
            sse = await _negotiate(session, sim.url, token)
            async with _event_stream(session, sim.url, f"&id={sse}&access_token={token}"):
                async with session.delete(f"{sim.url}{HUB}&id={sse}", headers=auth(token)) as refused:
                    assert refused.status == 400
                    assert await refused.text() == "Cannot terminate this connection using the DELETE endpoint."
                async with session.get(f"{sim.url}{HUB}&id={sse}", headers={**auth(token), **EVENT_STREAM}) as twice:
                    assert twice.status == 409
                await _post(session, sim.url, token, sse, '{"type":7}' + RS)

    run(body)


def test_event_stream_carries_records_as_data_lines(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            cid = await _negotiate(session, sim.url, token)
            async with _event_stream(session, sim.url, f"&id={cid}&access_token={token}") as events:
                assert await _post(session, sim.url, token, cid, HANDSHAKE) == 200
                assert await events.next() == {}
                assert await events.next() == STATUS
                assert events.raw[0].startswith("data: {}" + RS)
                stream = {"type": 4, "invocationId": "s", "target": "StreamTicks", "arguments": ["GBPUSD"]}
                assert await _post(session, sim.url, token, cid, json.dumps(stream) + RS) == 200
                item = await events.next()
                assert (item["type"], item["invocationId"], item["item"]["symbol"]) == (2, "s", "GBPUSD")
                assert await _post(session, sim.url, token, cid, '{"type":7}' + RS) == 200
                while (await events.next()) != {"type": 7}:
                    pass
                with pytest.raises(ConnectionError):
                    await events.next()

    run(body)


def test_every_transport_checks_the_token(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            cid = await _negotiate(session, sim.url, token)
            for method, headers in (("GET", {}), ("GET", EVENT_STREAM), ("POST", {}), ("DELETE", {})):
                async with session.request(method, f"{sim.url}{HUB}&id={cid}", headers=headers) as bare:
                    assert bare.status == 401, (method, headers)
                bad = {**headers, "Authorization": "Bearer not-a-jwt"}
                async with session.request(method, f"{sim.url}{HUB}&id={cid}", headers=bad) as forged:
                    assert forged.status == 401, (method, headers)
            for name in ("access_token", "signalr_token"):
                cid = await _negotiate(session, sim.url, token)
                async with session.get(f"{sim.url}{HUB}&id={cid}&{name}={token}") as polled:
                    assert polled.status == 200

    run(body)


@pytest.mark.parametrize("transport", ["ServerSentEvents", "LongPolling"])
def test_another_organisation_is_refused_on_every_transport(sim: SimulatorThread, transport: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            other = await _token(session, sim.url, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET)
            cid = await _negotiate(session, sim.url, other)
            if transport == "LongPolling":
                assert (await _poll(session, sim.url, other, cid))[0] == 200
                assert await _post(session, sim.url, other, cid, HANDSHAKE) == 200
                answer = await _poll_records(session, sim.url, other, cid)
                assert (await _poll(session, sim.url, other, cid))[0] == 204
            else:
                async with _event_stream(session, sim.url, f"&id={cid}&access_token={other}") as events:
                    await _post(session, sim.url, other, cid, HANDSHAKE)
                    answer = [await events.next(), await events.next()]
            assert answer[0] == {}
            assert answer[1]["type"] == 7
            assert answer[1]["allowReconnect"] is False
            assert PLATFORM_ID in answer[1]["error"]

    run(body)


def test_pings_and_client_timeout_per_transport() -> None:
    async def body() -> None:
        running = await start(SimConfig(tick_rate=0, keepalive_interval=0.2, client_timeout=1.0))
        try:
            async with aiohttp.ClientSession() as session:
                token = await _token(session, running.url)
                sse = await _negotiate(session, running.url, token)
                async with _event_stream(session, running.url, f"&id={sse}&access_token={token}") as events:
                    await _post(session, running.url, token, sse, HANDSHAKE)
                    assert [await events.next(), await events.next(), await events.next()] == [{}, STATUS, {"type": 6}]
                    closing = await events.next(5)
                    while closing.get("type") == 6:
                        closing = await events.next(5)
                    assert closing == {"type": 7, "error": "Connection closed with an error.", "allowReconnect": True}
                running.control.hub.poll_timeout = 0.4
                cid = await _negotiate(session, running.url, token)
                await _poll(session, running.url, token, cid)
                await _post(session, running.url, token, cid, HANDSHAKE)
                assert await _poll_records(session, running.url, token, cid) == [{}, STATUS]
                assert await _poll(session, running.url, token, cid) == (200, ""), "no pings on long polling"
                await asyncio.sleep(1.5)  # no poll waiting: the client is gone
                records = await _poll_records(session, running.url, token, cid)
                assert records == [{"type": 7, "error": "Connection closed with an error.", "allowReconnect": True}]
        finally:
            await running.aclose()

    run(body)


def test_event_lines_are_formatted_as_aspnet_core() -> None:
    assert sse_event('{"type":6}' + RS) == b'data: {"type":6}\x1e\r\n\r\n'
    assert sse_event("a\r\nb\nc") == b"data: a\r\ndata: b\r\ndata: c\r\n\r\n"


def test_a_missing_handshake_is_canceled() -> None:
    async def body() -> None:
        running = await start(SimConfig(tick_rate=0, handshake_timeout=0.3))
        try:
            async with aiohttp.ClientSession() as session:
                token = await _token(session, running.url)
                hub = RawHub(await session.ws_connect(f"{running.url}{HUB}", headers=auth(token)))
                assert await hub.next() == {"error": "Handshake was canceled."}
                assert (await hub.ws.receive(timeout=5)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
                assert running.control.hub.connections == {}
        finally:
            await running.aclose()

    run(body)
