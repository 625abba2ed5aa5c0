"""TickHub, the pysignalr supervisor, against the real simulator: outages, bad ticks, resubscription."""

from __future__ import annotations

import asyncio

import pytest

from desktop.client.backoff import Backoff
from desktop.client.hub import TickHub
from desktop.client.rest import WebApi
from desktop.config import Credentials
from desktop.domain.models import ConnectionState, ConnectionStatus
from desktop.simulator import SimulatorThread
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration

FAST = Backoff(base_s=0.05, cap_s=0.2)


async def open_api(credentials: Credentials) -> WebApi:
    api = WebApi(credentials)
    platforms = await api.trade_platforms()
    api.use_platform(platforms[0].id)
    return api


def test_every_outage_is_survived_and_symbols_are_resubscribed(credentials: Credentials, sim: SimulatorThread) -> None:
    """pysignalr alone gives up after ten outages per process; the supervisor never does."""
    outages = 12

    async def scenario() -> None:
        api = await open_api(credentials)
        ticks: list[str] = []
        statuses: list[ConnectionStatus] = []
        hub = TickHub(api.hub_url, api.access_token, lambda s, b, a, t: ticks.append(s), backoff=FAST)
        hub.status_changed.connect(statuses.append)
        hub.subscribe(["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"])
        task = asyncio.get_running_loop().create_task(hub.run())
        try:
            for outage in range(1, outages + 1):
                await wait_until(lambda n=outage: hub.connections == n, what=f"connection {outage}")
                seen = len(ticks)
                await wait_until(lambda n=seen: len(ticks) > n + 3, what=f"ticks on connection {outage}")
                await asyncio.to_thread(sim.run, sim.control.hub.close_all())
            await wait_until(lambda: hub.connections == outages + 1, what="the last reconnection")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await api.aclose()
        assert set(ticks) <= {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD"}
        states = [s.state for s in statuses]
        assert states.count(ConnectionState.RECONNECTING) >= outages
        assert states.count(ConnectionState.CONNECTED) >= outages + 1

    asyncio.run(scenario())


def test_a_failing_tick_consumer_never_ends_the_feed(credentials: Credentials) -> None:
    async def scenario() -> None:
        api = await open_api(credentials)
        good: list[str] = []

        def sink(symbol: str, bid: float, ask: float, time: float) -> None:
            if len(good) % 3 == 0:
                good.append("boom")
                raise ValueError("a consumer bug")
            good.append(symbol)

        hub = TickHub(api.hub_url, api.access_token, sink, backoff=FAST)
        hub.subscribe(["EURUSD", "GBPUSD", "USDJPY"])
        task = asyncio.get_running_loop().create_task(hub.run())
        try:
            await wait_until(lambda: len(good) > 60, what="ticks past the failures")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await api.aclose()
        assert hub.connections == 1
        assert hub.sink_failures >= 20
        assert hub.bad_payloads == 0  # the payloads were good; the consumer failed

    asyncio.run(scenario())


def test_unreachable_hub_is_retried_with_a_reason() -> None:
    async def scenario() -> None:
        statuses: list[ConnectionStatus] = []

        async def token() -> str:
            return "x"

        hub = TickHub(lambda: "http://127.0.0.1:9/hubs/mt4/v2", token, lambda *a: None, backoff=FAST)
        hub.status_changed.connect(statuses.append)
        task = asyncio.get_running_loop().create_task(hub.run())
        await wait_until(lambda: len(statuses) >= 5, what="retries")
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        reasons = [s.detail for s in statuses if s.state is ConnectionState.RECONNECTING]
        assert reasons
        assert all("cannot reach the hub" in r for r in reasons)

    asyncio.run(scenario())
