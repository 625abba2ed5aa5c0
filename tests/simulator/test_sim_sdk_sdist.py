"""The vendor SDK's own end-to-end test and hello example, from its sdist, pass against the simulator.

See ``sdk_sdist`` for how the files are fetched and pointed at the simulator. The SDK's
SignalR smoke test runs when ``signalrcore`` (the SDK's ``[signalr]`` extra) is installed and
is skipped by the SDK itself otherwise.
"""

from __future__ import annotations

import importlib.util

import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator import sdk_sdist
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.integration


def test_the_sdks_e2e_test_and_hello_example_pass(sim: SimulatorThread) -> None:
    outcome = sdk_sdist.run(sim.url, CLIENT_ID, CLIENT_SECRET, PLATFORM_ID)
    assert outcome.e2e_returncode == 0, outcome.e2e_output
    assert "PASSED e2e/test_e2e.py::test_list_trade_platforms_live" in outcome.e2e_output
    assert "PASSED e2e/test_e2e.py::test_mt4_server_time_live" in outcome.e2e_output
    realtime = "e2e/test_e2e.py::test_mt4_realtime_connect_live"
    if importlib.util.find_spec("signalrcore") is not None:
        assert f"PASSED {realtime}" in outcome.e2e_output, outcome.e2e_output
    assert outcome.hello_returncode == 0, outcome.hello_output
    assert f"  {PLATFORM_ID}  |  Dealer Desk Demo MT4  |  type=MT4" in outcome.hello_output
    assert "MT4 server time: " in outcome.hello_output
    assert "  login=1000  group=demo\\usd-std" in outcome.hello_output
    assert "API error" not in outcome.hello_output
