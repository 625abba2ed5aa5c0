"""Tenancy and token checks as a real IdentityServer and WebAPI make them.

Another organisation's client sees none of the demo organisation's platforms and changes
nothing through any route; tokens are checked for issuer, audience and lifetime with
ASP.NET Core's clock skew; a request naming a foreign host is refused (DNS rebinding).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import httpx
import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from desktop.simulator.config import (
    DEFAULT_CLOCK_SKEW,
    MT5_PLATFORM_ID,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    OTHER_ORGANIZATION_ID,
)
from desktop.simulator.server.app import build_router
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET, V2

pytestmark = pytest.mark.integration
SKEW = int(DEFAULT_CLOCK_SKEW)
_VALUES = {"login": "100005", "ticket": "1", "order": "1", "symbol": "EURUSD", "group": "demoforex",
           "mask": "*", "plugin": "x", "feeder": "x"}  # fmt: skip


#: What ``data`` holds on an error: null, or the empty value of a non-nullable scalar answer.
_NOTHING = (None, False, 0, "0001-01-01T00:00:00Z")


def _other_token(sim: SimulatorThread) -> str:
    form = {"grant_type": "client_credentials", "client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET}
    answer = httpx.post(f"{sim.url}/connect/token", data=form)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _platform_routes(sim: SimulatorThread) -> list[tuple[str, str]]:
    """Every route that names a trade platform, as (method, concrete path) on the demo platforms."""
    routes = []
    for route in build_router(sim.control).routes():
        if "{tradePlatform}" not in route.segments:
            continue
        mt5 = route.segments[2:3] == ("mt5",)
        parts = []
        for segment in route.segments:
            if segment == "{tradePlatform}":
                parts.append(MT5_PLATFORM_ID if mt5 else PLATFORM_ID)
            elif segment.startswith("{"):
                parts.append(_VALUES.get(segment.strip("{}"), "1"))
            else:
                parts.append(segment)
        routes.append((route.method, "/" + "/".join(parts)))
    return routes


def _state(sim: SimulatorThread) -> Any:
    book = sim.control.book
    accounts = tuple(dataclasses.astuple(a) for a in book.accounts.values())
    return accounts, len(book.ledger), len(book.recorded), len(book.closed), len(book.deleted)


_DEPOSIT = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": 100005, "price": 1,
            "type": "BrBalance", "cmd": "Balance", "volume": 0, "comment": "x",
            "group": "demoforex", "name": "Intruder"}  # fmt: skip


def test_another_organisation_lists_nothing_of_ours(sim: SimulatorThread) -> None:
    headers = {"Authorization": f"Bearer {_other_token(sim)}"}
    platforms = httpx.get(f"{sim.url}/api/TradePlatforms", headers=headers).json()
    assert platforms == []
    organisations = httpx.get(f"{sim.url}/api/Organizations", headers=headers).json()
    assert [o["id"] for o in organisations] == [OTHER_ORGANIZATION_ID]


def test_our_client_lists_both_of_its_platforms(sim: SimulatorThread, http: httpx.Client) -> None:
    assert [p["id"] for p in http.get("/api/TradePlatforms").json()] == [PLATFORM_ID, MT5_PLATFORM_ID]


def test_another_organisation_is_refused_on_every_platform_route_and_changes_nothing(sim: SimulatorThread) -> None:
    headers = {"Authorization": f"Bearer {_other_token(sim)}"}
    routes = _platform_routes(sim)
    assert len(routes) >= 49, routes  # 36 MT4 v2 + 9 MT5 v2 + 4 v1 at least
    before = sim.call(_state, sim)
    with httpx.Client(base_url=sim.url, headers=headers, timeout=30) as client:
        for number, (method, path) in enumerate(routes):
            body = _DEPOSIT if method in ("POST", "PATCH", "PUT") else None
            answer = client.request(method, path, json=body, headers={"Idempotency-Key": f"intruder-{number}"})
            assert answer.status_code == 200, (method, path, answer.status_code)
            envelope = answer.json()
            if path.lower().startswith("/api/v2/"):
                assert envelope["error"]["code"] == "Forbidden", (method, path, envelope)
                assert envelope["data"] in _NOTHING, (method, path, envelope)
            else:
                assert envelope["isError"] is True, (method, path, envelope)
                assert envelope["errorCode"] == "Forbidden"
                assert envelope["payload"] is None
    assert sim.call(_state, sim) == before


def test_a_token_fetched_under_a_forged_host_does_not_work(sim: SimulatorThread) -> None:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    forged = {"Host": f"evil.example:{sim.port}"}
    refused = httpx.post(f"{sim.url}/connect/token", data=form, headers=forged)
    assert refused.status_code == 400
    assert "Invalid Hostname" in refused.text
    token = sim.control.mint_token(issuer=f"http://evil.example:{sim.port}")
    answer = httpx.get(f"{sim.url}{V2}/ServerTime", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert "issuer" in answer.headers["WWW-Authenticate"].lower()


@pytest.mark.parametrize("path", ["/api/TradePlatforms", f"{V2}/ServerTime", "/.well-known/openid-configuration",
                                  "/hubs/mt4/v2/negotiate"])  # fmt: skip
def test_a_rebound_dns_name_is_refused_everywhere(sim: SimulatorThread, http: httpx.Client, path: str) -> None:
    answer = http.get(path, headers={"Host": f"attacker.example:{sim.port}"})
    assert answer.status_code == 400
    for name in ("localhost", "127.0.0.1", "app.localhost"):
        fine = http.get("/.well-known/openid-configuration", headers={"Host": f"{name}:{sim.port}"})
        assert fine.status_code == 200, name


def _minted_at(sim: SimulatorThread, shift: float, lifetime: int = 60) -> str:
    issuer = sim.control.issuer

    def mint() -> str:
        real = issuer.clock
        issuer.clock = lambda: time.time() + shift
        try:
            return sim.control.mint_token(lifetime=lifetime)
        finally:
            issuer.clock = real

    return sim.call(mint)


def _status(sim: SimulatorThread, token: str) -> int:
    return httpx.get(f"{sim.url}{V2}/ServerTime", headers={"Authorization": f"Bearer {token}"}).status_code


def test_lifetime_is_checked_with_the_aspnet_clock_skew(sim: SimulatorThread) -> None:
    assert _status(sim, _minted_at(sim, shift=SKEW + 60)) == 401, "nbf beyond the skew"
    assert _status(sim, _minted_at(sim, shift=SKEW - 60)) == 200, "nbf within the skew"
    assert _status(sim, sim.control.mint_token(lifetime=-(SKEW - 60))) == 200, "expired within the skew"
    assert _status(sim, sim.control.mint_token(lifetime=-(SKEW + 5))) == 401, "expired beyond the skew"


def test_short_token_fault_still_bites_inside_the_skew(sim: SimulatorThread) -> None:
    issuer = sim.control.issuer
    sim.call(setattr, issuer, "short_lifetime", 30)
    try:
        token = sim.control.mint_token()
    finally:
        sim.call(setattr, issuer, "short_lifetime", None)
    assert _status(sim, token) == 200
    real = issuer.clock
    sim.call(setattr, issuer, "clock", lambda: real() + 40)  # past exp, well inside the skew
    try:
        assert _status(sim, token) == 401
    finally:
        sim.call(setattr, issuer, "clock", real)
