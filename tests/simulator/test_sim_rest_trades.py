"""Trade reads over HTTP: paging by ticket, filters, single records, history; trading events end to end."""

from __future__ import annotations

import base64
import calendar
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from desktop.simulator import SimulatorThread
from desktop.simulator.world.events import Event, TradeChanged, UserChanged
from desktop.simulator.world.mt4.trades import TradeRecord
from tests.simulator.sim_helpers import V2

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]
LOGIN = 100001


def get(http: httpx.Client, validate: Validate, template: str, path: str, **params: Any) -> Any:
    body = http.get(f"{V2}/{path}", params=params).json()
    validate("GET", template, body)
    return body


def open_tickets(sim: SimulatorThread) -> list[int]:
    accounts = sim.control.accounts.values()
    return sorted(p.ticket for a in accounts for p in (*a.positions, *a.pending))


def test_trades_get_pages_through_every_open_trade(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    everything = get(http, validate_v2, "TradesGet", "TradesGet")
    assert everything["meta"]["paging"] == {"nextCursor": None, "hasMore": False}
    tickets = [t["order"] for t in everything["data"]]
    assert tickets == open_tickets(sim)
    assert len(tickets) > 1000
    seen: list[int] = []
    cursor = None
    while True:
        page = get(http, validate_v2, "TradesGet", "TradesGet", limit=400, **({"cursor": cursor} if cursor else {}))
        seen += [t["order"] for t in page["data"]]
        cursor = page["meta"]["paging"]["nextCursor"]
        if cursor is None:
            assert page["meta"]["paging"]["hasMore"] is False
            break
        assert base64.b64decode(cursor).decode() == str(page["data"][-1]["order"])
    assert seen == tickets
    first = everything["data"][0]
    account = sim.control.accounts[first["login"]]
    position = next(p for p in account.positions if p.ticket == first["order"])
    assert first["symbol"] == sim.control.feed.symbols[position.symbol].name
    assert (first["volume"], first["volumeLots"], first["openPrice"]) == (
        position.volume,
        position.lots,
        position.open_price,
    )
    assert (first["closeTime"], first["expiration"], first["tradeRecordState"]) == (
        "1970-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "OpenNormal",
    )


def test_trades_request_by_group(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    group = "real\\eur-std"
    body = get(http, validate_v2, "TradesRequest", "TradesRequest", group=group)
    logins = {t["login"] for t in body["data"]}
    assert logins
    assert all(sim.control.accounts[login].group == group for login in logins)
    expected = sorted(p.ticket for a in sim.control.accounts.values() if a.group == group for p in a.positions)
    assert [t["order"] for t in body["data"]] == expected
    assert get(http, validate_v2, "TradesRequest", "TradesRequest", group="REAL\\eur-std")["data"] == []
    page = get(http, validate_v2, "TradesRequest", "TradesRequest", group=group, limit=5)
    assert page["meta"]["paging"]["hasMore"] is True
    assert [t["order"] for t in page["data"]] == expected[:5]  # prices (and profits) move between the calls


def test_trades_by_login_symbol_and_ticket(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    account = sim.control.accounts[LOGIN]
    template = "TradesGetByLogin/{login}/{group}"
    mine = get(http, validate_v2, template, f"TradesGetByLogin/{LOGIN}/{account.group}")["data"]
    assert [t["order"] for t in mine] == sorted(p.ticket for p in account.positions)
    assert get(http, validate_v2, template, f"TradesGetByLogin/{LOGIN}/demo\\usd-std")["data"] == []
    assert get(http, validate_v2, template, "TradesGetByLogin/999/demo\\usd-std")["data"] == []
    by_symbol = get(http, validate_v2, "TradesGetBySymbol", "TradesGetBySymbol", symbol="xauusd")["data"]
    assert by_symbol
    assert {t["symbol"] for t in by_symbol} == {"XAUUSD"}
    ticket = mine[0]["order"]
    one = get(http, validate_v2, "TradesGet/{ticket}", f"TradesGet/{ticket}")["data"]
    record = get(http, validate_v2, "TradeRecordGet/{order}", f"TradeRecordGet/{ticket}")["data"]
    assert one["order"] == record["order"] == ticket


def test_trades_user_history(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    template = "TradesUserHistory/{login}"
    history = get(http, validate_v2, template, f"TradesUserHistory/{LOGIN}")["data"]
    assert history[0]["tradeCommand"] == "Balance"
    assert history[0]["comment"] == "Initial deposit"
    assert [h["closeTime"] for h in history] == sorted(h["closeTime"] for h in history)
    money = sum(
        round((h["profit"] + h["commission"] + h["storage"]) * 100) for h in history if h["tradeCommand"] != "Credit"
    )
    assert money == sim.control.accounts[LOGIN].balance_cents
    middle = history[len(history) // 2]["closeTime"]
    later = get(http, validate_v2, template, f"TradesUserHistory/{LOGIN}", fromTime=middle)["data"]
    earlier = get(http, validate_v2, template, f"TradesUserHistory/{LOGIN}", toTime=middle)["data"]
    assert later
    assert earlier
    assert all(h["closeTime"] >= middle for h in later)
    assert all(h["closeTime"] <= middle for h in earlier)
    naive = middle.removesuffix("Z")
    assert get(http, validate_v2, template, f"TradesUserHistory/{LOGIN}", fromTime=naive)["data"] == later
    none = get(
        http,
        validate_v2,
        template,
        f"TradesUserHistory/{LOGIN}",
        fromTime="2030-01-01T00:00:00Z",
        toTime="2031-01-01T00:00:00Z",
    )
    assert none["data"] == []


@pytest.fixture
def events(sim: SimulatorThread) -> Any:
    seen: list[Event] = []
    unsubscribe = sim.call(sim.control.events.subscribe, seen.append)
    yield seen
    sim.call(unsubscribe)


def transaction(http: httpx.Client, validate: Validate, **body: Any) -> Any:
    answer = http.post(f"{V2}/TradeTransaction", json=body, headers={"Idempotency-Key": f"t-{body}"}).json()
    validate("POST", "TradeTransaction", answer)
    return answer


def test_trading_over_http_publishes_events_and_updates_reads(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, events: list[Event]
) -> None:
    balance = sim.control.accounts[LOGIN].balance_cents
    opened = transaction(
        http,
        validate_v2,
        tradeTransactionType="OpenMarket",
        tradeCommand="Buy",
        orderBy=LOGIN,
        symbol="ETHUSD",
        volume=5,
        price=0,
        comment="http",
    )
    assert opened["error"] is None
    order = opened["data"]["order"]
    added = [e for e in events if isinstance(e, TradeChanged)]
    assert [(e.kind, e.order) for e in added] == [("Added", order)]
    listed = get(
        http,
        validate_v2,
        "TradesGetByLogin/{login}/{group}",
        f"TradesGetByLogin/{LOGIN}/{sim.control.accounts[LOGIN].group}",
    )["data"]
    assert order in [t["order"] for t in listed]
    closed = transaction(http, validate_v2, tradeTransactionType="CloseMarket", order=order, volume=5)
    assert closed["error"] is None
    changes = [(e.kind, e.order) for e in events if isinstance(e, TradeChanged)]
    assert changes == [("Added", order), ("Deleted", order)]
    deleted = [e for e in events if isinstance(e, TradeChanged)][-1]
    assert isinstance(deleted.snapshot, TradeRecord)
    assert deleted.snapshot.state == "ClosedNormal"
    assert UserChanged("Updated", LOGIN) in events
    record = get(http, validate_v2, "TradeRecordGet/{order}", f"TradeRecordGet/{order}")["data"]
    assert record["tradeRecordState"] == "ClosedNormal"
    assert record["closeTime"] != "1970-01-01T00:00:00Z"
    assert get(http, validate_v2, "TradesGet/{ticket}", f"TradesGet/{order}")["error"]["code"] == "NotFound"
    history = get(http, validate_v2, "TradesUserHistory/{login}", f"TradesUserHistory/{LOGIN}")["data"]
    assert history[-1]["order"] == order
    result = record["profit"] + record["commission"] + record["storage"]
    assert sim.control.accounts[LOGIN].balance_cents == balance + round(result * 100)


def test_history_time_parameters(sim: SimulatorThread, http: httpx.Client, validate_v2: Validate) -> None:
    stamp = calendar.timegm((2026, 1, 1, 0, 0, 0))
    assert stamp > 0
    for value in ("2026-01-01", "2026-01-01T00:00:00+02:00", "2026-01-01T00:00:00.123Z"):
        body = get(http, validate_v2, "TradesUserHistory/{login}", f"TradesUserHistory/{LOGIN}", fromTime=value)
        assert body["error"] is None, value
