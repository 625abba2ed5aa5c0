"""v2 read operations and the unversioned endpoints, validated against the vendor spec."""

from __future__ import annotations

import base64
import re
import time
from calendar import timegm
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from desktop.simulator import ORGANIZATION_ID, PLATFORM_ID, SimulatorThread
from tests.simulator.sim_helpers import V2

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]


def get(http: httpx.Client, action: str, validate: Validate, template: str | None = None, **params: Any) -> Any:
    response = http.get(f"{V2}/{action}", params=params)
    assert response.status_code == 200
    body = response.json()
    validate("GET", template or action, body)
    assert re.fullmatch(r"[0-9a-f]{32}", body["meta"]["activityId"])
    return body


def error_of(body: dict[str, Any]) -> tuple[str, Any]:
    assert body["data"] is None or isinstance(body["data"], str)
    return body["error"]["code"], body["error"]["managerCode"]


def test_server_time(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    response = http.get(f"{V2}/ServerTime")
    body = response.json()
    validate_v2("GET", "ServerTime", body)
    assert set(body) == {"data", "error", "meta"}
    assert body["error"] is None
    assert "paging" not in body["meta"]
    assert response.headers["X-Request-Timeout-Applied"] == "10"
    stamp = timegm(time.strptime(body["data"], "%Y-%m-%dT%H:%M:%SZ"))
    assert abs(stamp - time.time()) < 5


def test_users_request_without_limit_is_one_page(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    body = get(http, "UsersRequest", validate_v2)
    logins = [user["login"] for user in body["data"]]
    assert len(logins) == 1001  # 1,000 generated accounts and the documentation's login 1000
    assert logins == sorted(logins)
    assert logins[:2] == [1000, 100001]
    assert body["meta"]["paging"] == {"nextCursor": None, "hasMore": False}


def test_users_request_pages_through_everything(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    everything = get(http, "UsersRequest", validate_v2)["data"]
    seen: list[dict[str, Any]] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 137} | ({"cursor": cursor} if cursor else {})
        body = get(http, "UsersRequest", validate_v2, **params)
        paging = body["meta"]["paging"]
        seen += body["data"]
        pages += 1
        assert paging["hasMore"] is (paging["nextCursor"] is not None)
        if not paging["hasMore"]:
            break
        assert len(body["data"]) == 137
        assert base64.b64decode(paging["nextCursor"]).decode() == str(body["data"][-1]["login"])
        cursor = paging["nextCursor"]
    assert pages == 8
    assert seen == everything


def test_users_paging_is_stable_under_inserts(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    first = get(http, "UsersRequest", validate_v2, limit=500)
    sim.call(sim.control.add_account, 100000, "real\\usd-std", "Inserted Below")
    sim.call(sim.control.add_account, 200000, "real\\usd-std", "Inserted Above")
    rest = get(http, "UsersRequest", validate_v2, limit=5000, cursor=first["meta"]["paging"]["nextCursor"])
    logins = [u["login"] for u in first["data"] + rest["data"]]
    assert len(logins) == len(set(logins)) == 1002
    assert 200000 in logins
    assert 100000 not in logins
    assert rest["meta"]["paging"] == {"nextCursor": None, "hasMore": False}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 5001}, {"limit": "ten"}, {"cursor": "%%%"},
                                    {"cursor": base64.b64encode(b"abc").decode()}])  # fmt: skip
def test_users_request_rejects_bad_paging(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate,
                                          params: dict[str, Any]) -> None:  # fmt: skip
    body = get(http, "UsersRequest", validate_v2, **params)
    assert error_of(body) == ("Validation", None)


