"""Dealing, back-office, mail and report operations change and read the same simulated server state.

Runs over HTTP against the session simulator; a change made through one operation is read
back through the others and seen on the event bus the hub streams are fed from.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import httpx
import pytest

from desktop.simulator import SimulatorThread
from desktop.simulator.world.events import Event, TradeChanged, UserChanged
from tests.simulator.sim_helpers import V2

pytestmark = pytest.mark.integration
LOGIN = 100001
OPEN = 4100001
GROUP = "real\\usd-std"


def data(response: httpx.Response) -> Any:
    body = response.json()
    assert body["error"] is None, body["error"]
    return body["data"]


def events(sim: SimulatorThread) -> list[Event]:
    seen: list[Event] = []
    sim.call(lambda: sim.control.events.subscribe(seen.append))
    return seen


def test_an_edited_closed_trade_shows_in_the_balance_check_and_the_fix_repairs_it(
    sim: SimulatorThread, http: httpx.Client
) -> None:
    assert data(http.get(f"{V2}/AdmBalanceCheck/{LOGIN}")) == {"login": LOGIN, "diff": 0.0}
    history = data(http.get(f"{V2}/TradesUserHistory/{LOGIN}"))
    closed = next(r["order"] for r in history if r["tradeCommand"] == "Buy")
    before = data(http.get(f"{V2}/TradeRecordRequest/{closed}"))
    edited = data(http.post(f"{V2}/AdmTradeRecordModify/{closed}", json={"profit": before["profit"] + 12.5}))
    assert edited["profit"] == pytest.approx(before["profit"] + 12.5)
    assert data(http.get(f"{V2}/TradeRecordGet/{closed}"))["profit"] == edited["profit"]
    balance = data(http.get(f"{V2}/UserRecordRequest/{LOGIN}"))["balance"]
    checks = data(http.get(f"{V2}/AdmBalanceCheck", params=[("logins", LOGIN), ("logins", 100002)]))
    assert checks == [{"login": LOGIN, "diff": 12.5}], "clean accounts are omitted"
    seen = events(sim)
    assert data(http.post(f"{V2}/AdmBalanceFix", params=[("logins", LOGIN)])) is True
    assert data(http.get(f"{V2}/UserRecordRequest/{LOGIN}"))["balance"] == pytest.approx(balance + 12.5)
    assert data(http.get(f"{V2}/AdmBalanceCheck/{LOGIN}"))["diff"] == 0.0
    assert UserChanged("Updated", LOGIN) in seen


def test_a_balance_written_outside_the_history_is_a_diff(http: httpx.Client) -> None:
    user = data(http.get(f"{V2}/UserRecordRequest/{LOGIN}"))
    patch = {"group": user["group"], "name": user["name"], "leverage": user["leverage"], "balance": user["balance"] - 3}
    data(http.post(f"{V2}/UserRecordUpdate/{LOGIN}", json=patch))
    assert data(http.get(f"{V2}/AdmBalanceCheck/{LOGIN}"))["diff"] == 3.0


def test_admin_edit_and_delete_of_open_trades(sim: SimulatorThread, http: httpx.Client) -> None:
    seen = events(sim)
    data(http.post(f"{V2}/AdmTradeRecordModify/{OPEN}", json={"magic": 42, "comment": "desk fix", "order": 1}))
    trade = data(http.get(f"{V2}/TradesGet/{OPEN}"))
    assert (trade["magic"], trade["comment"]) == (42, "desk fix")
    assert any(isinstance(e, TradeChanged) and (e.kind, e.order) == ("Updated", OPEN) for e in seen)
    balance = data(http.get(f"{V2}/UserRecordRequest/{LOGIN}"))["balance"]
    refused = http.post(f"{V2}/AdmTradesDelete", params=[("orders", OPEN), ("orders", 99)]).json()
    assert refused["error"]["code"] == "NotFound"
    assert data(http.get(f"{V2}/TradesGet/{OPEN}"))["order"] == OPEN, "all or nothing"
    assert data(http.post(f"{V2}/AdmTradesDelete", params=[("orders", OPEN)])) is True
    assert http.get(f"{V2}/TradeRecordRequest/{OPEN}").json()["error"]["code"] == "NotFound"
    assert OPEN not in {t["order"] for t in data(http.get(f"{V2}/TradesGetByMarket"))}
    assert data(http.get(f"{V2}/UserRecordRequest/{LOGIN}"))["balance"] == balance, "deleted, not settled"
    assert any(isinstance(e, TradeChanged) and (e.kind, e.order) == ("Deleted", OPEN) for e in seen)


def test_check_stops_answers_whether_the_stops_would_pass(http: httpx.Client) -> None:
    tick = data(http.get(f"{V2}/TickInfoLast/EURUSD"))
    buy = {"tradeCommand": "Buy", "symbol": "EURUSD"}
    ok = {**buy, "sl": round(tick["bid"] - 0.01, 5), "tp": round(tick["bid"] + 0.01, 5)}
    assert data(http.post(f"{V2}/TradeCheckStops", json=ok)) is True
    assert data(http.post(f"{V2}/TradeCheckStops", json={**buy, "sl": round(tick["bid"] + 0.01, 5)})) is False
    assert data(http.post(f"{V2}/TradeCheckStops", params={"price": tick["bid"] + 0.02}, json=ok)) is False
    limit = {"tradeCommand": "BuyLimit", "symbol": "EURUSD", "price": round(tick["ask"] - 0.01, 5)}
    assert data(http.post(f"{V2}/TradeCheckStops", json=limit)) is True
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    assert data(http.post(f"{V2}/TradeCheckStops", json={**limit, "expiration": soon})) is False, "under 10 minutes"
    assert data(http.post(f"{V2}/TradeCheckStops", json={**limit, "expiration": later})) is True
    assert data(http.post(f"{V2}/TradeCheckStops", json={**limit, "price": tick["ask"] + 0.01})) is False


def test_group_wide_admin_lists(http: httpx.Client) -> None:
    users = data(http.get(f"{V2}/AdmUsersRequestSafe/{GROUP}"))
    assert users
    assert {u["group"] for u in users} == {GROUP}
    logins = {u["login"] for u in users}
    open_trades = data(http.get(f"{V2}/AdmTradesRequest/{GROUP}"))
    assert {t["login"] for t in open_trades} <= logins
    assert all(t["closeTime"] == "1970-01-01T00:00:00Z" for t in open_trades)
    everything = data(http.get(f"{V2}/AdmTradesRequest/{GROUP}", params={"openOnly": "false"}))
    assert len(everything) > len(open_trades)
    assert data(http.get(f"{V2}/AdmUsersRequestSafe/ {GROUP},")) == users, "a comma list, trimmed"


def test_mail_news_and_notifications(http: httpx.Client) -> None:
    assert data(http.get(f"{V2}/MailLast")) == ""
    mail = {"senderName": "Dealing desk", "subject": "Margin", "body": "Please top up.", "logins": [LOGIN, 100002]}
    assert data(http.post(f"{V2}/MailSend", json=mail)) is True
    [stored] = data(http.get(f"{V2}/MailsRequest"))
    assert (stored["subject"], stored["body"], stored["senderName"]) == ("Margin", "Please top up.", "Dealing desk")
    assert data(http.get(f"{V2}/MailLast")) == "mailbox\\1.mail"
    assert data(http.post(f"{V2}/NewsSend", json={"topic": "Hours", "body": "Closed Friday."})) is True
    assert data(http.post(f"{V2}/NotificationsSend", json={"logins": [LOGIN], "message": "Call us"})) is True
    journal = data(http.get(f"{V2}/JournalRequest", params={"from": "2000-01-01T00:00:00Z", "filter": "sent"}))
    assert len(journal) == 3
    assert http.post(f"{V2}/NotificationsSend", json={"logins": [LOGIN], "message": "x" * 256}).json()["error"]


def test_sent_news_shows_in_the_news_reads(http: httpx.Client) -> None:
    before = data(http.get(f"{V2}/NewsTotal"))
    item = {"topic": "Rollover", "category": "Markets\\FX", "body": "Triple swap on Wednesday.", "highPriority": True}
    assert data(http.post(f"{V2}/NewsSend", json=item)) is True
    assert data(http.get(f"{V2}/NewsTotal")) == before + 1
    newest = data(http.get(f"{V2}/NewsGet"))[-1]
    assert (newest["topic"], newest["category"], newest["priority"]) == ("Rollover", "Markets\\FX", 1)
    assert data(http.get(f"{V2}/NewsTopicGet/{before}")) == newest
    assert data(http.post(f"{V2}/NewsBodyRequest/{newest['key']}")) is True
    assert data(http.get(f"{V2}/NewsBodyGet/{newest['key']}")) == "Triple swap on Wednesday."
    assert http.get(f"{V2}/NewsBodyGet/{newest['key'] + 1}").json()["error"]["code"] == "NotFound"


def test_the_network_tables_page_like_the_other_lists(http: httpx.Client) -> None:
    [server] = data(http.get(f"{V2}/CfgRequestDataServer"))
    assert server["ip"] == 0x7F000001
    assert data(http.get(f"{V2}/CfgRequestSync")) == []
    assert data(http.get(f"{V2}/CfgRequestGatewayRule")) == []
    assert data(http.get(f"{V2}/CfgRequestBackup"))["watchRole"] == "StandAlone"


def test_online_request_matches_online_get(http: httpx.Client) -> None:
    assert data(http.get(f"{V2}/OnlineRequest")) == data(http.get(f"{V2}/OnlineGet"))


def test_reports_add_up_to_the_history(http: httpx.Client) -> None:
    history = data(http.get(f"{V2}/TradesUserHistory/{LOGIN}"))
    trades = sorted(r["order"] for r in history if r["tradeCommand"] in ("Buy", "Sell"))
    report = data(http.get(f"{V2}/ReportsRequest", params=[("logins", LOGIN), ("logins", 999)]))
    assert [r["order"] for r in report] == trades
    rows = data(http.get(f"{V2}/DailyReportsRequest", params=[("logins", LOGIN)]))
    assert len(rows) == 30
    for previous, row in itertools.pairwise(rows):
        assert row["balancePrev"] == previous["balance"]
    for row in rows:
        assert row["balance"] == pytest.approx(row["balancePrev"] + row["deposit"] + row["profitClosed"])
        assert row["equity"] == pytest.approx(row["balance"] + row["credit"] + row["profit"], abs=0.02)
    current = data(http.get(f"{V2}/UserRecordRequest/{LOGIN}"))["balance"]
    assert rows[-1]["balance"] == pytest.approx(current), "nothing booked since yesterday"


def test_performance_snapshots_every_five_minutes(http: httpx.Client) -> None:
    rows = data(http.get(f"{V2}/PerformanceRequest"))
    assert len(rows) == 7 * 24 * 12
    recent = data(http.get(f"{V2}/PerformanceRequest", params={"from": rows[-3]["ctm"]}))
    assert recent == rows[-3:]
