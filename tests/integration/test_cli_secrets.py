"""``dealer-desk --demo -v`` through hub drops: the debug log shows the reconnects, never a secret.

A real process with the simulator as its child; every library logs at DEBUG (pysignalr and
websockets write the hub handshake's headers, httpx and httpcore every request), and the
hub is dropped and reconnected twice with fresh tokens.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from desktop.app.demo import DEMO_CLIENT_SECRET

pytestmark = pytest.mark.integration

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
CONTROL_TOKEN = "sim-control-token-for-the-test-7f3a"


def test_verbose_demo_through_hub_drops_logs_no_token_and_no_secret() -> None:
    # The simulator child inherits the app's environment: its control token is one we know.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DEALER_DESK_SIM_CONTROL_TOKEN": CONTROL_TOKEN}
    command = [sys.executable, "-m", "desktop.app.main", "--demo", "-v", "--smoke", "--smoke-settle", "0.2"]
    command += ["--scenario", "hub-drops:at=1,every=1.5", "--smoke-reconnects", "2", "--smoke-timeout", "60"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=110,
        env=env,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    # Not vacuous: debug logging was on, the handshake headers were logged, the hub reconnected.
    assert " DEBUG httpcore" in done.stderr
    assert "Authorization: <redacted>" in done.stderr
    assert "tick hub connected (connection 3)" in done.stderr
    assert "reconnecting in" in done.stderr
    smoke = re.search(r"SMOKE OK .* connections=(\d+)", done.stdout)
    assert smoke is not None
    assert int(smoke.group(1)) >= 3

    assert JWT.findall(output) == []
    assert DEMO_CLIENT_SECRET not in output
    assert CONTROL_TOKEN not in output
    assert "SimControl " not in output.replace("SimControl ***", "")
    assert "Control token" not in output
