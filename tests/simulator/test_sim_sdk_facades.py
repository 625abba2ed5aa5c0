"""Every public method of the vendor SDK's MT4 and MT5 facades works against the simulator.

The table below holds one plausible call per public method; a test checks that it names
exactly the facades' public methods, so an SDK upgrade that adds one fails here until it is
covered. ``raw()`` is called with the SDK's generated modules of the dealing, online, mail
and report operations, so their query formats (repeated ``orders``/``logins``) are the SDK's.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cplugin_webapi_sdk import CPluginWebApiClient, unwrap
from cplugin_webapi_sdk._generated.api.mt4_v_2_mail import get_api_v_2_mt4_trade_platform_mail_last as mail_last
from cplugin_webapi_sdk._generated.api.mt4_v_2_online import (
    get_api_v_2_mt4_trade_platform_online_request as online_request,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_reports import (
    get_api_v_2_mt4_trade_platform_reports_request as reports_request,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_trades import (
    get_api_v_2_mt4_trade_platform_trade_records_request as trade_records_request,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_trades import (
    get_api_v_2_mt4_trade_platform_trades_get_by_market as trades_by_market,
)
from cplugin_webapi_sdk._generated.api.mt5_v_2_users import get_api_v_2_mt5_trade_platform_user_get_login as mt5_user
from cplugin_webapi_sdk.client import _MT4Namespace, _MT5Namespace

from desktop.simulator import MT5_PLATFORM_ID, PLATFORM_ID, SimulatorThread
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.integration
TP, TP5 = uuid.UUID(PLATFORM_ID), uuid.UUID(MT5_PLATFORM_ID)
LOGIN, MT5_LOGIN, OPEN = 100001, 3000000001, 4100001
Call = Callable[[Any], Any]

MT4_CALLS: dict[str, Call] = {
    "get_server_time": lambda mt4: mt4.get_server_time(PLATFORM_ID),
    "get_manager_common": lambda mt4: mt4.get_manager_common(TP),
    "users_request": lambda mt4: mt4.users_request(PLATFORM_ID, limit=3),
    "get_user_record": lambda mt4: mt4.get_user_record(PLATFORM_ID, LOGIN),
    "patch_user_record": lambda mt4: mt4.patch_user_record(PLATFORM_ID, LOGIN, {"comment": "vip"}),
    "group_exists": lambda mt4: mt4.group_exists(PLATFORM_ID, "real\\usd-std"),
    "list_symbol_configs": lambda mt4: mt4.list_symbol_configs(PLATFORM_ID),
    "get_symbol_info": lambda mt4: mt4.get_symbol_info(PLATFORM_ID, symbol="EURUSD"),
    "trades_request": lambda mt4: mt4.trades_request(PLATFORM_ID, limit=2, group="real\\usd-std"),
    "raw": lambda mt4: unwrap(mt4.raw(trades_by_market, trade_platform=TP)),
}
MT5_CALLS: dict[str, Call] = {
    "get_server_time": lambda mt5: mt5.get_server_time(MT5_PLATFORM_ID),
    "get_manager_current": lambda mt5: mt5.get_manager_current(MT5_PLATFORM_ID),
    "get_user": lambda mt5: mt5.get_user(MT5_PLATFORM_ID, MT5_LOGIN),
    "get_group": lambda mt5: mt5.get_group(MT5_PLATFORM_ID, "real\\retail\\usd"),
    "get_symbol": lambda mt5: mt5.get_symbol(MT5_PLATFORM_ID, "EURUSD"),
    "positions_by_group": lambda mt5: mt5.positions_by_group(MT5_PLATFORM_ID, "real*"),
    "raw": lambda mt5: unwrap(mt5.raw(mt5_user, trade_platform=TP5, login=MT5_LOGIN)),
}


def public_methods(facade: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(facade, inspect.isfunction) if not name.startswith("_")}


@pytest.fixture
def client(sim: SimulatorThread) -> Iterator[CPluginWebApiClient]:
    with CPluginWebApiClient(
        env="custom", api_base_url=sim.url, authority=sim.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    ) as sdk:
        yield sdk


def test_the_table_names_every_public_facade_method() -> None:
    assert public_methods(_MT4Namespace) == set(MT4_CALLS)
    assert public_methods(_MT5Namespace) == set(MT5_CALLS)


@pytest.mark.parametrize("name", sorted(MT4_CALLS))
def test_every_mt4_facade_method(client: CPluginWebApiClient, name: str) -> None:
    assert MT4_CALLS[name](client.mt4) is not None


@pytest.mark.parametrize("name", sorted(MT5_CALLS))
def test_every_mt5_facade_method(client: CPluginWebApiClient, name: str) -> None:
    assert MT5_CALLS[name](client.mt5) is not None


def test_raw_dealing_online_mail_and_reports(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    mt4 = client.mt4
    records = unwrap(mt4.raw(trade_records_request, trade_platform=TP, orders=[OPEN, 99, OPEN]))
    assert [r["order"] for r in records] == [OPEN]
    market = unwrap(mt4.raw(trades_by_market, trade_platform=TP))
    assert OPEN in {t["order"] for t in market}
    assert all(t["tradeCommand"] in ("Buy", "Sell") for t in market)
    online = unwrap(mt4.raw(online_request, trade_platform=TP, limit=5))
    assert len(online) == 5
    assert unwrap(mt4.raw(mail_last, trade_platform=TP)) == ""
    closed = unwrap(mt4.raw(reports_request, trade_platform=TP, logins=[LOGIN, 999]))
    assert closed
    assert {r["login"] for r in closed} == {LOGIN}
