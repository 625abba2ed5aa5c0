"""Account reads and writes over HTTP: batch reads, create, passwords, merge patch, full update, group ops, events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from desktop.simulator import SimulatorThread
from desktop.simulator.world.events import Event, UserChanged
from desktop.simulator.world.mt4.generator import DOCUMENTATION_LOGIN
from tests.simulator.sim_helpers import V2

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]
LOGIN = 100001


def request(http: httpx.Client, validate: Validate, method: str, template: str, path: str, **kwargs: Any) -> Any:
    response = http.request(method, f"{V2}/{path}", **kwargs)
    assert response.status_code == 200
    body = response.json()
    validate(method, template, body)
    return body


@pytest.fixture
def events(sim: SimulatorThread) -> Any:
    seen: list[Event] = []
    unsubscribe = sim.call(sim.control.events.subscribe, seen.append)
    yield seen
    sim.call(unsubscribe)


def user_events(seen: list[Event]) -> list[tuple[str, int]]:
    return [(e.kind, e.login) for e in seen if isinstance(e, UserChanged)]


def test_user_records_request(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    params = [("logins", 100003), ("logins", 999), ("Logins", 100001), ("logins", 100003)]
    body = request(http, validate_v2, "GET", "UserRecordsRequest", "UserRecordsRequest", params=params)
    assert [u["login"] for u in body["data"]] == [100003, 100001]
    assert body["data"][1] == request(http, validate_v2, "GET", "UserRecordGet/{login}", "UserRecordGet/100001")["data"]
    empty = request(http, validate_v2, "GET", "UserRecordsRequest", "UserRecordsRequest")
    assert empty["data"] == []
    bad = request(http, validate_v2, "GET", "UserRecordsRequest", "UserRecordsRequest", params={"logins": 0})
    assert bad["error"]["code"] == "Validation"


def test_user_record_new(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, events: list[Event]) -> None:
    dto = {
        "login": 0,
        "group": "demo\\eur-std",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "leverage": 0,
        "enableFlags": 3,
        "country": "United Kingdom",
        "balance": 1_000_000,
        "mqid": 12345,
    }
    created = request(http, validate_v2, "POST", "UserRecordNew", "UserRecordNew", json=dto)["data"]
    assert created["login"] == 101001  # one above the highest login
    assert (created["group"], created["name"], created["leverage"], created["balance"]) == (
        "demo\\eur-std",
        "Ada Lovelace",
        30,
        0.0,
    )
    assert (created["mqid"], created["enableFlags"], created["country"]) == (12345, 3, "United Kingdom")
    assert created["registrationDate"] == created["lastDate"]
    assert user_events(events) == [("Added", 101001)]
    chosen = request(http, validate_v2, "POST", "UserRecordNew", "UserRecordNew", json={**dto, "login": 555})
    assert chosen["data"]["login"] == 555
    taken = request(http, validate_v2, "POST", "UserRecordNew", "UserRecordNew", json={**dto, "login": 555})
    assert (taken["error"]["code"], taken["error"]["managerCode"]) == ("MT4Error", "InvalidData")
    too_long = request(http, validate_v2, "POST", "UserRecordNew", "UserRecordNew", json={**dto, "name": "n" * 128})
    assert too_long["error"]["managerCode"] == "InvalidData"
    assert 101001 in sim.control.accounts
    assert request(http, validate_v2, "GET", "UserRecordRequest/{login}", "UserRecordRequest/101001")["data"] == created


def test_passwords(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, events: list[Event]) -> None:
    def check(login: int, password: str) -> Any:
        return request(
            http, validate_v2, "POST", "UserPasswordCheck/{login}", f"UserPasswordCheck/{login}", json=password
        )

    def set_(login: int, password: str, **params: Any) -> Any:
        return request(
            http,
            validate_v2,
            "POST",
            "UserPasswordSet/{login}",
            f"UserPasswordSet/{login}",
            json=password,
            params=params,
        )

    assert check(LOGIN, f"Pw{LOGIN}")["data"] is True
    wrong = check(LOGIN, "nope")
    assert (wrong["data"], wrong["error"]["code"], wrong["error"]["managerCode"]) == (False, "MT4Error", "InvalidData")
    assert set_(LOGIN, "Secr3t!")["data"] is True
    assert check(LOGIN, "Secr3t!")["data"] is True
    assert check(LOGIN, f"Pw{LOGIN}")["error"] is not None
    assert set_(LOGIN, "investor1", changeInvestor="true")["data"] is True
    assert check(LOGIN, "investor1")["error"] is not None  # the check is against the main password
    assert set_(LOGIN, "x" * 16)["error"]["managerCode"] == "InvalidData"
    assert set_(LOGIN, "abcd", changeInvestor="maybe")["error"]["code"] == "Validation"
    created = request(
        http,
        validate_v2,
        "POST",
        "UserRecordNew",
        "UserRecordNew",
        json={"group": "real\\usd-std", "name": "No Password", "leverage": 100},
    )["data"]
    assert check(created["login"], "")["error"]["code"] == "MT4Error"
    assert user_events(events) == [("Added", created["login"])]  # passwords are not user-visible changes


def test_patch_user_record(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, events: list[Event]
) -> None:
    before = request(http, validate_v2, "GET", "UserRecordGet/{login}", f"UserRecordGet/{LOGIN}")["data"]
    patch = {
        "leverage": 500,
        "group": "real\\usd-pro",
        "name": "Renamed",
        "comment": None,
        "enableFlags": 7,
        "login": 42,
        "registrationDate": "2000-01-01T00:00:00Z",
        "whatever": [1, 2],
    }
    merged = request(http, validate_v2, "PATCH", "UserRecord/{login}", f"UserRecord/{LOGIN}", json=patch)["data"]
    expected = {**before, "leverage": 500, "group": "real\\usd-pro", "name": "Renamed", "comment": "", "enableFlags": 7}
    assert merged == expected
    assert user_events(events) == [("Updated", LOGIN)]
    same = request(http, validate_v2, "PATCH", "UserRecord/{login}", f"UserRecord/{LOGIN}", json={"leverage": 500})
    assert same["data"] == merged
    assert user_events(events) == [("Updated", LOGIN)]  # nothing changed: no event
    for bad, code in (
        ({"group": "real\\nope"}, "MT4Error"),
        ({"enableFlags": 16}, "MT4Error"),
        ({"email": "e" * 48}, "MT4Error"),
        ({"leverage": None}, "Validation"),
        ({"name": 5}, "Validation"),
        ({"mqid": 2**63}, "Validation"),
    ):
        answer = request(http, validate_v2, "PATCH", "UserRecord/{login}", f"UserRecord/{LOGIN}", json=bad)
        assert answer["error"]["code"] == code, bad
    assert sim.control.accounts[LOGIN].leverage == 500
    not_object = request(http, validate_v2, "PATCH", "UserRecord/{login}", f"UserRecord/{LOGIN}", json=[1])
    assert not_object["error"]["code"] == "Validation"


def test_patch_balance_bypasses_the_ledger(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    merged = request(
        http,
        validate_v2,
        "PATCH",
        "UserRecord/{login}",
        f"UserRecord/{LOGIN}",
        json={"balance": 1234.565, "credit": 10},
    )["data"]
    assert (merged["balance"], merged["credit"]) == (1234.57, 10.0)
    assert sim.control.accounts[LOGIN].balance_cents == 123457
    assert sim.control.book.ledger == []


def test_user_record_update_is_a_full_replace(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, events: list[Event]
) -> None:
    before = request(http, validate_v2, "GET", "UserRecordGet/{login}", f"UserRecordGet/{LOGIN}")["data"]
    dto = {
        "group": "real\\usd-std",
        "name": "Full Replace",
        "leverage": 100,
        "balance": before["balance"],
        "credit": before["credit"],
        "enableFlags": 3,
    }
    updated = request(http, validate_v2, "POST", "UserRecordUpdate/{login}", f"UserRecordUpdate/{LOGIN}", json=dto)[
        "data"
    ]
    assert (updated["name"], updated["email"], updated["country"], updated["mqid"]) == ("Full Replace", "", "", 0)
    for kept in ("login", "registrationDate", "lastDate", "lastIP", "prevBalance", "prevEquity"):
        assert updated[kept] == before[kept]
    assert user_events(events) == [("Updated", LOGIN)]
    missing_leverage = request(
        http,
        validate_v2,
        "POST",
        "UserRecordUpdate/{login}",
        f"UserRecordUpdate/{LOGIN}",
        json={"group": "real\\usd-std", "name": "x"},
    )
    assert missing_leverage["error"]["managerCode"] == "InvalidData"


def group_op(http: httpx.Client, validate: Validate, **body: Any) -> Any:
    return request(http, validate, "POST", "UsersGroupOp", "UsersGroupOp", json=body)


def test_users_group_op(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, events: list[Event]) -> None:
    accounts = sim.control.accounts
    idle = sorted(login for login, a in accounts.items() if not a.positions and login != DOCUMENTATION_LOGIN)[:2]
    busy = next(login for login, a in accounts.items() if a.positions)
    assert group_op(http, validate_v2, command="disable", logins=idle)["data"] is True
    assert all(not accounts[login].enabled for login in idle)
    assert group_op(http, validate_v2, command=1, logins=idle)["data"] is True  # 1 = Enable
    assert all(accounts[login].enabled for login in idle)
    assert group_op(http, validate_v2, command="Leverage", leverage=33, logins=idle)["data"] is True
    assert [accounts[login].leverage for login in idle] == [33, 33]
    assert group_op(http, validate_v2, command="SetGroup", newGroup="demo\\usd-std", logins=idle)["data"] is True
    assert {accounts[login].group for login in idle} == {"demo\\usd-std"}
    assert user_events(events) == [("Updated", login) for _ in range(4) for login in idle]
    events.clear()
    refused = group_op(http, validate_v2, command="Delete", logins=[idle[0], busy])
    assert (refused["data"], refused["error"]["managerCode"]) == (False, "InvalidData")
    assert idle[0] in accounts
    missing = group_op(http, validate_v2, command="Leverage", leverage=50, logins=[idle[0], 999])
    assert missing["error"]["code"] == "NotFound"
    assert accounts[idle[0]].leverage == 33
    assert group_op(http, validate_v2, command="Leverage", leverage=0, logins=idle)["error"]["code"] == "MT4Error"
    assert group_op(http, validate_v2, command="Delete", logins=idle)["data"] is True
    assert not set(idle) & set(accounts)
    assert user_events(events) == [("Deleted", login) for login in idle]
    assert sim.control.book.last_known(idle[0]) is not None
    gone = request(http, validate_v2, "GET", "UserRecordGet/{login}", f"UserRecordGet/{idle[0]}")
    assert gone["error"]["code"] == "NotFound"
    for body in (
        {"command": "Enable"},
        {"command": "Enable", "logins": [0]},
        {"command": "", "logins": [idle[0]]},
        {"command": "Enable", "logins": "1"},
    ):
        assert group_op(http, validate_v2, **body)["error"]["code"] == "Validation", body


def test_deposit_publishes_user_changed(sim: SimulatorThread, http: httpx.Client, events: list[Event]) -> None:
    deposit = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": LOGIN, "price": 50}
    assert http.post(f"{V2}/TradeTransaction", json=deposit).json()["error"] is None
    assert user_events(events) == [("Updated", LOGIN)]
