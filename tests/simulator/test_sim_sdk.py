"""The vendor's Python SDK (``mywebapi-sdk``, ``cplugin_webapi_sdk``) against the simulator."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from cplugin_webapi_sdk import ApiError, CPluginWebApiAsyncClient, unwrap
from cplugin_webapi_sdk._generated.api.mt4_v_2_trades import (
    post_api_v_2_mt4_trade_platform_trade_transaction as trade_transaction,
)
from cplugin_webapi_sdk._generated.models.mt4_trade_transaction import MT4TradeTransaction

from desktop.simulator import PLATFORM_ID, SimulatorThread
from desktop.simulator.world.mt5.platform import MT5_PLATFORM_ID
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET, run

pytestmark = pytest.mark.integration


def _client(sim: SimulatorThread) -> CPluginWebApiAsyncClient:
    return CPluginWebApiAsyncClient(
        env="custom", api_base_url=sim.url, authority=sim.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )


def _balance_op(login: int, amount: float, comment: str) -> MT4TradeTransaction:
    body = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": login, "price": amount,
            "comment": comment}  # fmt: skip
    return MT4TradeTransaction.from_dict(body)


def test_sdk_lists_platforms_pages_users_and_reads_a_record(sim: SimulatorThread) -> None:
    async def body() -> None:
        async with _client(sim) as client:
            platforms = await client.list_trade_platforms()
            assert [p["id"] for p in platforms] == [PLATFORM_ID, MT5_PLATFORM_ID]
            tp = platforms[0]["id"]
            users: list[dict[str, Any]] = []
            pages = 0
            async for page in client.paged(lambda c: client.mt4.users_request(tp, cursor=c, limit=200)):
                users += page
                pages += 1
            assert pages == 6  # 1,001 accounts: 1,000 generated and the documentation's login 1000
            assert [u["login"] for u in users] == [1000, *range(100001, 101001)]
            record = await client.mt4.get_user_record(tp, 100042)
            assert record == users[42]
            server_time = await client.mt4.get_server_time(tp, request_timeout=2.5)
            assert server_time.endswith("Z")

    run(body)


def test_sdk_deposit_is_applied_once_per_idempotency_key(sim: SimulatorThread) -> None:
    login = 100003
    start = sim.control.accounts[login].balance_cents

    async def body() -> None:
        async with _client(sim) as client:
            key = f"deposit-{uuid.uuid4()}"
            answers = []
            for _ in range(2):
                response = await client.mt4.raw(
                    trade_transaction,
                    idempotency_key=key,
                    trade_platform=uuid.UUID(PLATFORM_ID),
                    body=_balance_op(login, 123.45, "SDK deposit"),
                )
                answers.append(unwrap(response))
            assert answers[0] == answers[1]
            assert answers[0]["order"] > 0
            assert answers[0]["price"] == 123.45
            record = await client.mt4.get_user_record(PLATFORM_ID, login)
            assert record["balance"] == (start + 12345) / 100

    run(body)
    assert sim.control.accounts[login].balance_cents == start + 12345
    assert len(sim.control.book.ledger) == 1


def test_sdk_sees_trade_no_money_and_not_found(sim: SimulatorThread) -> None:
    login = 100003
    start = sim.control.accounts[login].balance_cents

    async def body() -> None:
        async with _client(sim) as client:
            response = await client.mt4.raw(
                trade_transaction,
                idempotency_key="too-much",
                trade_platform=uuid.UUID(PLATFORM_ID),
                body=_balance_op(login, -(start / 100) - 1_000_000, "SDK withdrawal"),
            )
            with pytest.raises(ApiError) as no_money:
                unwrap(response)
            assert no_money.value.code == "MT4Error"
            assert no_money.value.manager_code == "TradeNoMoney"
            assert len(no_money.value.activity_id or "") == 32
            assert no_money.value.applied_timeout == 5.0
            with pytest.raises(ApiError) as missing:
                await client.mt4.get_user_record(PLATFORM_ID, 999)
            assert missing.value.code == "NotFound"

    run(body)
    assert sim.control.accounts[login].balance_cents == start
