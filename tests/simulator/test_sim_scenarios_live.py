"""Scenarios and faults started on the running session simulator, through ``/_sim/`` and the control object."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import httpx
import jwt
import pytest

from desktop.simulator import SimulatorThread
from tests.simulator.sim_helpers import HUB, V2, RawHub, run, wait_for

pytestmark = pytest.mark.integration


def control_headers(sim: SimulatorThread) -> dict[str, str]:
    return {"Authorization": f"SimControl {sim.control.faults.control_token}"}


def sim_api(sim: SimulatorThread, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.request(method, f"{sim.url}/_sim/{path}", json=body, headers=control_headers(sim), timeout=10)


def start(sim: SimulatorThread, name: str, **params: Any) -> None:
    sim.call(lambda: sim.control.scenarios.start(name, **params))


def code(response: httpx.Response) -> tuple[str | None, str | None]:
    error = response.json()["error"]
    return (error["code"] if error else None), response.headers.get("X-Request-Outcome")


def deposit(http: httpx.Client, key: str) -> httpx.Response:
    body = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": 100013, "price": 5}
    return http.post(f"{V2}/TradeTransaction", json=body, headers={"Idempotency-Key": key})


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "SimControl wrong"}, {"Authorization": "Bearer x"}, {"X-Control-Token": "x"}],
)
def test_control_routes_do_not_exist_without_the_token(
    sim: SimulatorThread, http: httpx.Client, headers: dict[str, str]
) -> None:
    for method, path in (("GET", "status"), ("POST", "reset"), ("POST", "scenarios/busy"), ("GET", "")):
        response = httpx.request(method, f"{sim.url}/_sim/{path}", headers=headers)
        assert (response.status_code, response.content) == (404, b"")
    assert http.get("/_sim/status").status_code == 404, "an API bearer token does not open it either"
    assert http.get(f"{V2}/ServerTime").json()["error"] is None
    assert sim.control.faults.busy is False


def test_control_routes_with_the_token(sim: SimulatorThread) -> None:
    status = sim_api(sim, "GET", "status").json()
    assert status["ok"] is True
    assert {"faults", "scenarios", "feed", "hubConnections"} <= set(status)
    names = [item["name"] for item in sim_api(sim, "GET", "scenarios").json()["scenarios"]]
    assert "margin-call-wave" in names
    assert sim_api(sim, "GET", "nothing/here").status_code == 404
    assert sim_api(sim, "POST", "faults/latency", {"seconds": "slow"}).status_code == 400
    assert sim_api(sim, "POST", "scenarios/no-such").status_code == 400
    assert sim_api(sim, "POST", "market/gap", {"symbol": "NOPE", "points": 1}).status_code == 400
    started = sim_api(sim, "POST", "scenarios/price-gap", {"at": 5, "points": 10}).json()
    assert started["parameters"]["points"] == 10
    assert sim_api(sim, "DELETE", "scenarios/price-gap").json()["stopped"] is True
    assert not sim.control.requests.matching("/_sim/"), "control calls are not logged"


def test_fault_routes(sim: SimulatorThread, http: httpx.Client) -> None:
    assert sim_api(sim, "POST", "faults/busy", {"count": 1}).status_code == 200
    assert code(http.get(f"{V2}/ServerTime")) == ("Busy", "not-started")
    sim_api(sim, "POST", "faults/outcome-unknown", {"count": 1, "variant": "not-applied"})
    assert code(deposit(http, "route-1")) == ("OutcomeUnknown", "unknown")
    assert code(deposit(http, "route-1")) == (None, None)
    sim_api(sim, "POST", "faults/proxy-error", {"status": 504, "path": "TradePlatforms"})
    assert http.get("/api/TradePlatforms").status_code == 504
    sim_api(sim, "POST", "faults/latency", {"path": "ServerTime", "seconds": 30})
    assert code(http.get(f"{V2}/ServerTime", headers={"X-Request-Timeout": "1"})) == ("Timeout", "timeout")
    assert sim_api(sim, "DELETE", "faults").status_code == 200
    assert code(http.get(f"{V2}/ServerTime", headers={"X-Request-Timeout": "1"})) == (None, None)
    assert len(sim.control.book.ledger) == 1


def test_market_routes(sim: SimulatorThread, http: httpx.Client) -> None:
    moved = sim_api(sim, "POST", "market/gap", {"symbol": "EURUSD", "points": 700}).json()
    assert moved["ask"] > moved["bid"]
    spread = sim_api(sim, "POST", "market/spread", {"symbol": "EURUSD", "factor": 3}).json()["spread"]
    assert http.get(f"{V2}/CfgRequestSymbol/EURUSD").json()["data"]["spread"] == spread
    assert sim_api(sim, "POST", "market/stall", {"symbol": "EURUSD"}).status_code == 200
    assert sim.control.feed.is_stalled(sim.control.feed.resolve("EURUSD") or 0)
    sim_api(sim, "POST", "market/restore")
    assert http.get(f"{V2}/CfgRequestSymbol/EURUSD").json()["data"]["spread"] == spread // 3
    wave = sim_api(sim, "POST", "market/margin-call-wave", {"count": 2, "steps": 2, "interval": 0.05}).json()
    assert wave["scenario"] == "margin-call-wave"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(e.label == "wave-step" for e in sim.control.scenarios.log):
        time.sleep(0.02)
    assert any(e.label == "wave-step" for e in sim.control.scenarios.log)


def test_flaky_writes_scenario(sim: SimulatorThread, http: httpx.Client) -> None:
    start(sim, "flaky-writes", every=2, delay=0.0)
    codes = [code(deposit(http, f"flaky-{n}")) for n in range(4)]
    assert codes == [(None, None), ("OutcomeUnknown", "unknown")] * 2
    assert code(deposit(http, "flaky-1")) == (None, None), "applied: the repeat returns the result"
    assert code(deposit(http, "flaky-3")) == (None, None), "not applied: the repeat runs it"
    assert len(sim.control.book.ledger) == 4


def test_busy_and_slow_reads_scenarios(sim: SimulatorThread, http: httpx.Client) -> None:
    start(sim, "busy", at=0.0, duration=60.0, every=0.0)
    assert code(http.get(f"{V2}/ServerTime")) == ("Busy", "not-started")
    sim.call(sim.control.scenarios.stop, "busy")
    start(sim, "slow-reads", seconds=0.2, slow_path="ServerTime", slow_seconds=5.0)
    started = time.monotonic()
    assert code(http.get(f"{V2}/UserRecordGet/100013")) == (None, None)
    assert time.monotonic() - started >= 0.2
    assert code(http.get(f"{V2}/ServerTime", headers={"X-Request-Timeout": "1"})) == ("Timeout", "timeout")
    assert code(deposit(http, "slow-write")) == (None, None), "writes are not slowed"


def test_proxy_errors_and_short_tokens_scenarios(sim: SimulatorThread, http: httpx.Client) -> None:
    start(sim, "proxy-errors", every=2)
    assert [http.get("/api/Organizations").status_code for _ in range(4)] == [200, 502, 200, 504]
    start(sim, "short-tokens", seconds=7)
    form = {"grant_type": "client_credentials", "client_id": "demo-dealer", "client_secret": "demo-secret"}
    answer = httpx.post(f"{sim.url}/connect/token", data=form).json()
    assert answer["expires_in"] == 3600
    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 7


def test_hub_drops_scenario(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            headers = {"Authorization": f"Bearer {token}"}
            first = RawHub(await session.ws_connect(f"{sim.url}{HUB}", headers=headers))
            await first.handshake()
            start(sim, "hub-drops", at=0.2, every=0.6, reconnect=0)
            with pytest.raises(ConnectionError):
                await first.until(lambda _m: False, seconds=5)  # a network cut: no Close message
            await wait_for(lambda: not sim.control.hub.connections)
            second = RawHub(await session.ws_connect(f"{sim.url}{HUB}", headers=headers))
            await second.handshake()
            close = await second.until(lambda m: m["type"] == 7, seconds=5)
            assert close == {"type": 7, "error": "Simulated hub failure.", "allowReconnect": False}

    run(body)


def test_server_restart_scenario(sim: SimulatorThread) -> None:
    def probe() -> str:
        try:
            return str(httpx.get(f"{sim.url}/.well-known/openid-configuration", timeout=2).status_code)
        except httpx.ConnectError:
            return "refused"
        except (httpx.ReadError, httpx.RemoteProtocolError):  # caught in flight: the restart drops every connection
            return "reset"

    start(sim, "server-restart", at=0.1, every=100.0, refuse=0.4, unavailable=0.4)
    seen = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not ("503" in seen and seen[-1] == "200"):
        seen.append(probe())
        time.sleep(0.03)
    assert "refused" in seen
    assert "503" in seen
    assert seen[-1] == "200"
    assert sim_api(sim, "GET", "status").json()["restarts"] >= 1


def test_hub_and_server_routes(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            headers = {"Authorization": f"Bearer {token}"}
            hub = RawHub(await session.ws_connect(f"{sim.url}{HUB}", headers=headers))
            await hub.handshake()
            await wait_for(lambda: len(sim.control.hub.connections) == 1)
            closed = await asyncio.to_thread(
                sim_api, sim, "POST", "hub/close", {"error": "Bye", "allowReconnect": False}
            )
            assert closed.json()["connections"] == 1
            assert await hub.until(lambda m: m["type"] == 7) == {"type": 7, "error": "Bye", "allowReconnect": False}
            again = RawHub(await session.ws_connect(f"{sim.url}{HUB}", headers=headers))
            await again.handshake()
            await wait_for(lambda: len(sim.control.hub.connections) == 1)
            dropped = await asyncio.to_thread(sim_api, sim, "POST", "hub/drop", {"abort": True})
            assert dropped.json()["connections"] == 1
            with pytest.raises(ConnectionError):
                await again.until(lambda _m: False, seconds=5)

    run(body)
    before = sim.control.faults.restarts
    assert sim_api(sim, "POST", "server/restart", {"refuse": 0.2, "unavailable": 0.2}).json()["ok"] is True
    deadline = time.monotonic() + 5
    while sim.control.faults.restarts == before and time.monotonic() < deadline:
        time.sleep(0.02)
    statuses: list[int] = []
    while time.monotonic() < deadline and statuses[-1:] != [200]:
        try:
            statuses.append(sim_api(sim, "GET", "status").status_code)
        except httpx.ConnectError:
            statuses.append(0)
        except (httpx.ReadError, httpx.RemoteProtocolError):  # caught in flight: the restart drops every connection
            statuses.append(-1)
        time.sleep(0.02)
    assert next(s for s in statuses if s != -1) == 0, "refused while the port is closed"
    assert statuses[-1] == 200, "the control routes work during the 503 phase and after"
