"""Every answer of every implemented v2 operation (MT4 and MT5), success and error, against the vendor spec.

One table row per answer; each row runs over HTTP against the session simulator (seed 1)
and is validated with ``openapi-schema-validator`` against the 200-response schema of its
operation. Another test checks that the table covers every registered operation, with
at least one success and one error row each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from desktop.simulator.config import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET
from desktop.simulator.rest.pipeline import v2 as rest_v2
from desktop.simulator.world.mt5.platform import MT5_PLATFORM_ID

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]
LOGIN = 100001
OPEN = 4100001  # first generated position (login 100001), seed 1
CLOSED = 1000001  # first seeded history record (login 100001)
NEXT_TICKET = 4101874  # the ticket the next order gets after a reset (seed 1, 1000 accounts)
MT5_LOGIN = 3000000001
GROUP = "real\\usd-std"


@dataclass(frozen=True)
class Case:
    method: str
    action: str  # template; "MT5/" prefix for MT5 operations
    params: dict[str, Any] = field(default_factory=dict)
    query: Any = None
    body: Any = None
    expect: str | None = None  # error code, None = success
    before: tuple[dict[str, Any], ...] = ()  # TradeTransaction bodies to send first
    posted_first: tuple[tuple[str, dict[str, Any]], ...] = ()  # (action, body) of other POSTs to send first
    admin: bool = False  # sent with the administrator client's token

    @property
    def id(self) -> str:
        return f"{self.method} {self.action} {self.expect or 'ok'} {self.params}{self.query or ''}"[:90]


#: A news item sent before a row that reads one.
NEWS_FIRST = (("NewsSend", {"topic": "Holiday hours", "body": "Closed on Friday."}),)


def tx(**fields: Any) -> dict[str, Any]:
    return fields


USER = {"group": GROUP, "name": "Jane Roe", "leverage": 100, "enableFlags": 3, "email": "jane@example.com"}
PENDING = tx(
    tradeTransactionType="BrOpen",
    tradeCommand="BuyLimit",
    orderBy=LOGIN,
    symbol="BTCUSD",
    volume=1,
    price=50_000,
    comment="limit",
)
MT4_CASES = [
    Case("GET", "ServerTime"),
    Case("GET", "ManagerCommon"),
    Case("GET", "UsersRequest", query={"limit": 3}),
    Case("GET", "UsersRequest", query={"limit": 0}, expect="Validation"),
    Case("GET", "UserRecordGet/{login}", {"login": LOGIN}),
    Case("GET", "UserRecordGet/{login}", {"login": 999}, expect="NotFound"),
    Case("GET", "UserRecordRequest/{login}", {"login": LOGIN}),
    Case("GET", "UserRecordRequest/{login}", {"login": 0}, expect="Validation"),
    Case("GET", "UserRecordsRequest", query=[("logins", LOGIN), ("logins", 999), ("logins", 100002)]),
    Case("GET", "UserRecordsRequest", query=[("logins", "x")], expect="Validation"),
    Case("POST", "UserRecordNew", body={**USER, "login": 0}),
    Case("POST", "UserRecordNew", body={**USER, "group": "nope"}, expect="MT4Error"),
    Case("POST", "UserRecordNew", body={**USER, "login": LOGIN}, expect="MT4Error"),
    Case("POST", "UserRecordNew", body={**USER, "leverage": "high"}, expect="Validation"),
    Case("POST", "UserRecordNew", body=[USER], expect="Validation"),
    Case("POST", "UserPasswordSet/{login}", {"login": LOGIN}, {"changeInvestor": "true"}, "inv12345"),
    Case("POST", "UserPasswordSet/{login}", {"login": LOGIN}, body="ab", expect="MT4Error"),
    Case("POST", "UserPasswordSet/{login}", {"login": LOGIN}, body={"password": "x"}, expect="Validation"),
    Case("POST", "UserPasswordSet/{login}", {"login": 999}, body="secret12", expect="NotFound"),
    Case("POST", "UserPasswordCheck/{login}", {"login": LOGIN}, body=f"Pw{LOGIN}"),
    Case("POST", "UserPasswordCheck/{login}", {"login": LOGIN}, body="wrong", expect="MT4Error"),
    Case("POST", "UserPasswordCheck/{login}", {"login": -1}, body="wrong", expect="Validation"),
    Case("PATCH", "UserRecord/{login}", {"login": LOGIN}, body={"leverage": 200, "colour": "red"}),
    Case("PATCH", "UserRecord/{login}", {"login": LOGIN}, body={"leverage": 0}, expect="MT4Error"),
    Case("PATCH", "UserRecord/{login}", {"login": LOGIN}, body={"leverage": "x"}, expect="Validation"),
    Case("PATCH", "UserRecord/{login}", {"login": 999}, body={"leverage": 100}, expect="NotFound"),
    Case("POST", "UserRecordUpdate/{login}", {"login": LOGIN}, body={**USER, "balance": 100.5, "credit": 0}),
    Case("POST", "UserRecordUpdate/{login}", {"login": LOGIN}, body={"name": "No Group"}, expect="MT4Error"),
    Case("POST", "UsersGroupOp", body={"command": "Disable", "logins": [LOGIN, 100002]}),
    Case(
        "POST",
        "UsersGroupOp",
        body={"command": "SetGroup", "newGroup": "nope", "logins": [LOGIN]},
        expect="MT4Error",
    ),
    Case("POST", "UsersGroupOp", body={"command": "Enable", "logins": []}, expect="Validation"),
    Case("POST", "UsersGroupOp", body={"command": "Nuke", "logins": [LOGIN]}, expect="Validation"),
    Case("POST", "UsersGroupOp", body={"command": "Enable", "logins": [999]}, expect="NotFound"),
    Case("GET", "TradesGet", query={"limit": 2}),
    Case("GET", "TradesGet", query={"cursor": "%%"}, expect="Validation"),
    Case("GET", "TradesGet/{ticket}", {"ticket": OPEN}),
    Case("GET", "TradesGet/{ticket}", {"ticket": CLOSED}, expect="NotFound"),
    Case("GET", "TradesGet/{ticket}", {"ticket": 0}, expect="Validation"),
    Case("GET", "TradesRequest", query={"group": GROUP, "limit": 2}),
    Case("GET", "TradesRequest", query={"limit": 5001}, expect="Validation"),
    Case("GET", "TradesGetByLogin/{login}/{group}", {"login": LOGIN, "group": GROUP}),
    Case("GET", "TradesGetByLogin/{login}/{group}", {"login": LOGIN, "group": "x" * 17}, expect="Validation"),
    Case("GET", "TradesGetBySymbol", query={"symbol": "EURUSD"}),
    Case("GET", "TradesGetBySymbol", query={"symbol": "NOPE"}, expect="NotFound"),
    Case("GET", "TradesGetBySymbol", expect="Validation"),
    Case("GET", "TradeRecordGet/{order}", {"order": CLOSED}),
    Case("GET", "TradeRecordGet/{order}", {"order": OPEN}),
    Case("GET", "TradeRecordGet/{order}", {"order": 99}, expect="NotFound"),
    Case("GET", "TradeRecordGet/{order}", {"order": "x"}, expect="Validation"),
    Case("GET", "TradesUserHistory/{login}", {"login": LOGIN}, {"fromTime": "2000-01-01T00:00:00Z"}),
    Case("GET", "TradesUserHistory/{login}", {"login": 999}, expect="NotFound"),
    Case("GET", "TradesUserHistory/{login}", {"login": LOGIN}, {"toTime": "yesterday"}, expect="Validation"),
    Case(
        "POST",
        "TradeTransaction",
        body=tx(tradeTransactionType="BrBalance", tradeCommand="Balance", orderBy=LOGIN, price=10),
    ),
    Case(
        "POST",
        "TradeTransaction",
        body=tx(tradeTransactionType="OpenMarket", orderBy=LOGIN, symbol="BTCUSD", volume=1, price=1),
    ),
    Case(
        "POST",
        "TradeTransaction",
        body=tx(tradeTransactionType="BrOpen", tradeCommand="Sell", orderBy=LOGIN, symbol="EURUSD", volume=10),
    ),
    Case("POST", "TradeTransaction", body=PENDING),
    Case("POST", "TradeTransaction", body=tx(tradeTransactionType="BrModify", order=OPEN, tp=0.5)),
    Case("POST", "TradeTransaction", body=tx(tradeTransactionType="BrClose", order=OPEN, volume=10)),
    Case("POST", "TradeTransaction", body=tx(tradeTransactionType="BrDelete", order=NEXT_TICKET), before=(PENDING,)),
    Case(
        "POST",
        "TradeTransaction",
        body=tx(tradeTransactionType="BrOpen", orderBy=LOGIN, symbol="EURUSD", volume=10_001),
        expect="MT4Error",
    ),
    Case("POST", "TradeTransaction", body=tx(tradeTransactionType="BrClose", order=99), expect="NotFound"),
    Case(
        "POST",
        "TradeTransaction",
        body=tx(tradeTransactionType="BrOpen", orderBy=LOGIN, symbol="EURUSD", comment="c" * 33),
        expect="Validation",
    ),
    Case("GET", "MarginsGet"),
    Case("GET", "MarginLevelGet/{login}", {"login": LOGIN}),
    Case("GET", "MarginLevelGet/{login}", {"login": 999}, expect="NotFound"),
    Case("GET", "MarginLevelRequest/{login}", {"login": LOGIN}),
    Case("GET", "MarginLevelRequest/{login}", {"login": "-"}, expect="Validation"),
    Case("GET", "OnlineGet", query={"limit": 10}),
    Case("GET", "OnlineGet", query={"limit": "all"}, expect="Validation"),
    Case("GET", "GroupsGet"),
    Case("GET", "GroupRecordGet/{group}", {"group": GROUP}),
    Case("GET", "GroupRecordGet/{group}", {"group": "REAL\\usd-std"}, expect="NotFound"),
    Case("GET", "GroupRecordGet/{group}", {"group": "g" * 17}, expect="Validation"),
    Case("GET", "EnsureGroupNameExist/{group}", {"group": GROUP}),
    Case("GET", "EnsureGroupNameExist/{group}", {"group": "Real\\usd-std"}),
    Case("GET", "EnsureGroupNameExist/{group}", {"group": "g" * 17}, expect="Validation"),
    Case("GET", "CfgRequestSymbol"),
    Case("GET", "CfgRequestSymbol/{symbol}", {"symbol": "XAUUSD"}),
    Case("GET", "CfgRequestSymbol/{symbol}", {"symbol": "NOPE"}, expect="NotFound"),
    Case("GET", "SymbolInfoGet", query={"symbol": "gbpusd"}),
    Case("GET", "SymbolInfoGet", query={"symbol": "NOPE"}, expect="NotFound"),
    Case("GET", "SymbolInfoGet", expect="Validation"),
    Case("GET", "SymbolSessionsGet/{symbol}", {"symbol": "ETHUSD"}),
    Case("GET", "SymbolSessionsGet/{symbol}", {"symbol": "NOPE"}, expect="NotFound"),
    Case("GET", "SymbolSessionsGet/{symbol}", {"symbol": "ABCDEFGHIJKLM"}, expect="Validation"),
    Case("GET", "TickInfoLast"),
    Case("GET", "TickInfoLast/{symbol}", {"symbol": "EURUSD"}),
    Case("GET", "TickInfoLast/{symbol}", {"symbol": "NOPE"}, expect="NotFound"),
    Case("GET", "ChartRequest/{symbol}", {"symbol": "EURUSD"}, {"period": "H4", "start": "2026-11-01T00:00:00Z"}),
    Case("GET", "ChartRequest/{symbol}", {"symbol": "EURUSD"}, {"period": "H2"}, expect="Validation"),
    Case("GET", "ChartRequest/{symbol}", {"symbol": "EURUSD"}, expect="Validation"),
    Case("GET", "ChartRequest/{symbol}", {"symbol": "NOPE"}, {"period": "D1"}, expect="NotFound"),
    Case(
        "GET",
        "TicksRequest/{symbol}",
        {"symbol": "EURUSD"},
        {"start": "2026-11-20T23:50:00Z", "end": "2026-11-21T00:10:00Z"},
    ),
    Case("GET", "TicksRequest/{symbol}", {"symbol": "EURUSD"}, {"flags": "Cooked"}, expect="Validation"),
    Case("GET", "JournalRequest", query={"from": "2000-01-01T00:00:00Z", "mode": "Logins", "filter": "login"}),
    Case("GET", "JournalRequest", expect="Validation"),
    Case("GET", "JournalRequest", query={"from": "2000-01-01", "mode": "Chatty"}, expect="Validation"),
    Case("GET", "CfgRequestCommon"),
    Case("POST", "CfgUpdateCommon", body={"name": "Renamed", "timeZone": 2}, admin=True),
    Case("POST", "CfgUpdateCommon", body={"name": "Renamed"}, expect="MT4Error"),
    Case("POST", "CfgUpdateCommon", body={"timeZone": "two"}, expect="Validation", admin=True),
    Case("GET", "CfgRequestTime"),
    Case("POST", "CfgUpdateTime", body={"accessHours": [1] * 168}, admin=True),
    Case("POST", "CfgUpdateTime", body={"accessHours": [1] * 168}, expect="MT4Error"),
    Case("POST", "CfgUpdateTime", body={"accessHours": [2]}, expect="MT4Error", admin=True),
    Case("GET", "CfgRequestHoliday", query={"limit": 1}),
    Case("GET", "CfgRequestHoliday", query={"limit": 0}, expect="Validation"),
    Case("GET", "CfgRequestManager"),
    Case("GET", "CfgRequestManager", query={"cursor": "!"}, expect="Validation"),
    Case("GET", "CfgRequestAccess"),
    Case("GET", "CfgRequestAccess", query={"limit": "x"}, expect="Validation"),
    Case("GET", "CfgRequestFeeder"),
    Case("GET", "CfgRequestFeeder", query={"limit": 5001}, expect="Validation"),
    Case("GET", "SrvFeeders", query={"limit": 1}),
    Case("GET", "SrvFeeders", query={"limit": -1}, expect="Validation"),
    Case("GET", "CfgRequestDataServer"),
    Case("GET", "CfgRequestDataServer", query={"limit": 0}, expect="Validation"),
    Case("GET", "CfgRequestSync"),
    Case("GET", "CfgRequestSync", query={"cursor": "!"}, expect="Validation"),
    Case("GET", "CfgRequestLiveUpdate", query={"limit": 1}),
    Case("GET", "CfgRequestLiveUpdate", query={"limit": "x"}, expect="Validation"),
    Case("GET", "CfgRequestGatewayAccount"),
    Case("GET", "CfgRequestGatewayAccount", query={"limit": 5001}, expect="Validation"),
    Case("GET", "CfgRequestGatewayMarkup"),
    Case("GET", "CfgRequestGatewayMarkup", query={"limit": -1}, expect="Validation"),
    Case("GET", "CfgRequestGatewayRule"),
    Case("GET", "CfgRequestGatewayRule", query={"limit": 0}, expect="Validation"),
    Case("GET", "CfgRequestBackup"),
    Case("GET", "PluginsGet"),
    Case("GET", "CfgRequestPlugin"),
    Case("GET", "GroupsRequest", query={"limit": 2}),
    Case("GET", "GroupsRequest", query={"limit": 0}, expect="Validation"),
    Case("GET", "GroupSecGroupsGet/{group}", {"group": GROUP}),
    Case("GET", "GroupSecGroupsGet/{group}", {"group": "nope"}, expect="NotFound"),
    Case("GET", "GroupSecMarginsGet/{group}", {"group": GROUP}),
    Case("GET", "GroupSecMarginsGet/{group}", {"group": "x" * 17}, expect="Validation"),
    Case("POST", "GroupRecordUpdate/{group}", {"group": GROUP}, body={"defaultLeverage": 300, "marginCall": 90}),
    Case("POST", "GroupRecordUpdate/{group}", {"group": GROUP}, body={"currency": "EUR"}, expect="MT4Error"),
    Case("POST", "GroupRecordUpdate/{group}", {"group": "nope"}, body={}, expect="NotFound"),
    Case("PATCH", "GroupRecord/{group}", {"group": GROUP}, body={"groupRights": "Signals, RiskWarning"}),
    Case("PATCH", "GroupRecord/{group}", {"group": GROUP}, body={"marginMode": "Sometimes"}, expect="Validation"),
    Case("PATCH", "GroupRecord/{group}", {"group": GROUP}, body={"marginStopout": 500}, expect="MT4Error"),
    Case("POST", "CfgUpdateSymbol/{symbol}", {"symbol": "EURUSD"}, body={"spread": 20, "swapType": "Interest"}),
    Case("POST", "CfgUpdateSymbol/{symbol}", {"symbol": "EURUSD"}, body={"digits": 4}, expect="MT4Error"),
    Case("POST", "CfgUpdateSymbol/{symbol}", {"symbol": "NOPE"}, body={}, expect="NotFound"),
    Case("PATCH", "SymbolConfig/{symbol}", {"symbol": "XAUUSD"}, body={"swapLong": -6.1, "swapShort": 1.2}),
    Case("PATCH", "SymbolConfig/{symbol}", {"symbol": "XAUUSD"}, body={"spread": "wide"}, expect="Validation"),
    Case("PATCH", "SymbolConfig/{symbol}", {"symbol": "XAUUSD"}, body={"spread": 0}, expect="MT4Error"),
    Case("POST", "SymbolChange", body={"symbol": "GBPUSD", "spread": 25, "stopsLevel": 30, "exeMode": "Market"}),
    Case("POST", "SymbolChange", body={"spread": 25}, expect="Validation"),
    Case("POST", "SymbolChange", body={"symbol": "NOPE", "spread": 25}, expect="NotFound"),
    Case("POST", "SymbolHide/{symbol}", {"symbol": "USOIL"}),
    Case("POST", "SymbolHide/{symbol}", {"symbol": "NOPE"}, expect="NotFound"),
    Case("POST", "SymbolAdd/{symbol}", {"symbol": "USOIL"}),
    Case("POST", "SymbolAdd/{symbol}", {"symbol": "ABCDEFGHIJKLM"}, expect="Validation"),
    Case("GET", "SymbolsGroupsGet"),
    # dealing, online and mail, reports
    Case("GET", "TradeRecordRequest/{order}", {"order": CLOSED}),
    Case("GET", "TradeRecordRequest/{order}", {"order": 99}, expect="NotFound"),
    Case("GET", "TradeRecordsRequest", query=[("orders", OPEN), ("orders", 99), ("orders", CLOSED)]),
    Case("GET", "TradeRecordsRequest", query=[("orders", "x")], expect="Validation"),
    Case("GET", "TradesGetByMarket"),
    Case("POST", "TradeCheckStops", body=tx(tradeCommand="Buy", symbol="BTCUSD", sl=1, tp=1_000_000)),
    Case("POST", "TradeCheckStops", body=tx(tradeCommand="Buy", symbol="BTCUSD", sl=1_000_000)),
    Case("POST", "TradeCheckStops", body=tx(tradeCommand="Buy", symbol="NOPE"), expect="NotFound"),
    Case("POST", "TradeCheckStops", body=tx(tradeCommand="Buy"), expect="Validation"),
    Case("POST", "AdmTradeRecordModify/{ticket}", {"ticket": CLOSED}, body={"profit": 1.5, "comment": "fixed"}),
    Case("POST", "AdmTradeRecordModify/{ticket}", {"ticket": OPEN}, body={"sl": 0, "magic": 7}),
    Case("POST", "AdmTradeRecordModify/{ticket}", {"ticket": 99}, body={"magic": 1}, expect="NotFound"),
    Case("POST", "AdmTradeRecordModify/{ticket}", {"ticket": OPEN}, body={"magic": "x"}, expect="Validation"),
    Case("GET", "AdmTradesRequest/{group}", {"group": GROUP}, {"openOnly": "false"}),
    Case("GET", "AdmTradesRequest/{group}", {"group": "nope"}, expect="NotFound"),
    Case("GET", "AdmTradesRequest/{group}", {"group": GROUP}, {"openOnly": "maybe"}, expect="Validation"),
    Case("POST", "AdmTradesDelete", query=[("orders", OPEN), ("orders", CLOSED)]),
    Case("POST", "AdmTradesDelete", query=[("orders", 99)], expect="NotFound"),
    Case("POST", "AdmTradesDelete", expect="Validation"),
    Case("GET", "AdmBalanceCheck/{login}", {"login": LOGIN}),
    Case("GET", "AdmBalanceCheck/{login}", {"login": 999}, expect="NotFound"),
    Case("GET", "AdmBalanceCheck", query=[("logins", LOGIN), ("logins", 999)]),
    Case("GET", "AdmBalanceCheck", query=[("logins", 0)], expect="Validation"),
    Case("POST", "AdmBalanceFix", query=[("logins", LOGIN)]),
    Case("POST", "AdmBalanceFix", query=[("logins", 999)], expect="NotFound"),
    Case("POST", "AdmBalanceFix", expect="Validation"),
    Case("GET", "AdmUsersRequestSafe/{group}", {"group": GROUP}),
    Case("GET", "AdmUsersRequestSafe/{group}", {"group": "nope"}, expect="NotFound"),
    Case("GET", "AdmUsersRequestSafe/{group}", {"group": "g" * 17}, expect="Validation"),
    Case("GET", "OnlineRequest", query={"limit": 5}),
    Case("GET", "OnlineRequest", query={"limit": 0}, expect="Validation"),
    Case("POST", "MailSend", body={"subject": "Margin", "body": "Please top up.", "logins": [LOGIN]}),
    Case("POST", "MailSend", body={"body": "x", "logins": [999]}, expect="NotFound"),
    Case("POST", "MailSend", body={"subject": "no body", "logins": [LOGIN]}, expect="Validation"),
    Case("GET", "MailLast"),
    Case("GET", "MailsRequest"),
    Case("POST", "NewsSend", body={"topic": "Holiday hours", "body": "Closed on Friday.", "highPriority": True}),
    Case("POST", "NewsSend", body={"body": "no topic"}, expect="Validation"),
    Case("GET", "NewsTotal"),
    Case("GET", "NewsGet"),
    Case("GET", "NewsTopicGet/{pos}", {"pos": 0}, posted_first=NEWS_FIRST),
    Case("GET", "NewsTopicGet/{pos}", {"pos": 10_000}, expect="NotFound"),
    Case("GET", "NewsTopicGet/{pos}", {"pos": "first"}, expect="Validation"),
    Case("POST", "NewsBodyRequest/{key}", {"key": 1}, posted_first=NEWS_FIRST),
    Case("POST", "NewsBodyRequest/{key}", {"key": 10_000}, expect="NotFound"),
    Case("GET", "NewsBodyGet/{key}", {"key": 1}, posted_first=NEWS_FIRST),
    Case("GET", "NewsBodyGet/{key}", {"key": 0}, expect="NotFound"),
    Case("GET", "NewsBodyGet/{key}", {"key": "x"}, expect="Validation"),
    Case("POST", "NotificationsSend", body={"logins": [LOGIN, 100002], "message": "Margin call"}),
    Case("POST", "NotificationsSend", body={"logins": [], "message": "x"}, expect="Validation"),
    Case("POST", "NotificationsSend", body={"logins": [999], "message": "x"}, expect="NotFound"),
    Case("GET", "ReportsRequest", query=[("logins", LOGIN), ("from", "2000-01-01T00:00:00Z")]),
    Case("GET", "ReportsRequest", query=[("logins", LOGIN), ("name", "nope")], expect="NotFound"),
    Case("GET", "ReportsRequest", query=[("logins", LOGIN), ("to", "soon")], expect="Validation"),
    Case("GET", "DailyReportsRequest", query=[("logins", LOGIN), ("logins", 999)]),
    Case("GET", "DailyReportsRequest", query=[("logins", "x")], expect="Validation"),
    Case("GET", "PerformanceRequest"),
    Case("GET", "PerformanceRequest", query={"from": "later"}, expect="Validation"),
]

MT5_CASES = [
    Case("GET", "MT5/ServerTime"),
    Case("GET", "MT5/ManagerCurrent"),
    Case("GET", "MT5/UserGet/{login}", {"login": MT5_LOGIN}),
    Case("GET", "MT5/UserGet/{login}", {"login": 1}, expect="NotFound"),
    Case("GET", "MT5/UserGet/{login}", {"login": 0}, expect="Validation"),
    Case("PATCH", "MT5/UserRecord/{login}", {"login": MT5_LOGIN}, body={"rights": "Enabled, Password, Bit30"}),
    Case("PATCH", "MT5/UserRecord/{login}", {"login": MT5_LOGIN}, body={"leverage": 0}, expect="MT5Error"),
    Case("PATCH", "MT5/UserRecord/{login}", {"login": MT5_LOGIN}, body={"rights": "Root"}, expect="Validation"),
    Case("PATCH", "MT5/UserRecord/{login}", {"login": 7}, body={"leverage": 10}, expect="NotFound"),
    Case("GET", "MT5/GroupGet/{group}", {"group": "real\\retail\\usd"}),
    Case("GET", "MT5/GroupGet/{group}", {"group": "real\\nope"}, expect="NotFound"),
    Case("GET", "MT5/SymbolGet/{symbol}", {"symbol": "NAS100"}),
    Case("GET", "MT5/SymbolGet/{symbol}", {"symbol": "NOPE"}, expect="NotFound"),
    Case("GET", "MT5/SymbolGet/{symbol}", {"symbol": "ABCDEFGHIJKLM"}, expect="Validation"),
    Case("GET", "MT5/PositionByGroup/{mask}", {"mask": "real*"}, {"limit": 3}),
    Case("GET", "MT5/PositionByGroup/{mask}", {"mask": "*"}, {"cursor": "!"}, expect="Validation"),
    Case("GET", "MT5/OrderByGroup/{mask}", {"mask": "*,!demo*"}),
    Case("GET", "MT5/OrderByGroup/{mask}", {"mask": "*"}, {"limit": -1}, expect="Validation"),
    Case("GET", "MT5/DealByGroup/{mask}", {"mask": "demo*"}, {"limit": 5}),
    Case("GET", "MT5/DealByGroup/{mask}", {"mask": " "}, expect="Validation"),
    Case("GET", "MT5/TimeGet"),
    Case("PATCH", "MT5/GroupRecord/{group}", {"group": "real\\retail\\usd"}, body={"marginCall": 120, "x": 1}),
    Case(
        "PATCH",
        "MT5/GroupRecord/{group}",
        {"group": "real\\retail\\usd"},
        body={"marginStopOut": 500},
        expect="MT5Error",
    ),
    Case("PATCH", "MT5/GroupRecord/{group}", {"group": "real\\nope"}, body={}, expect="NotFound"),
    Case("PATCH", "MT5/SymbolRecord/{symbol}", {"symbol": "EURUSD"}, body={"tradeMode": "CloseOnly"}),
    Case("PATCH", "MT5/SymbolRecord/{symbol}", {"symbol": "EURUSD"}, body={"swapLong": "x"}, expect="Validation"),
    Case("PATCH", "MT5/SymbolRecord/{symbol}", {"symbol": "NOPE"}, body={}, expect="NotFound"),
]
CASES = MT4_CASES + MT5_CASES


def _url(case: Case, params: dict[str, Any]) -> str:
    mt5 = case.action.startswith("MT5/")
    action = case.action[4:] if mt5 else case.action
    for name, value in params.items():
        action = action.replace("{" + name + "}", str(value))
    base = f"/api/v2/MT5/{MT5_PLATFORM_ID}" if mt5 else f"/api/v2/MT4/{PLATFORM_ID}"
    return f"{base}/{action}"


def send(http: httpx.Client, case: Case) -> dict[str, Any]:
    for before in case.before:
        http.post(f"/api/v2/MT4/{PLATFORM_ID}/TradeTransaction", json=before).raise_for_status()
    for action, body in case.posted_first:
        http.post(f"/api/v2/MT4/{PLATFORM_ID}/{action}", json=body).raise_for_status()
    kwargs: dict[str, Any] = {"params": case.query}
    if case.body is not None:
        kwargs["json"] = case.body
    response = http.request(case.method, _url(case, case.params), **kwargs)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def admin_http(sim_thread: SimulatorThread) -> Iterator[httpx.Client]:
    form = {"grant_type": "client_credentials", "client_id": ADMIN_CLIENT_ID, "client_secret": ADMIN_CLIENT_SECRET}
    token = httpx.post(f"{sim_thread.url}/connect/token", data=form).raise_for_status().json()["access_token"]
    with httpx.Client(base_url=sim_thread.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        yield client


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_answer_matches_the_spec(
    sim: SimulatorThread, http: httpx.Client, admin_http: httpx.Client, validate_v2: Validate, case: Case
) -> None:
    assert sim.control.trades.get(OPEN) is not None
    body = send(admin_http if case.admin else http, case)
    validate_v2(case.method, case.action, body)
    code = body["error"]["code"] if body["error"] is not None else None
    assert code == case.expect, body["error"]


def test_the_table_covers_every_operation() -> None:
    registered = {(op.method, op.action) for op in rest_v2.OPERATIONS}
    registered |= {(op.method, "MT5/" + op.action) for op in rest_v2.MT5_OPERATIONS}
    ok = {(c.method, c.action) for c in CASES if c.expect is None}
    failing = {(c.method, c.action) for c in CASES if c.expect is not None}
    assert registered - ok == set()
    no_error_row = {("GET", "ServerTime"), ("GET", "ManagerCommon"), ("GET", "MarginsGet"), ("GET", "GroupsGet"),
                    ("GET", "CfgRequestSymbol"), ("GET", "TickInfoLast"), ("GET", "MT5/ServerTime"),
                    ("GET", "MT5/ManagerCurrent"), ("GET", "TradesGetByMarket"), ("GET", "MailLast"),
                    ("GET", "MailsRequest"),
                    ("GET", "CfgRequestCommon"), ("GET", "CfgRequestTime"), ("GET", "PluginsGet"),
                    ("GET", "CfgRequestPlugin"), ("GET", "SymbolsGroupsGet"), ("GET", "MT5/TimeGet"),
                    ("GET", "NewsTotal"), ("GET", "NewsGet"), ("GET", "CfgRequestBackup"),
                    }  # fmt: skip  # no parameters: nothing to get wrong
    assert registered - failing - no_error_row == set()


def test_an_mt4_platform_on_an_mt5_path_is_forbidden(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    body = http.get(f"/api/v2/MT5/{PLATFORM_ID}/UserGet/{MT5_LOGIN}").json()
    validate_v2("GET", "MT5/UserGet/{login}", body)
    assert body["error"]["code"] == "Forbidden"
    body = http.get(f"/api/v2/MT4/{MT5_PLATFORM_ID}/UserRecordGet/{LOGIN}").json()
    validate_v2("GET", "UserRecordGet/{login}", body)
    assert body["error"]["code"] == "Forbidden"
