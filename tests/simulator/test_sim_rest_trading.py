"""``TradeTransaction`` balance/credit operations, money rules and ``Idempotency-Key``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from desktop.simulator import SimulatorThread
from tests.simulator.sim_helpers import V2

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]
LOGIN = 100001


def balance(login: int = LOGIN, **extra: Any) -> dict[str, Any]:
    return {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": login, **extra}


def post(http: httpx.Client, validate: Validate, body: Any, key: str | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    response = http.post(f"{V2}/TradeTransaction", json=body, headers=headers)
    assert response.status_code == 200
    validate("POST", "TradeTransaction", response.json())
    return response


def cents(sim: SimulatorThread, login: int = LOGIN) -> tuple[int, int]:
    account = sim.control.accounts[login]
    return account.balance_cents, account.credit_cents


def test_deposit_changes_balance(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    before, _ = cents(sim)
    body = post(http, validate_v2, balance(price=500.25, comment="Deposit #8812")).json()
    data = body["data"]
    assert body["error"] is None
    assert data["order"] > 0
    assert (data["tradeTransactionType"], data["tradeCommand"], data["orderBy"]) == ("BrBalance", "Balance", LOGIN)
    assert (data["price"], data["comment"], data["tradeRequestFlags"]) == (500.25, "Deposit #8812", "None")
    assert cents(sim)[0] == before + 50025
    user = http.get(f"{V2}/UserRecordRequest/{LOGIN}").json()["data"]
    assert user["balance"] == (before + 50025) / 100
    [op] = sim.control.book.ledger
    assert (op.ticket, op.amount_cents, op.credit) == (data["order"], 50025, False)


def test_withdrawal_within_free_margin(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    before, _ = cents(sim)
    body = post(http, validate_v2, balance(price=-100.1)).json()
    assert body["error"] is None
    assert cents(sim)[0] == before - 10010


def test_money_is_exact_in_cents(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    before, _ = cents(sim)
    for amount in (0.1, 0.2, 0.005, -0.3):
        post(http, validate_v2, balance(price=amount))
    assert cents(sim)[0] == before + 10 + 20 + 1 - 30


def test_withdrawal_beyond_free_margin_is_trade_no_money(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    book = sim.control.book
    stretched = next(
        login
        for login, account in book.accounts.items()
        if account.positions and 100 < book.state(account).free < account.balance_cents / 100 - 1000
    )
    state = sim.control.state_of(stretched)
    before = cents(sim, stretched)
    amount = round((state.free + state.balance) / 2, 2)  # above free margin, below the balance
    body = post(http, validate_v2, balance(stretched, price=-amount)).json()
    assert body["data"] is None
    assert (body["error"]["code"], body["error"]["managerCode"]) == ("MT4Error", "TradeNoMoney")
    assert cents(sim, stretched) == before
    assert sim.control.book.ledger == []


def test_credit_in_and_out(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    balance_before, credit_before = cents(sim)
    post(http, validate_v2, balance(price=250, tradeCommand="Credit"))
    assert cents(sim) == (balance_before, credit_before + 25000)
    post(http, validate_v2, balance(price=-100, tradeCommand="credit"))
    assert cents(sim) == (balance_before, credit_before + 15000)
    too_much = -(credit_before + 15000) / 100 - 1
    body = post(http, validate_v2, balance(price=too_much, tradeCommand="Credit")).json()
    assert (body["error"]["code"], body["error"]["managerCode"]) == ("MT4Error", "TradeNoMoney")
    assert cents(sim) == (balance_before, credit_before + 15000)


def test_numeric_enum_values_are_accepted(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    body = post(http, validate_v2, {"tradeTransactionType": 83, "tradeCommand": 6, "orderBy": LOGIN, "price": 1,
                                    "tradeRequestFlags": "api, Expert"}).json()  # fmt: skip
    assert body["error"] is None
    assert (body["data"]["tradeTransactionType"], body["data"]["tradeCommand"]) == ("BrBalance", "Balance")
    assert body["data"]["tradeRequestFlags"] == "Expert, API"


@pytest.mark.parametrize(
    "body",
    [
        balance(price=0),
        balance(price=0.004),
        balance(price=10, comment="x" * 33),
        balance(0, price=10),
        {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "price": 10},
        balance(price=10, tradeTransactionType="Teleport"),
        balance(price=10, tradeCommand="Gift"),
        balance(price=10, tradeRequestFlags="Urgent"),
        balance(price="10"),
        balance(price=10, orderBy="100001"),
        balance(price=10, symbol="ABCDEFGHIJKLM"),
        balance(price=10, expiration="soon"),
        {"tradeCommand": "Balance", "orderBy": LOGIN, "price": 10},
        [balance(price=10)],
    ],
)
def test_validation_errors_change_nothing(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, body: Any
) -> None:
    before = cents(sim)
    answer = post(http, validate_v2, body).json()
    assert answer["data"] is None
    assert answer["error"]["code"] == "Validation"
    assert cents(sim) == before


def test_malformed_json_is_validation(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    response = http.post(f"{V2}/TradeTransaction", content=b"{not json", headers={"Content-Type": "application/json"})
    body = response.json()
    validate_v2("POST", "TradeTransaction", body)
    assert body["error"]["code"] == "Validation"


def test_unknown_login_is_not_found(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    body = post(http, validate_v2, balance(999, price=10)).json()
    assert (body["error"]["code"], body["error"]["managerCode"]) == ("NotFound", None)


def test_other_transactions_are_refused_by_the_trade_server(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    close_by = {"tradeTransactionType": "CloseBy", "order": 4100001, "orderBy": LOGIN}
    body = post(http, validate_v2, close_by).json()
    assert (body["error"]["code"], body["error"]["managerCode"]) == ("MT4Error", "TradeDisable")
    no_login = {"tradeTransactionType": "OpenMarket", "tradeCommand": "Buy", "symbol": "EURUSD", "volume": 10}
    body = post(http, validate_v2, no_login).json()  # runs on the manager's login 1000, without a price
    assert (body["error"]["code"], body["error"]["managerCode"]) == ("MT4Error", "TradeBadPrices")
    no_command = {"tradeTransactionType": "BrBalance", "orderBy": LOGIN, "price": 10}
    body = post(http, validate_v2, no_command).json()
    assert (body["error"]["code"], body["error"]["managerCode"]) == ("MT4Error", "InvalidData")


def test_same_idempotency_key_replays_and_applies_once(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    before, _ = cents(sim)
    first = post(http, validate_v2, balance(price=75, comment="once"), key="dep-42")
    second = post(http, validate_v2, balance(price=75, comment="once"), key="dep-42")
    assert second.content == first.content
    assert second.headers["X-Request-Timeout-Applied"] == first.headers["X-Request-Timeout-Applied"]
    assert cents(sim)[0] == before + 7500
    assert len(sim.control.book.ledger) == 1
    reordered = http.post(
        f"{V2}/TradeTransaction",
        content=b'{"price": 75, "comment": "once", "orderBy": 100001, "tradeCommand": "Balance",'
        b' "tradeTransactionType": "BrBalance"}',
        headers={"Idempotency-Key": "dep-42", "Content-Type": "application/*+json", "X-Request-Timeout": "9"},
    )
    assert reordered.content == first.content
    assert cents(sim)[0] == before + 7500


def test_same_key_different_request_is_validation(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    before, _ = cents(sim)
    post(http, validate_v2, balance(price=10), key="dep-43")
    other = post(http, validate_v2, balance(price=11), key="dep-43").json()
    assert other["error"]["code"] == "Validation"
    assert cents(sim)[0] == before + 1000
    other_path = http.get(f"{V2}/ServerTime", headers={"Idempotency-Key": "dep-43"}).json()
    assert other_path["error"]["code"] == "Validation"


def test_errors_are_replayed_too(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    first = post(http, validate_v2, balance(price=-10_000_000), key="big-out")
    assert first.json()["error"]["managerCode"] == "TradeNoMoney"
    sim.call(sim.control.set_balance, LOGIN, "20000000")
    again = post(http, validate_v2, balance(price=-10_000_000), key="big-out")
    assert again.content == first.content
    fresh = post(http, validate_v2, balance(price=-10_000_000), key="big-out-2").json()
    assert fresh["error"] is None


def test_idempotency_works_on_reads(sim: SimulatorThread, http: httpx.Client) -> None:
    first = http.get(f"{V2}/ServerTime", headers={"Idempotency-Key": "t-1"})
    second = http.get(f"{V2}/ServerTime", headers={"Idempotency-Key": "t-1"})
    assert first.content == second.content
