"""The MT5 platform: its entry in TradePlatforms and the /api/v2/MT5 operations over HTTP, against the spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from desktop.simulator import PLATFORM_ID, SimConfig, SimControl, SimulatorThread
from desktop.simulator.world.mt5.platform import (
    FIRST_MT5_LOGIN,
    MT5_PLATFORM_ID,
    USER_RIGHTS,
    mask_matches,
    parse_flags,
)

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]
V5 = f"/api/v2/MT5/{MT5_PLATFORM_ID}"


def get(http: httpx.Client, validate: Validate, template: str, path: str, **params: Any) -> Any:
    body = http.get(f"{V5}/{path}", params=params).json()
    validate("GET", "MT5/" + template, body)
    return body


def patch(http: httpx.Client, validate: Validate, login: int, changes: Any) -> Any:
    body = http.patch(f"{V5}/UserRecord/{login}", json=changes).json()
    validate("PATCH", "MT5/UserRecord/{login}", body)
    return body


def test_trade_platforms_lists_mt4_then_mt5(sim: SimulatorThread, http: httpx.Client) -> None:
    platforms = http.get("/api/TradePlatforms").json()
    assert [(p["id"], p["type"]) for p in platforms] == [(PLATFORM_ID, "MT4"), (MT5_PLATFORM_ID, "MT5")]
    assert platforms[1]["name"] == "Dealer Desk Demo MT5"
    assert platforms[1]["organization"] == platforms[0]["organization"]


def test_user_get_and_int64_logins(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    user = get(http, validate_v2, "UserGet/{login}", f"UserGet/{FIRST_MT5_LOGIN}")["data"]
    assert user["login"] == FIRST_MT5_LOGIN > 2**31
    assert user["rights"] == "Enabled, Password, Trailing, Expert"
    assert user["name"] == f"{user['firstName']} {user['lastName']}"
    assert user["registration"].endswith("Z")
    assert user["eMail"].endswith("@example.com")
    assert get(http, validate_v2, "UserGet/{login}", f"UserGet/{2**63}")["error"]["code"] == "Validation"


def test_patch_user(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    before = get(http, validate_v2, "UserGet/{login}", f"UserGet/{FIRST_MT5_LOGIN}")["data"]
    changes = {
        "rights": "enabled, readonly, Bit30",
        "leverage": 50,
        "eMail": "new@example.com",
        "name": "Display",
        "balance": 1e9,
        "registration": None,
        "unknownKey": 1,
        "group": "real\\pro\\usd",
    }
    merged = patch(http, validate_v2, FIRST_MT5_LOGIN, changes)["data"]
    assert merged == {
        **before,
        "rights": "Enabled, Readonly, Bit30",
        "leverage": 50,
        "eMail": "new@example.com",
        "name": "Display",
        "group": "real\\pro\\usd",
    }
    assert patch(http, validate_v2, FIRST_MT5_LOGIN, {"rights": 3})["data"]["rights"] == "Enabled, Password"
    assert patch(http, validate_v2, FIRST_MT5_LOGIN, {"rights": 0})["data"]["rights"] == "None"
    for bad, code in (
        ({"group": "nope"}, "MT5Error"),
        ({"leverage": 0}, "MT5Error"),
        ({"eMail": "e" * 65}, "MT5Error"),
        ({"agent": -1}, "MT5Error"),
        ({"rights": "Enabled, Root"}, "Validation"),
        ({"rights": -1}, "Validation"),
        ({"leverage": "50"}, "Validation"),
    ):
        answer = patch(http, validate_v2, FIRST_MT5_LOGIN, bad)
        assert answer["error"]["code"] == code, bad
        assert answer["error"]["managerCode"] == ("InvalidData" if code == "MT5Error" else None)
    assert patch(http, validate_v2, FIRST_MT5_LOGIN, [1])["error"]["code"] == "Validation"


def test_group_symbol_manager_and_time(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    group = get(http, validate_v2, "GroupGet/{group}", "GroupGet/real\\retail\\eur")["data"]
    assert (group["group"], group["currency"], group["marginCall"], group["marginStopOut"]) == (
        "real\\retail\\eur",
        "EUR",
        100.0,
        50.0,
    )
    assert get(http, validate_v2, "GroupGet/{group}", "GroupGet/REAL\\retail\\eur")["error"]["code"] == "NotFound"
    symbol = get(http, validate_v2, "SymbolGet/{symbol}", "SymbolGet/usdjpy")["data"]
    assert (symbol["symbol"], symbol["digits"], symbol["contractSize"], symbol["volumeMin"], symbol["volumeStep"]) == (
        "USDJPY",
        3,
        100000.0,
        100,
        100,
    )
    assert len(symbol["sessionTrade"]) == 7
    assert symbol["sessionTrade"][0] == []  # no trading on Sunday
    manager = get(http, validate_v2, "ManagerCurrent", "ManagerCurrent")["data"]
    assert manager["login"] == 1000
    assert "Admin" in manager["right"]
    assert get(http, validate_v2, "ServerTime", "ServerTime")["data"].endswith("Z")


def test_masks_and_paging(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    book = sim.control.mt5
    real = {login for login, user in book.users.items() if user.group.startswith("real")}
    positions = get(http, validate_v2, "PositionByGroup/{mask}", "PositionByGroup/real*")
    assert positions["meta"]["paging"] == {"nextCursor": None, "hasMore": False}
    ids = [p["position"] for p in positions["data"]]
    assert ids == sorted(p.position for p in book.positions if p.login in real)
    assert {p["login"] for p in positions["data"]} <= real
    pages: list[int] = []
    cursor = None
    while True:
        page = get(
            http,
            validate_v2,
            "PositionByGroup/{mask}",
            "PositionByGroup/REAL*",
            limit=4,
            **({"cursor": cursor} if cursor else {}),
        )
        pages += [p["position"] for p in page["data"]]
        cursor = page["meta"]["paging"]["nextCursor"]
        if cursor is None:
            break
    assert pages == ids
    not_pro = get(http, validate_v2, "PositionByGroup/{mask}", "PositionByGroup/real*,!*pro*")["data"]
    assert {p["login"] for p in not_pro} == {p["login"] for p in positions["data"]} - {
        login for login, u in book.users.items() if "pro" in u.group
    }
    assert get(http, validate_v2, "PositionByGroup/{mask}", "PositionByGroup/nothing*")["data"] == []


def test_orders_and_deals(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    book = sim.control.mt5
    orders = get(http, validate_v2, "OrderByGroup/{mask}", "OrderByGroup/*")["data"]
    assert orders
    assert {o["state"] for o in orders} == {"Placed"}
    assert [o["order"] for o in orders] == sorted(o.order for o in book.orders if o.state == "Placed")
    deals = get(http, validate_v2, "DealByGroup/{mask}", "DealByGroup/*")["data"]
    assert [d["deal"] for d in deals] == sorted(d.deal for d in book.deals)
    for login, user in list(book.users.items())[:10]:
        mine = [d for d in deals if d["login"] == login]
        assert mine[0]["action"] == "Balance"
        assert round(sum(d["profit"] for d in mine) * 100) == user.balance_cents
    opened = {d["positionID"] for d in deals if d["entry"] == "In" and d["positionID"]}
    assert {p.position for p in book.positions} <= opened


def test_mt5_book_is_seeded_and_reset() -> None:
    one, two = (
        SimControl(SimConfig(seed=3, tick_rate=0, accounts=5)),
        SimControl(SimConfig(seed=3, tick_rate=0, accounts=5)),
    )
    assert one.mt5 == two.mt5
    assert one.mt5 != SimControl(SimConfig(seed=4, tick_rate=0, accounts=5)).mt5
    one.mt5.users[FIRST_MT5_LOGIN].leverage = 1
    book = one.mt5
    one.reset()
    assert one.mt5 is book
    assert one.mt5 == two.mt5
    assert one.mt5.owns(FIRST_MT5_LOGIN)
    assert not one.mt5.owns(100001)


def test_masks_and_flags_rules() -> None:
    assert mask_matches("real*", "real\\retail\\usd")
    assert mask_matches("demo*,REAL\\PRO*", "real\\pro\\usd")
    assert not mask_matches("real*,!*usd", "real\\retail\\usd")
    assert not mask_matches("!demo*", "real\\retail\\usd")
    assert parse_flags("None", USER_RIGHTS) == 0
    assert parse_flags(" enabled ,  password ", USER_RIGHTS) == 3
    assert parse_flags("Bit12, Expert", USER_RIGHTS) == 0x1040
    with pytest.raises(ValueError, match="not a valid"):
        parse_flags(True, USER_RIGHTS)


def test_mt5_account_state_matches_positions() -> None:
    from desktop.simulator.rest.v2.dto.mt5 import mt5_position
    from desktop.simulator.world.mt5.platform import mt5_group

    control = SimControl(SimConfig(seed=1, tick_rate=0, accounts=5))
    book = control.mt5
    login = next(p.login for p in book.positions)
    user = book.users[login]
    group = mt5_group(user.group)
    assert group is not None
    state = book.state(login, control.feed)
    mine = [mt5_position(control.feed, p, group.currency) for p in book.positions if p.login == login]
    assert state.profit == pytest.approx(sum(p["profit"] + p["storage"] for p in mine), abs=0.01 * len(mine))
    assert state.equity == pytest.approx(user.balance_cents / 100 + user.credit_cents / 100 + state.profit)
    assert state.margin > 0
    assert state.level == pytest.approx(state.equity / state.margin * 100)
    assert state.volume == sum(p["volume"] for p in mine) // 100
