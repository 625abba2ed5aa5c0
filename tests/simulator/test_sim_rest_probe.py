"""Probe of the WebAPI surface: every operation path of the vendor spec, sent once with a valid token.

An operation counts as served when it answers HTTP 200 with the v2 envelope (``data``,
``error``, ``meta.activityId``), whatever the envelope says; an unserved one is a bare 404.
The count is written to the terminal (``probe: served=N of 172``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from desktop.simulator import MT5_PLATFORM_ID, PLATFORM_ID, SimConfig, SimulatorThread
from desktop.simulator.rest.pipeline import v2 as rest_v2
from tests.contract import spec as vendor_spec
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.integration
#: Operations served by this simulator (each further operation raises it).
SERVED_AT_LEAST = 102
METHODS = ("get", "post", "put", "patch", "delete")
#: Plausible values of the path parameters (MT4; MT5 logins are its own).
VALUES = {"login": "100001", "symbol": "EURUSD", "group": "real\\usd-std", "order": "4100001",
          "ticket": "4100001", "pos": "0", "mask": "*", "key": "1", "mode": "0", "file": "users.dat",
          "licenseName": "webapi", "name": "Simulated quotes"}  # fmt: skip
MT5_VALUES = {**VALUES, "login": "3000000001", "group": "real\\retail\\usd"}


def operations() -> list[tuple[str, str]]:
    """Return ``(method, path)`` of every operation of the spec."""
    paths: dict[str, dict[str, Any]] = vendor_spec()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item if method in METHODS]


def concrete(path: str) -> str:
    """Fill a spec path's parameters with plausible values."""
    mt5 = path.startswith("/api/v2/MT5/")
    values = {**(MT5_VALUES if mt5 else VALUES), "tradePlatform": MT5_PLATFORM_ID if mt5 else PLATFORM_ID}
    return re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], path)


def is_envelope(response: httpx.Response) -> bool:
    """Tell whether an answer is the v2 envelope."""
    if response.status_code != 200:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and {"data", "error", "meta"} <= body.keys() and "activityId" in (body["meta"] or {})


@pytest.fixture(scope="module")
def probe_http() -> Iterator[httpx.Client]:
    with SimulatorThread(SimConfig(seed=1, tick_rate=0, accounts=50)) as sim:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        token = httpx.post(f"{sim.url}/connect/token", data=form).raise_for_status().json()["access_token"]
        with httpx.Client(base_url=sim.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            yield client


def test_the_probe_counts_the_served_operations(probe_http: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    ops = operations()
    assert len(ops) == 172
    served = set()
    for method, path in ops:
        body = {} if method in ("POST", "PUT", "PATCH") else None
        response = probe_http.request(method, concrete(path), json=body)
        if is_envelope(response):
            served.add((method, path))
        else:
            assert response.status_code == 404, (method, path, response.status_code, response.text[:200])
    with capsys.disabled():
        sys.stdout.write(f"\nprobe: served={len(served)} of {len(ops)}\n")
    registered = {(op.method, rest_v2.PREFIX + op.action) for op in rest_v2.OPERATIONS}
    registered |= {(op.method, rest_v2.MT5_PREFIX + op.action) for op in rest_v2.MT5_OPERATIONS}
    assert registered - served == set()
    assert len(served) >= SERVED_AT_LEAST