def test_users_request_accepts_max_limit(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    assert len(get(http, "UsersRequest", validate_v2, limit=5000)["data"]) == 1001


@pytest.mark.parametrize("action", ["UserRecordGet", "UserRecordRequest"])
def test_user_record(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, action: str) -> None:
    body = get(http, f"{action}/100001", validate_v2, f"{action}/{{login}}")
    user = body["data"]
    account = sim.control.accounts[100001]
    assert user["login"] == 100001
    assert user["balance"] == account.balance_cents / 100
    assert user["group"] == account.group
    assert len(user["group"]) <= 16
    assert user["name"]
    assert user["email"]
    assert user["country"]


@pytest.mark.parametrize(("login", "code"), [("999", "NotFound"), ("0", "Validation"), ("-5", "Validation"),
                                              ("abc", "Validation"), ("2147483648", "Validation")])  # fmt: skip
def test_user_record_errors(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, login: str,
                            code: str) -> None:  # fmt: skip
    for action in ("UserRecordGet", "UserRecordRequest"):
        body = get(http, f"{action}/{login}", validate_v2, f"{action}/{{login}}")
        assert error_of(body) == (code, None)
        assert body["error"]["message"]


def _check_margin(level: dict[str, Any]) -> None:
    assert level["free"] == pytest.approx(level["equity"] - level["margin"], abs=0.011)
    if level["margin"] > 0:
        assert level["level"] == pytest.approx(level["equity"] / level["margin"] * 100, rel=1e-3, abs=0.01)
    assert level["controllingType"] == "Percent"


def test_margins_get(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    levels = get(http, "MarginsGet", validate_v2)["data"]
    with_positions = {login for login, a in sim.control.accounts.items() if a.positions}
    assert {level["login"] for level in levels} == with_positions
    assert len(levels) > 500
    for level in levels:
        _check_margin(level)
    kinds = {level["levelType"] for level in levels}
    assert {"Ok", "MarginCall"} <= kinds
    near_call = [lv for lv in levels if 100 < lv["level"] < 160]
    assert len(near_call) >= 10


def test_margin_level_get_and_request(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    accounts = sim.control.accounts
    busy = next(login for login, a in accounts.items() if a.positions)
    idle = next(login for login, a in accounts.items() if not a.positions)
    for action in ("MarginLevelGet", "MarginLevelRequest"):
        level = get(http, f"{action}/{busy}", validate_v2, f"{action}/{{login}}")["data"]
        _check_margin(level)
        assert level["volume"] == sum(p.volume for p in accounts[busy].positions)
        state = sim.control.state_of(busy)
        assert level["balance"] == pytest.approx(state.balance)
    cached = get(http, f"MarginLevelGet/{idle}", validate_v2, "MarginLevelGet/{login}")
    assert error_of(cached) == ("NotFound", None)
    live = get(http, f"MarginLevelRequest/{idle}", validate_v2, "MarginLevelRequest/{login}")["data"]
    assert (live["margin"], live["level"], live["levelType"]) == (0.0, 0.0, "Ok")
    assert live["equity"] == pytest.approx(live["balance"] + accounts[idle].credit_cents / 100)
    missing = get(http, "MarginLevelRequest/999", validate_v2, "MarginLevelRequest/{login}")
    assert error_of(missing) == ("NotFound", None)


def test_equity_follows_prices(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    login = next(login for login, a in sim.control.accounts.items() if a.positions)
    before = get(http, f"MarginLevelRequest/{login}", validate_v2, "MarginLevelRequest/{login}")["data"]
    for _ in range(20):
        sim.call(sim.control.advance, 20_000)
        after = get(http, f"MarginLevelRequest/{login}", validate_v2, "MarginLevelRequest/{login}")["data"]
        if after["equity"] != before["equity"]:
            break
    assert after["equity"] != before["equity"]
    assert after["balance"] == before["balance"]


def test_tick_info_last(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    ticks = get(http, "TickInfoLast", validate_v2)["data"]
    assert len(ticks) >= 30
    names = {tick["symbol"] for tick in ticks}
    assert {"EURUSD", "XAUUSD", "XAGUSD", "US30", "NAS100", "GER40", "BTCUSD", "ETHUSD"} <= names
    for tick in ticks:
        assert tick["ask"] > tick["bid"] > 0
    one = get(http, "TickInfoLast/eurusd", validate_v2, "TickInfoLast/{symbol}")["data"]
    assert one["symbol"] == "EURUSD"
    unknown = get(http, "TickInfoLast/NOPE", validate_v2, "TickInfoLast/{symbol}")
    assert error_of(unknown) == ("NotFound", None)
    too_long = get(http, "TickInfoLast/ABCDEFGHIJKLM", validate_v2, "TickInfoLast/{symbol}")
    assert error_of(too_long) == ("Validation", None)


def test_symbol_config(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    configs = get(http, "CfgRequestSymbol", validate_v2)["data"]
    by_name = {c["symbol"]: c for c in configs}
    assert len(by_name) >= 30
    assert by_name["EURUSD"]["digits"] == 5
    assert by_name["USDJPY"]["digits"] == 3
    assert by_name["EURUSD"]["contractSize"] == 100000
    assert by_name["EURUSD"]["marginCurrency"] == "EUR"
    assert by_name["XAUUSD"]["contractSize"] == 100
    assert by_name["BTCUSD"]["profitCalculationMode"] == "CFD"
    one = get(http, "CfgRequestSymbol/GER40", validate_v2, "CfgRequestSymbol/{symbol}")["data"]
    assert one == by_name["GER40"]
    assert one["currency"] == "EUR"
    for symbol, code in (("NOPE", "NotFound"), ("ABCDEFGHIJKLM", "Validation")):
        body = get(http, f"CfgRequestSymbol/{symbol}", validate_v2, "CfgRequestSymbol/{symbol}")
        assert error_of(body) == (code, None)


def test_trade_platforms_is_a_bare_array(sim: SimulatorThread, http: httpx.Client) -> None:
    platforms = http.get("/api/TradePlatforms").json()
    assert isinstance(platforms, list)
    assert [p["type"] for p in platforms] == ["MT4", "MT5"]
    platform = platforms[0]
    assert platform["id"] == PLATFORM_ID
    assert platform["type"] == "MT4"
    assert platform["name"] == "Dealer Desk Demo MT4"
    assert isinstance(platform["login"], int)
    assert platform["organizationId"] == platform["organization"]["id"] == ORGANIZATION_ID
    assert set(platform["organization"]) == {"id", "name", "created"}
    assert platform["created"].endswith("Z")


def test_organizations_is_a_bare_array(sim: SimulatorThread, http: httpx.Client) -> None:
    organizations = http.get("/api/organizations").json()
    assert organizations == [http.get("/api/TradePlatforms").json()[0]["organization"]]
