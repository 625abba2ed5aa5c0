"""The command line (``python -m desktop.simulator``) and the push-rate benchmark."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys

import httpx
import pytest

from desktop.simulator.__main__ import main, parse_args
from desktop.simulator.tools import bench
from tests.simulator.sim_helpers import REPO

pytestmark = pytest.mark.integration


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_prints_its_address_and_control_token_and_exits_cleanly(signum: int) -> None:
    args = [sys.executable, "-m", "desktop.simulator", "--port", "0", "--seed", "3", "--tick-rate", "100",
            "--control-token", "let-me-in"]  # fmt: skip
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.fullmatch(r"Listening on (http://127\.0\.0\.1:(\d+))\n", line)
            assert match, line
            assert int(match.group(2)) > 0
            assert proc.stdout.readline() == "Control token: let-me-in\n"
            status = httpx.get(f"{match.group(1)}/_sim/status", headers={"Authorization": "SimControl let-me-in"})
            assert status.json()["ok"] is True
            response = httpx.get(f"{match.group(1)}/.well-known/openid-configuration", timeout=10)
            assert response.json()["token_endpoint"] == f"{match.group(1)}/connect/token"
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err
    assert out == ""
    assert err == ""


def test_control_token_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALER_DESK_SIM_CONTROL_TOKEN", "from-env")
    assert parse_args([]).control_token == "from-env"
    assert parse_args(["--control-token", "given"]).control_token == "given"
    monkeypatch.setenv("DEALER_DESK_SIM_CONTROL_TOKEN", "")
    assert parse_args([]).control_token is None


def test_cli_arguments() -> None:
    config = parse_args(["--seed", "9", "--tick-rate", "100000", "--client-id", "a", "--client-secret", "b",
                         "--token-lifetime", "60", "--port", "0"])  # fmt: skip
    assert (config.seed, config.tick_rate, config.client_id, config.client_secret) == (9, 100000.0, "a", "b")
    assert (config.token_lifetime, config.port, config.host) == (60, 0, "127.0.0.1")
    assert (config.scenarios, config.control_token) == ((), None)
    config = parse_args(["--scenario", "price-gap:points=5", "--scenario", "busy", "--control-token", "t"])
    assert (config.scenarios, config.control_token) == (("price-gap:points=5", "busy"), "t")
    for bad in (["--scenario", "nope"], ["--scenario", "busy:size=3"], ["--scenario", "busy:at=soon"]):
        with pytest.raises(SystemExit) as refused:
            parse_args(bad)
        assert refused.value.code == 2
    with pytest.raises(SystemExit) as bad:
        parse_args(["--tick-rate", "-1"])
    assert bad.value.code == 2
    with pytest.raises(SystemExit) as helped:
        main(["--help"])
    assert helped.value.code == 0


def test_bench_sustains_at_least_20000_ticks_per_second() -> None:
    result = asyncio.run(bench.run(rate=25_000, mode="stream", seconds=2.0, warmup=0.5))
    assert result.rate >= 20_000, result
    assert result.records / result.frames > 5, "ticks are batched into frames"
