"""The vendor SDK (``mywebapi-sdk``) against the simulator: every namespace method, and ``raw()`` with generated ops.

Uses the synchronous client (the simulator runs on its own thread). ``raw()`` calls go
through the SDK's generated request builders, so query formats (repeated ``logins``,
``datetime.isoformat()``, enum values) are the SDK's own.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator

import pytest
from cplugin_webapi_sdk import ApiError, CPluginWebApiClient, unwrap, unwrap_with_meta
from cplugin_webapi_sdk._generated.api.mt4_v_2_authentication import (
    post_api_v_2_mt4_trade_platform_user_password_check_login as password_check,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_authentication import (
    post_api_v_2_mt4_trade_platform_user_password_set_login as password_set,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_common import (
    get_api_v_2_mt4_trade_platform_journal_request as journal_request,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_history import (
    get_api_v_2_mt4_trade_platform_trades_user_history_login as user_history,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_prices import (
    get_api_v_2_mt4_trade_platform_chart_request_symbol as chart_request,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_prices import (
    get_api_v_2_mt4_trade_platform_ticks_request_symbol as ticks_request,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_trades import (
    get_api_v_2_mt4_trade_platform_trades_get as trades_get,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_trades import (
    post_api_v_2_mt4_trade_platform_trade_transaction as trade_transaction,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_users import (
    get_api_v_2_mt4_trade_platform_user_records_request as user_records,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_users import (
    post_api_v_2_mt4_trade_platform_user_record_new as user_record_new,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_users import (
    post_api_v_2_mt4_trade_platform_users_group_op as users_group_op,
)
from cplugin_webapi_sdk._generated.api.mt5_v_2_trades import (
    get_api_v_2_mt5_trade_platform_deal_by_group_mask as deals_by_group,
)
from cplugin_webapi_sdk._generated.models.chart_period import ChartPeriod
from cplugin_webapi_sdk._generated.models.en_log_type import EnLogType
from cplugin_webapi_sdk._generated.models.mt4_trade_transaction import MT4TradeTransaction
from cplugin_webapi_sdk._generated.models.mt4_user_create import MT4UserCreate
from cplugin_webapi_sdk._generated.models.mt4_users_group_op import MT4UsersGroupOp

from desktop.simulator import PLATFORM_ID, SimulatorThread
from desktop.simulator.world.mt5.platform import FIRST_MT5_LOGIN, MT5_PLATFORM_ID
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.integration
LOGIN = 100001
TP = uuid.UUID(PLATFORM_ID)


@pytest.fixture
def client(sim: SimulatorThread) -> Iterator[CPluginWebApiClient]:
    with CPluginWebApiClient(
        env="custom", api_base_url=sim.url, authority=sim.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    ) as sdk:
        yield sdk


def test_mt4_namespace(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    mt4 = client.mt4
    assert mt4.get_server_time(PLATFORM_ID).endswith("Z")
    assert mt4.get_manager_common(PLATFORM_ID)["name"] == "DealerDesk-Demo"
    users, meta = mt4.users_request(PLATFORM_ID, limit=10)
    assert [u["login"] for u in users] == [1000, *range(100001, 100010)]
    assert meta.paging.has_more is True
    assert mt4.get_user_record(PLATFORM_ID, LOGIN)["login"] == LOGIN
    patched = mt4.patch_user_record(PLATFORM_ID, LOGIN, {"leverage": 200, "comment": "vip"}, idempotency_key="p-1")
    assert (patched["leverage"], patched["comment"]) == (200, "vip")
    assert mt4.get_user_record(PLATFORM_ID, LOGIN)["comment"] == "vip"
    with pytest.raises(ApiError) as refused:
        mt4.patch_user_record(PLATFORM_ID, LOGIN, {"group": "real\\nope"})
    assert (refused.value.code, refused.value.manager_code) == ("MT4Error", "InvalidData")
    assert mt4.group_exists(PLATFORM_ID, "real\\usd-std") is True
    assert mt4.group_exists(PLATFORM_ID, "real\\USD-std") is False
    configs = mt4.list_symbol_configs(PLATFORM_ID)
    assert "EURUSD" in [c["symbol"] for c in configs]
    info = mt4.get_symbol_info(PLATFORM_ID, symbol="XAUUSD")
    assert info["symbol"] == "XAUUSD"
    assert info["ask"] > info["bid"]
    with pytest.raises(ApiError) as unknown:
        mt4.get_symbol_info(PLATFORM_ID, symbol="NOPE")
    assert unknown.value.code == "NotFound"


def test_mt4_trades_request_pages(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    pages = list(client.paged(lambda cursor: client.mt4.trades_request(PLATFORM_ID, cursor=cursor, limit=500)))
    tickets = [t["order"] for page in pages for t in page]
    expected = sorted(p.ticket for a in sim.control.accounts.values() for p in a.positions)
    assert tickets == expected
    assert len(pages) == -(-len(expected) // 500)
    group, _ = client.mt4.trades_request(PLATFORM_ID, group="demo\\eur-std")
    assert {sim.control.accounts[t["login"]].group for t in group} == {"demo\\eur-std"}


def test_mt5_namespace(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    mt5 = client.mt5
    assert mt5.get_server_time(MT5_PLATFORM_ID).endswith("Z")
    assert mt5.get_manager_current(MT5_PLATFORM_ID)["login"] == 1000
    user = mt5.get_user(MT5_PLATFORM_ID, FIRST_MT5_LOGIN)
    assert user["login"] == FIRST_MT5_LOGIN
    assert mt5.get_group(MT5_PLATFORM_ID, user["group"])["group"] == user["group"]
    assert mt5.get_symbol(MT5_PLATFORM_ID, "EURUSD")["currencyBase"] == "EUR"
    positions = mt5.positions_by_group(MT5_PLATFORM_ID, "*")
    assert [p["position"] for p in positions] == sorted(p.position for p in sim.control.mt5.positions)
    with pytest.raises(ApiError) as missing:
        mt5.get_user(MT5_PLATFORM_ID, 42)
    assert missing.value.code == "NotFound"
    with pytest.raises(ApiError) as wrong_platform:
        mt5.get_user(PLATFORM_ID, FIRST_MT5_LOGIN)
    assert wrong_platform.value.code == "Forbidden"
    deals, meta = unwrap_with_meta(
        mt5.raw(deals_by_group, trade_platform=uuid.UUID(MT5_PLATFORM_ID), mask="real*", limit=3)
    )
    assert len(deals) == 3
    assert meta.paging.has_more is True


def _market(volume: int) -> MT4TradeTransaction:
    return MT4TradeTransaction.from_dict(
        {
            "tradeTransactionType": "OpenMarket",
            "tradeCommand": "Buy",
            "tradeRequestFlags": "API",
            "orderBy": LOGIN,
            "symbol": "BTCUSD",
            "volume": volume,
            "comment": "sdk",
        }
    )


def test_raw_trade_transaction_with_idempotency_key(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    key = f"open-{uuid.uuid4()}"
    first = unwrap(client.mt4.raw(trade_transaction, idempotency_key=key, trade_platform=TP, body=_market(2)))
    again = unwrap(client.mt4.raw(trade_transaction, idempotency_key=key, trade_platform=TP, body=_market(2)))
    assert first == again
    assert [p.ticket for p in sim.control.accounts[LOGIN].positions if p.reason == "API"] == [first["order"]]
    close = MT4TradeTransaction.from_dict({"tradeTransactionType": "CloseMarket", "order": first["order"]})
    closed = unwrap(client.mt4.raw(trade_transaction, idempotency_key=f"close-{key}", trade_platform=TP, body=close))
    assert closed["order"] == first["order"]
    history = unwrap(
        client.mt4.raw(user_history, trade_platform=TP, login=LOGIN, from_time=datetime.datetime(2026, 1, 1))
    )
    assert history[-1]["order"] == first["order"]
    with pytest.raises(ApiError) as bad_volume:
        unwrap(client.mt4.raw(trade_transaction, idempotency_key=f"big-{key}", trade_platform=TP, body=_market(5000)))
    assert (bad_volume.value.code, bad_volume.value.manager_code) == ("MT4Error", "TradeBadVolume")


def test_raw_user_operations(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    create = MT4UserCreate.from_dict(
        {"login": 0, "group": "real\\usd-std", "name": "SDK User", "leverage": 100, "enableFlags": 3}
    )
    created = unwrap(client.mt4.raw(user_record_new, idempotency_key="new-1", trade_platform=TP, body=create))
    login = created["login"]
    assert unwrap(client.mt4.raw(password_set, trade_platform=TP, login=login, body="Start123")) is True
    assert unwrap(client.mt4.raw(password_check, trade_platform=TP, login=login, body="Start123")) is True
    records = unwrap(client.mt4.raw(user_records, trade_platform=TP, logins=[login, LOGIN, 1]))
    assert sorted(r["login"] for r in records) == sorted([login, LOGIN])
    op = MT4UsersGroupOp.from_dict({"command": "Leverage", "leverage": 300, "logins": [login]})
    assert unwrap(client.mt4.raw(users_group_op, trade_platform=TP, body=op)) is True
    assert sim.control.accounts[login].leverage == 300


def test_raw_market_history(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    now = datetime.datetime.now(datetime.UTC)
    bars = unwrap(
        client.mt4.raw(
            chart_request,
            trade_platform=TP,
            symbol="EURUSD",
            period=ChartPeriod.MN1,
            start=now - datetime.timedelta(days=100),
        )
    )
    assert 3 <= len(bars) <= 5
    ticks = unwrap(
        client.mt4.raw(
            ticks_request,
            trade_platform=TP,
            symbol="EURUSD",
            start=now - datetime.timedelta(minutes=30),
            end=now,
            flags="All",
        )
    )
    assert ticks
    entries = unwrap(
        client.mt4.raw(
            journal_request, trade_platform=TP, from_=now - datetime.timedelta(days=1), mode=EnLogType.LOGINS
        )
    )
    assert {e["code"] for e in entries} == {"Login"}
    trades, meta = unwrap_with_meta(client.mt4.raw(trades_get, trade_platform=TP, limit=2))
    assert len(trades) == 2
    assert meta.paging.next_cursor


def test_sdk_sees_every_answer_as_valid(sim: SimulatorThread, client: CPluginWebApiClient) -> None:
    """The SDK parses envelopes with its own pydantic models; a few odd answers on top of the above."""
    for call in (
        lambda: client.mt4.get_user_record(PLATFORM_ID, 999),
        lambda: client.mt4.group_exists(PLATFORM_ID, "g" * 17),
    ):
        with pytest.raises(ApiError) as failure:
            call()
        assert failure.value.code in ("NotFound", "Validation")
        assert len(failure.value.activity_id or "") == 32
