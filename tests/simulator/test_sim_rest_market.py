"""Market and server reads: chart bars and ticks (consistent with each other and with the feed), symbol info,
sessions, online sessions, groups, common settings and the journal."""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable
from typing import Any

import pytest

from desktop.simulator import SimControl
from tests.simulator.trading_helpers import WEDNESDAY, call, private_control

Validate = Callable[[str, str, Any], None]


@pytest.fixture(scope="module")
def market() -> SimControl:
    control, clock = private_control(WEDNESDAY, accounts=120)
    for _ in range(6):  # live ticks over a few minutes after the start
        clock.now += 50
        control.advance(300)
    return control


def iso(unix: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(unix))


def unix(text: str) -> int:
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def bars(control: SimControl, validate: Validate, symbol: str, **query: Any) -> list[dict[str, Any]]:
    body = call(control, "GET", "ChartRequest/{symbol}", {"symbol": symbol}, query, validate=validate)
    assert body["error"] is None, body["error"]
    data: list[dict[str, Any]] = body["data"]
    return data


def ticks(control: SimControl, validate: Validate, symbol: str, **query: Any) -> list[dict[str, Any]]:
    body = call(control, "GET", "TicksRequest/{symbol}", {"symbol": symbol}, query, validate=validate)
    assert body["error"] is None, body["error"]
    data: list[dict[str, Any]] = body["data"]
    return data


def merge(rows: list[dict[str, Any]], seconds: int) -> dict[int, tuple[Any, ...]]:
    """Aggregate bars or ticks (bid) into buckets of ``seconds``."""
    out: dict[int, list[Any]] = {}
    for row in rows:
        key = unix(row["time"]) // seconds * seconds
        o, h, lo, c, v = (
            (row["open"], row["high"], row["low"], row["close"], row["volume"])
            if "open" in row
            else (row["bid"], row["bid"], row["bid"], row["bid"], 1.0)
        )
        if key not in out:
            out[key] = [o, h, lo, c, v]
        else:
            bar = out[key]
            bar[1], bar[2], bar[3], bar[4] = max(bar[1], h), min(bar[2], lo), c, bar[4] + v
    return {key: tuple(value) for key, value in out.items()}


def test_last_bar_closes_at_the_current_bid(market: SimControl, validate_v2: Validate) -> None:
    for symbol in ("EURUSD", "XAUUSD", "BTCUSD", "JP225"):
        index = market.feed.resolve(symbol)
        assert index is not None
        bid, ask, when = market.feed.quote(index)
        for period, days in (("M1", 0.1), ("M15", 1), ("H1", 5), ("D1", 40), ("W1", 40), ("MN1", 90)):
            last = bars(market, validate_v2, symbol, period=period, start=iso(WEDNESDAY - days * 86_400))[-1]
            assert last["close"] == bid, (symbol, period)
            assert unix(last["time"]) <= when
        newest = ticks(market, validate_v2, symbol, start=iso(when - 60))[-1]
        assert (newest["bid"], newest["ask"]) == (bid, ask)


def test_bars_aggregate_the_ticks(market: SimControl, validate_v2: Validate) -> None:
    start, end = WEDNESDAY - 3 * 3600, WEDNESDAY + 400
    window = {"start": iso(start), "end": iso(end)}
    tick_rows = ticks(market, validate_v2, "EURUSD", **window)
    m1 = bars(market, validate_v2, "EURUSD", period="M1", **window)
    assert merge(tick_rows, 60) == {
        unix(b["time"]): (b["open"], b["high"], b["low"], b["close"], b["volume"]) for b in m1
    }
    h1 = bars(market, validate_v2, "EURUSD", period="H1", **window)
    assert merge(m1, 3600) == {unix(b["time"]): (b["open"], b["high"], b["low"], b["close"], b["volume"]) for b in h1}
    assert all(b["low"] <= min(b["open"], b["close"]) <= max(b["open"], b["close"]) <= b["high"] for b in m1)
    assert all(round(t["ask"] - t["bid"], 5) == 0.00012 for t in tick_rows)


