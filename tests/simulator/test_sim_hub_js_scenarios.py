"""All three hubs with the official ``@microsoft/signalr`` client under node (js/hub_scenarios.mjs).

Each scenario is one node process; at its sync points the script prints ``{"wait": …}`` and
this side acts on the simulator (REST calls, events, dropping connections) and answers.
Every scenario runs with the client forced onto each transport (WebSockets, Server-Sent
Events, long polling); connections with ``skipNegotiation`` are WebSockets by definition.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from desktop.simulator.world.events import SymbolChanged
from tests.simulator.hub_helpers import (
    MARGIN_FIELDS,
    MT5_MARGIN_FIELDS,
    SYMBOL_FIELDS,
    TICK_FIELDS,
    TRADE_FIELDS,
    USER_FIELDS,
    V1_TICK_FIELDS,
    check_payload,
    open_market,
    push_mt5_account_into_margin_call,
    wait_for_transport,
)
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = [pytest.mark.node, pytest.mark.integration]
Action = Callable[[dict[str, Any]], dict[str, Any]]
TRANSPORTS = ("WebSockets", "ServerSentEvents", "LongPolling")


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    """The transport the client is forced onto."""
    return str(request.param)


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def run_scenario(
    js_dir: Path, sim: SimulatorThread, name: str, actions: dict[str, Action], transport: str
) -> dict[str, Any]:
    """Run one node scenario on ``transport``, answering its sync points with ``actions``; return its result."""
    mt5 = next(iter(sim.control.hub.platforms.ids("MT5")), "")
    args = ["node", "hub_scenarios.mjs", name, sim.url, CLIENT_ID, CLIENT_SECRET, PLATFORM_ID, mt5]
    env = {**os.environ, "SIGNALR_TRANSPORT": transport}
    proc = subprocess.Popen(
        args, cwd=js_dir, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    assert proc.stderr is not None
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    result: dict[str, Any] | None = None
    try:
        while True:
            line = lines.get(timeout=30)
            assert line is not None, f"node ended without a result: {proc.stderr.read()}"
            message = json.loads(line)
            if "result" in message:
                result = message["result"]
                assert "failed" not in result, result["failed"]
                return result
            answer = actions[message["wait"]](message)
            proc.stdin.write(json.dumps(answer) + "\n")
            proc.stdin.flush()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        reader.join(10)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            pipe.close()
        if result is not None and "failed" not in result:
            wait_for_transport(sim, transport)


def test_js_mt4_streams(js_client: Path, sim: SimulatorThread, http: httpx.Client, transport: str) -> None:
    def trade(message: dict[str, Any]) -> dict[str, Any]:
        return {"order": open_market(http, int(message["login"]))}

    def symbol(_message: dict[str, Any]) -> dict[str, Any]:
        sim.call(sim.control.events.publish, SymbolChanged("Updated", "USDJPY"))
        return {"symbol": "USDJPY"}

    actions = {"trade": trade, "symbol": symbol, "after-dispose": symbol}
    result = run_scenario(js_client, sim, "mt4-streams", actions, transport)
    for tick in result["ticks"]:
        check_payload(tick, TICK_FIELDS)
    check_payload(result["margin"], MARGIN_FIELDS)
    assert result["margin"]["levelType"] in (1, 2)
    assert result["deposit"]["error"] is None
    check_payload(result["user"], USER_FIELDS)
    assert (result["user"]["kind"], result["user"]["login"]) == ("Updated", 100001)
    check_payload(result["trade"], TRADE_FIELDS)
    assert (result["trade"]["kind"], result["trade"]["symbol"], result["trade"]["login"]) == ("Added", "BTCUSD", 100001)
    check_payload(result["symbol"], SYMBOL_FIELDS)
    assert result["itemsAfterDispose"] == 0, "dispose() cancels the streams"
    assert result["streamErrors"] == []
    assert result["stillConnected"] is True


def test_js_mt5_hub(js_client: Path, sim: SimulatorThread, transport: str) -> None:
    def margin(_message: dict[str, Any]) -> dict[str, Any]:
        return {"login": push_mt5_account_into_margin_call(sim)}

    # The accounts were just reset: let the monitor report an earlier run's account leaving
    # margin call now, before this client subscribes.
    sim.call(sim.control.hub.monitor.scan)
    result = run_scenario(js_client, sim, "mt5", {"mt5-margin": margin}, transport)
    assert result["status"] == {"connected": True}
    check_payload(result["item"], MT5_MARGIN_FIELDS)
    assert (result["item"]["type"], result["item"]["direction"]) == ("MarginCall", "Enter")
    assert result["pushes"][0] == result["item"], "OnMarginCall carries the same payload"
    assert "Method does not exist" in result["tickError"]
    for refused, kind in ((result["mt4OnMt5"], "MT5"), (result["mt5OnMt4"], "MT4")):
        error = refused["startError"] or refused["closeError"]
        assert f"is not an {kind} platform" in error
        assert refused["state"] == "Disconnected"


def test_js_v1_hub(js_client: Path, sim: SimulatorThread, transport: str) -> None:
    result = run_scenario(js_client, sim, "v1", {}, transport)
    for run in (result["direct"], result["negotiated"]):
        assert (run["connect"], run["ping"], run["subscribe"]) == (True, True, None)
        for pushed in run["ticks"]:
            assert pushed["platform"] == PLATFORM_ID
            check_payload(pushed["tick"], V1_TICK_FIELDS)
        assert "Unknown trade platform" in run["unknownPlatform"]
        assert run["statuses"] == [], "the v1 hub pushes no OnConnectionStatus"


def test_js_reconnects_after_drops(js_client: Path, sim: SimulatorThread, transport: str) -> None:
    hub = sim.control.hub
    actions: dict[str, Action] = {
        "drop": lambda _m: {"dropped": sim.run(hub.drop_connections())},
        "close-reconnect": lambda _m: {"closed": sim.run(hub.close_connections("Restarting", allow_reconnect=True))},
        "close-final": lambda _m: {"closed": sim.run(hub.close_connections("Go away", allow_reconnect=False))},
    }
    result = run_scenario(js_client, sim, "reconnect", actions, transport)
    assert result["ticks"] == 2
    assert [r["name"] for r in result["rounds"]] == ["drop", "close-reconnect"]
    ids = {result["firstId"], *(r["id"] for r in result["rounds"])}
    assert len(ids) == 3, "every reconnect is a new connection"
    assert all(r["ticks"] == 2 for r in result["rounds"]), "ticks resume after each reconnect"
    reconnecting = [e["reconnecting"] for e in result["events"] if "reconnecting" in e]
    assert len(reconnecting) == 2
    assert "Restarting" in reconnecting[1]
    assert "Go away" in result["closeError"]
    assert result["state"] == "Disconnected"
