"""The MT5 hub (``/hubs/mt5/v2``) at the wire level: status, margin-call pushes and stream, platform checks."""

from __future__ import annotations

import aiohttp
import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator.hub_helpers import (
    MT5_MARGIN_FIELDS,
    check_payload,
    completion_of,
    invoke,
    item_of,
    mt5_platform,
    open_hub,
    push_mt5_account_into_margin_call,
    ready_v2,
    stream,
)
from tests.simulator.sim_helpers import run

pytestmark = pytest.mark.integration
MT5 = "/hubs/mt5/v2"


def test_mt5_margin_calls_are_pushed_and_streamed(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token, MT5, mt5_platform(sim))
            mt4 = await ready_v2(session, sim.url, token)
            await mt4.send(stream("m4", "StreamMarginCallUpdates"), invoke("sync", "SubscribeToTicks", "EURUSD"))
            await mt4.until(completion_of("sync"))
            await hub.send(stream("m", "StreamMarginCallUpdates"), invoke("sync", "StreamMarginCallUpdates"))
            await hub.until(completion_of("sync"))  # (an error: a stream invoked as non-streaming) = stream is open
            login = push_mt5_account_into_margin_call(sim)
            push = await hub.until(lambda m: m.get("target") == "OnMarginCall")
            [payload] = push["arguments"]
            check_payload(payload, MT5_MARGIN_FIELDS)
            assert payload == {"login": login, "type": "MarginCall", "direction": "Enter"}
            item = await hub.until(item_of("m"))
            assert item["item"] == payload
            sim.call(sim.control.mt5.users[login].__setattr__, "balance_cents", 10**9)
            sim.call(sim.control.hub.monitor.scan)
            left = await hub.until(item_of("m"))
            assert left["item"] == {"login": login, "type": "MarginCall", "direction": "Leave"}
            await mt4.send(invoke("sync2", "SubscribeToTicks", "EURUSD"))
            message = await mt4.until(lambda m: m.get("invocationId") in ("m4", "sync2") and m["type"] in (2, 3))
            while message["invocationId"] == "m4":
                assert message["item"]["login"] != login, "MT5 accounts stay off the MT4 stream"
                message = await mt4.until(lambda m: m.get("invocationId") in ("m4", "sync2") and m["type"] in (2, 3))
            await hub.ws.close()
            await mt4.ws.close()

    run(body)


@pytest.mark.parametrize(("path", "kind"), [(MT5, "MT5"), ("/hubs/mt4/v2", "MT4")])
def test_platform_of_the_other_kind_is_refused(sim: SimulatorThread, token: str, path: str, kind: str) -> None:
    other = PLATFORM_ID if kind == "MT5" else mt5_platform(sim)

    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await open_hub(session, sim.url, token, path, other)
            close = await hub.next()
            assert close["type"] == 7
            assert close["allowReconnect"] is False
            assert f"is not an {kind} platform" in close["error"]

    run(body)


def test_mt5_hub_has_no_tick_methods(sim: SimulatorThread, token: str) -> None:
    async def body() -> None:
        async with aiohttp.ClientSession() as session:
            hub = await ready_v2(session, sim.url, token, MT5, mt5_platform(sim).upper())
            await hub.send(invoke("1", "SubscribeToTicks", "EURUSD"), stream("2", "StreamTrades"))
            assert "Method does not exist" in (await hub.until(completion_of("1")))["error"]
            assert "Method does not exist" in (await hub.until(completion_of("2")))["error"]
            await hub.ws.close()

    run(body)
