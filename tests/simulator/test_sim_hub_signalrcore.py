"""The hub with the ``signalrcore`` Python client, 1.0.2 (what the vendor SDK's ``[signalr]`` extra installs) and 0.9.5.

The two releases pin different dependencies, so each gets a virtualenv of its own (made once
and kept in the pytest cache, or in a temporary directory without one) and runs
``hub_signalrcore_client.py`` against the session simulator on loopback. signalrcore 1.0.2
negotiates without ``negotiateVersion`` and then hands the handshake version 0, which
ASP.NET Core accepts. Its long-polling transport sends its polls without the token, so an
authenticated hub (ASP.NET Core's and this one) answers them 401; it is not tried here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator.hub_helpers import TICK_FIELDS, check_payload
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.integration

VERSIONS = ("1.0.2", "0.9.5")
SCRIPT = Path(__file__).resolve().parent / "hub_signalrcore_client.py"
#: Words of pip's output when the package index cannot be reached (the only reason to skip).
_OFFLINE = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
            "Network is unreachable", "No matching distribution found", "Could not fetch URL")  # fmt: skip


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _prepare(root: Path, version: str) -> subprocess.Popen[str] | None:
    """Start making the virtualenv of ``version`` (None when a finished one is there)."""
    venv = root / f"signalrcore-{version}"
    if (venv / "ready").is_file():
        return None
    script = (
        f"import subprocess, sys, venv; venv.create({str(venv)!r}, with_pip=True, clear=True); "
        f"subprocess.run([{str(_python(venv))!r}, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', "
        f"'signalrcore=={version}'], check=True)"
    )
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="session")
def signalrcore_pythons(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Python of a virtualenv with each signalrcore release installed."""
    cache = getattr(request.config, "cache", None)
    root = Path(cache.mkdir("signalrcore")) if cache is not None else tmp_path_factory.mktemp("signalrcore")
    jobs = {version: _prepare(root, version) for version in VERSIONS}
    for version, job in jobs.items():
        if job is None:
            continue
        output, _ = job.communicate(timeout=600)
        if job.returncode != 0:
            if any(word in output for word in _OFFLINE):
                pytest.skip(f"pip cannot reach the package index to install signalrcore=={version}: {output[-300:]}")
            raise AssertionError(f"installing signalrcore=={version} failed:\n{output}")
        (root / f"signalrcore-{version}" / "ready").write_text(version)
    return {version: _python(root / f"signalrcore-{version}") for version in VERSIONS}


def _run(python: Path, sim: SimulatorThread, *transport: str) -> dict[str, Any]:
    completed = subprocess.run(
        [str(python), str(SCRIPT), sim.url, CLIENT_ID, CLIENT_SECRET, PLATFORM_ID, *transport],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(params=VERSIONS)
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _receives_ticks(result: dict[str, Any]) -> None:
    assert result["errors"] == []
    assert result["opened"] is True
    assert result["status"] == {"connected": True}
    assert result["completions"] == 1, "SubscribeToTicks completed"
    assert result["ticked"] is True
    assert len(result["ticks"]) == 3
    for tick in result["ticks"]:
        check_payload(tick, TICK_FIELDS)
        assert tick["symbol"] == "EURUSD"


def test_signalrcore_connects_subscribes_and_receives_ticks(
    signalrcore_pythons: dict[str, Path], sim: SimulatorThread, version: str
) -> None:
    result = _run(signalrcore_pythons[version], sim)
    _receives_ticks(result)
    assert result["transport"] == "WebsocketTransport"


def test_signalrcore_1_0_on_server_sent_events(signalrcore_pythons: dict[str, Path], sim: SimulatorThread) -> None:
    result = _run(signalrcore_pythons["1.0.2"], sim, "ServerSentEvents")
    _receives_ticks(result)
    assert result["transport"] == "SSETransport"