def test_longer_periods_are_aligned_and_consistent(market: SimControl, validate_v2: Validate) -> None:
    start = iso(WEDNESDAY - 120 * 86_400)
    d1 = bars(market, validate_v2, "GBPUSD", period="D1", start=start)
    w1 = bars(market, validate_v2, "GBPUSD", period=10080, start=start)
    mn1 = bars(market, validate_v2, "GBPUSD", period="mn1", start=start)
    assert all(unix(b["time"]) % 86_400 == 0 for b in d1)
    assert all(time.gmtime(unix(b["time"])).tm_wday == 6 for b in w1)  # weeks start on Sunday
    assert all(b["time"].endswith("-01T00:00:00Z") for b in mn1)
    full_weeks = merge(d1, 1)
    for week in w1[1:-1]:
        days = [v for k, v in full_weeks.items() if unix(week["time"]) <= k < unix(week["time"]) + 7 * 86_400]
        assert week["open"] == days[0][0]
        assert week["close"] == days[-1][3]
        assert week["high"] == max(d[1] for d in days)
        assert week["volume"] == sum(d[4] for d in days)


def test_chart_modes_and_windows(market: SimControl, validate_v2: Validate) -> None:
    start, end = WEDNESDAY - 5 * 3600 - 1800, WEDNESDAY - 3600
    inside = bars(market, validate_v2, "USDJPY", period="H1", start=iso(start), end=iso(end))
    assert [unix(b["time"]) for b in inside] == list(range(int(start) + 1800, int(end) + 1, 3600))
    wider = bars(market, validate_v2, "USDJPY", period="H1", start=iso(start), end=iso(end), mode="RangeIn")
    assert unix(wider[0]["time"]) == start - 1800
    last = bars(market, validate_v2, "USDJPY", period="H1", start=iso(end), end=iso(start), mode="RangeLast")
    assert unix(last[0]["time"]) == end
    assert last[-1]["close"] == market.feed.quote(market.feed.resolve("USDJPY") or 0)[0]
    assert bars(market, validate_v2, "USDJPY", period="H1", start=iso(end), end=iso(start)) == []
    history_start = unix(bars(market, validate_v2, "USDJPY", period="D1")[0]["time"])
    assert history_start == (int(WEDNESDAY) // 86_400 - 199) * 86_400  # 200 days of history


def test_history_is_deterministic(validate_v2: Validate) -> None:
    one, two = private_control(WEDNESDAY, accounts=5)[0], private_control(WEDNESDAY, accounts=5)[0]
    query = {"period": "H4", "start": iso(WEDNESDAY - 30 * 86_400)}
    assert bars(one, validate_v2, "EURUSD", **query) == bars(two, validate_v2, "EURUSD", **query)
    other = private_control(WEDNESDAY + 3600, accounts=5)[0]
    assert (
        bars(other, validate_v2, "EURUSD", **query)[-1]["close"]
        == bars(one, validate_v2, "EURUSD", **query)[-1]["close"]
    )  # both end at the catalogue's first quote


def test_symbol_info_and_sessions(market: SimControl, validate_v2: Validate) -> None:
    info = call(market, "GET", "SymbolInfoGet", query={"symbol": "eurusd"}, validate=validate_v2)["data"]
    index = market.feed.resolve("EURUSD")
    assert index is not None
    bid, ask, when = market.feed.quote(index)
    assert (info["symbol"], info["bid"], info["ask"], info["digits"], info["spread"]) == ("EURUSD", bid, ask, 5, 12)
    today = bars(market, validate_v2, "EURUSD", period="D1", start=iso(WEDNESDAY // 86_400 * 86_400))[-1]
    assert (info["high"], info["low"]) == (today["high"], today["low"])
    assert info["direction"] in ("Up", "Down", "None")
    assert info["lastTime"] == iso(when)
    fx = call(market, "GET", "SymbolSessionsGet/{symbol}", {"symbol": "EURUSD"}, validate=validate_v2)["data"]
    crypto = call(market, "GET", "SymbolSessionsGet/{symbol}", {"symbol": "BTCUSD"}, validate=validate_v2)["data"]
    assert [d["dayOfWeek"] for d in fx] == list(range(7))
    assert [bool(d["trade"]) for d in fx] == [False, True, True, True, True, True, False]
    assert all(d["trade"] for d in crypto)
    assert all(d["quote"] == [{"openHour": 0, "openMinute": 0, "closeHour": 23, "closeMinute": 59}] for d in fx)


def test_online_groups_common(market: SimControl, validate_v2: Validate) -> None:
    online = call(market, "GET", "OnlineGet", validate=validate_v2)
    logins = [s["login"] for s in online["data"]]
    assert logins == sorted(market.book.online)
    assert 5 <= len(logins) <= 30
    assert all(s["group"] == market.accounts[s["login"]].group for s in online["data"])
    page = call(market, "GET", "OnlineGet", query={"limit": 3}, validate=validate_v2)
    assert [s["login"] for s in page["data"]] == logins[:3]
    assert page["meta"]["paging"]["hasMore"] is True
    groups = call(market, "GET", "GroupsGet", validate=validate_v2)["data"]
    assert {g["group"] for g in groups} == {a.group for a in market.accounts.values()} | {g["group"] for g in groups}
    usd = next(g for g in groups if g["group"] == "real\\usd-std")
    assert (usd["currency"], usd["marginCall"], usd["marginStopout"], usd["defaultLeverage"]) == ("USD", 100, 50, 100)
    assert (
        call(market, "GET", "GroupRecordGet/{group}", {"group": "real\\usd-std"}, validate=validate_v2)["data"] == usd
    )
    exists = call(market, "GET", "EnsureGroupNameExist/{group}", {"group": "demo\\usd-std"}, validate=validate_v2)
    wrong_case = call(market, "GET", "EnsureGroupNameExist/{group}", {"group": "Demo\\usd-std"}, validate=validate_v2)
    assert (exists["data"], wrong_case["data"]) == (True, False)
    common = call(market, "GET", "ManagerCommon", validate=validate_v2)["data"]
    assert common == {
        "name": "DealerDesk-Demo",
        "owner": "Dealer Desk Demo Brokerage",
        "build": 1420,
        "version": 4,
        "timeZone": 0,
    }


def test_journal(validate_v2: Validate) -> None:
    control, clock = private_control(WEDNESDAY, accounts=80)
    login = next(lg for lg, a in control.accounts.items() if not a.positions)
    deposit = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": login, "price": 5}
    call(control, "POST", "TradeTransaction", body=deposit, validate=validate_v2)
    refused = {"tradeTransactionType": "BrOpen", "orderBy": login, "symbol": "EURUSD", "volume": 0}
    call(control, "POST", "TradeTransaction", body=refused, validate=validate_v2)
    clock.now += 10
    everything = call(control, "GET", "JournalRequest", query={"from": iso(WEDNESDAY - 86_400)}, validate=validate_v2)[
        "data"
    ]
    assert [e["code"] for e in everything[-2:]] == ["Trade", "Err"]
    assert str(login) in everything[-1]["message"]
    assert everything[-2]["time"] == time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime(WEDNESDAY))
    logins = call(control, "GET", "JournalRequest", query={"from": iso(0), "mode": "logins"}, validate=validate_v2)
    assert logins["data"]
    assert {e["code"] for e in logins["data"]} == {"Login"}
    assert len(logins["data"]) == len(control.book.online)
    assert all(e["ip"].startswith("10.") for e in logins["data"])
    trades = call(
        control,
        "GET",
        "JournalRequest",
        query={"from": iso(0), "mode": "Trades", "filter": str(login)},
        validate=validate_v2,
    )["data"]
    assert len(trades) == 1
    window = call(
        control,
        "GET",
        "JournalRequest",
        query={"from": iso(WEDNESDAY + 1), "to": iso(WEDNESDAY + 5)},
        validate=validate_v2,
    )
    assert window["data"] == []
    assert (
        call(control, "GET", "JournalRequest", query={"from": iso(0), "mode": "SendMail"}, validate=validate_v2)["data"]
        == []
    )
