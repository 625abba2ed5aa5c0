"""Price moves on the running simulator: pending orders trigger, SL and TP close, stop out liquidates.

Trades are placed over v2 REST; prices are moved with the control API (``market/gap``,
``market/margin-call-wave``); the outcome is read back over v2 REST and checked on the
trade events the hub streams are fed from.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from desktop.simulator import SimulatorThread
from desktop.simulator.world.events import Event, TradeChanged
from tests.simulator.sim_helpers import V2
from tests.simulator.test_sim_scenarios_live import sim_api

pytestmark = pytest.mark.integration
LOGIN = 100001
POINT = 0.00001  # EURUSD


def quote(http: httpx.Client) -> tuple[float, float]:
    data = http.get(f"{V2}/TickInfoLast/EURUSD").json()["data"]
    return data["bid"], data["ask"]


def trade(http: httpx.Client, **fields: Any) -> int:
    body = {"tradeTransactionType": "BrOpen", "orderBy": LOGIN, "symbol": "EURUSD", "volume": 10, **fields}
    answer = http.post(f"{V2}/TradeTransaction", json=body).json()
    assert answer["error"] is None, answer["error"]
    ticket: int = answer["data"]["order"]
    return ticket


def record(http: httpx.Client, ticket: int) -> dict[str, Any]:
    data: dict[str, Any] = http.get(f"{V2}/TradeRecordRequest/{ticket}").json()["data"]
    return data


def events(sim: SimulatorThread) -> list[Event]:
    seen: list[Event] = []
    sim.call(lambda: sim.control.events.subscribe(seen.append))
    return seen


def test_sl_and_tp_close_at_the_market(sim: SimulatorThread, http: httpx.Client) -> None:
    seen = events(sim)
    bid, ask = quote(http)
    stopped = trade(http, tradeCommand="Buy", sl=round(bid - 200 * POINT, 5))
    taken = trade(http, tradeCommand="Sell", tp=round(ask - 200 * POINT, 5))
    far = trade(http, tradeCommand="Buy", sl=round(bid - 20_000 * POINT, 5))
    balance = http.get(f"{V2}/UserRecordRequest/{LOGIN}").json()["data"]["balance"]
    sim_api(sim, "POST", "market/gap", {"symbol": "EURUSD", "points": -1000}).raise_for_status()
    assert (record(http, stopped)["comment"], record(http, taken)["comment"]) == ("[sl]", "[tp]")
    assert record(http, stopped)["closeTime"] != "1970-01-01T00:00:00Z"
    assert record(http, stopped)["profit"] < 0 < record(http, taken)["profit"]
    assert record(http, far)["closeTime"] == "1970-01-01T00:00:00Z", "an SL not reached stays"
    assert http.get(f"{V2}/UserRecordRequest/{LOGIN}").json()["data"]["balance"] != balance
    deleted = {e.order for e in seen if isinstance(e, TradeChanged) and e.kind == "Deleted"}
    assert {stopped, taken} <= deleted


def test_a_pending_order_triggers_at_its_price(sim: SimulatorThread, http: httpx.Client) -> None:
    seen = events(sim)
    bid, ask = quote(http)
    limit = trade(http, tradeCommand="BuyLimit", price=round(ask - 300 * POINT, 5))
    stop = trade(http, tradeCommand="SellStop", price=round(bid - 300 * POINT, 5))
    waiting = trade(http, tradeCommand="BuyLimit", price=round(ask - 30_000 * POINT, 5))
    sim_api(sim, "POST", "market/gap", {"symbol": "EURUSD", "points": -1000}).raise_for_status()
    by_ticket = {t["order"]: t for t in http.get(f"{V2}/TradesGetByMarket").json()["data"]}
    assert (by_ticket[limit]["tradeCommand"], by_ticket[stop]["tradeCommand"]) == ("Buy", "Sell")
    assert waiting not in by_ticket
    assert record(http, waiting)["tradeCommand"] == "BuyLimit"
    updated = {e.order for e in seen if isinstance(e, TradeChanged) and e.kind == "Updated"}
    assert {limit, stop} <= updated


def test_an_expired_order_is_deleted(sim: SimulatorThread, http: httpx.Client) -> None:
    _, ask = quote(http)
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
    ticket = trade(http, tradeCommand="BuyLimit", price=round(ask - 30_000 * POINT, 5), expiration=soon)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and record(http, ticket)["closeTime"] == "1970-01-01T00:00:00Z":
        time.sleep(0.2)
    assert (record(http, ticket)["tradeRecordState"], record(http, ticket)["comment"]) == ("Deleted", "[expired]")


@pytest.fixture
def live_stop_out(sim: SimulatorThread) -> Iterator[None]:
    sim.control.stops.live_stop_out = True
    yield
    sim.control.stops.live_stop_out = False


@pytest.mark.usefixtures("live_stop_out")
def test_stop_out_closes_the_largest_loser_until_above_the_level(sim: SimulatorThread, http: httpx.Client) -> None:
    login = max(
        (a for a in sim.control.accounts.values() if len(a.positions) >= 2),
        key=lambda a: sim.control.state_of(a.login).level,
    ).login
    body = {"logins": [login], "steps": 20, "interval": 0.05}
    sim_api(sim, "POST", "market/margin-call-wave", body).raise_for_status()
    deadline = time.monotonic() + 20
    closed: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not closed:
        history = http.get(f"{V2}/TradesUserHistory/{login}").json()["data"]
        closed = [r for r in history if r["comment"].startswith("so: ")]
        time.sleep(0.1)
    assert closed, "the wave drove the account to stop out and the server closed a position"
    sim.call(lambda: sim.control.scenarios.stop("margin-call-wave"))
    level = http.get(f"{V2}/MarginLevelRequest/{login}").json()["data"]
    group = http.get(f"{V2}/GroupRecordGet/{level['group']}").json()["data"]
    assert level["level"] > group["marginStopout"] or level["margin"] == 0
