"""The hub with the official ``@microsoft/signalr`` JavaScript client under node (js/hub_check.mjs).

The negotiated connections run forced onto each transport in turn (WebSockets, Server-Sent
Events, long polling); the ``skipNegotiation`` one is a WebSocket by definition.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = [pytest.mark.node, pytest.mark.integration]


#: The transport forced on the client, and the class the client then runs.
TRANSPORTS = {
    "WebSockets": "WebSocketTransport",
    "ServerSentEvents": "ServerSentEventsTransport",
    "LongPolling": "LongPollingTransport",
}


@pytest.fixture(scope="module", params=list(TRANSPORTS))
def js_results(request: pytest.FixtureRequest, js_client: Path, sim_thread: SimulatorThread) -> dict[str, Any]:
    completed = subprocess.run(
        ["node", "hub_check.mjs", sim_thread.url, CLIENT_ID, CLIENT_SECRET, PLATFORM_ID],
        cwd=js_client,
        env={**os.environ, "SIGNALR_TRANSPORT": request.param},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    for name, outcome in results.items():
        assert "failed" not in outcome, f"{name}: {outcome.get('failed')}"
    results["forced"] = request.param
    return results


def _valid_ticks(ticks: list[dict[str, Any]], symbol: str) -> None:
    assert ticks
    for tick in ticks:
        assert set(tick) == {"symbol", "bid", "ask", "lastTime"}
        assert tick["symbol"] == symbol
        assert tick["ask"] > tick["bid"] > 0
        assert tick["lastTime"].endswith("Z")


def test_js_negotiate_v1_with_access_token_factory(js_results: dict[str, Any]) -> None:
    negotiated = js_results["negotiated"]
    assert negotiated["transport"] == TRANSPORTS[js_results["forced"]]
    assert negotiated["connectionId"]
    assert negotiated["status"] == {"connected": True}
    _valid_ticks(negotiated["ticks"], "EURUSD")
    assert negotiated["stillConnected"] is True
    assert negotiated["finalState"] == "Disconnected"


def test_js_streams_and_disposes(js_results: dict[str, Any]) -> None:
    negotiated = js_results["negotiated"]
    _valid_ticks(negotiated["streamOne"], "GBPUSD")
    assert len(negotiated["streamOne"]) == 3
    assert len({item["symbol"] for item in negotiated["streamAll"]}) >= 30


def test_js_sees_hub_errors(js_results: dict[str, Any]) -> None:
    negotiated = js_results["negotiated"]
    assert "Unknown symbol 'NOPE'" in negotiated["unknownSymbolError"]
    assert "NoSuchMethod" in negotiated["unknownMethodError"]


def test_js_skip_negotiation(js_results: dict[str, Any]) -> None:
    direct = js_results["direct"]
    assert direct["status"] == {"connected": True}
    _valid_ticks(direct["ticks"], "USDJPY")
    _valid_ticks(direct["streamOne"], "XAUUSD")
    assert direct["finalState"] == "Disconnected"


def test_js_bad_token_fails_negotiate_with_401(js_results: dict[str, Any]) -> None:
    bad = js_results["badToken"]
    assert "401" in bad["error"]
    assert bad["state"] == "Disconnected"
