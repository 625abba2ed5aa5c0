"""The vendor SDK's own errors under injected faults: codes, outcomes, retry safety, idempotent repeats, 401."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cplugin_webapi_sdk import ApiError, CPluginWebApiAsyncClient, unwrap
from cplugin_webapi_sdk._generated.api.mt4_v_2_trades import (
    post_api_v_2_mt4_trade_platform_trade_transaction as trade_transaction,
)
from cplugin_webapi_sdk._generated.models.mt4_trade_transaction import MT4TradeTransaction

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET, run

pytestmark = pytest.mark.integration
LOGIN = 100011


def _client(sim: SimulatorThread) -> CPluginWebApiAsyncClient:
    return CPluginWebApiAsyncClient(
        env="custom", api_base_url=sim.url, authority=sim.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )


def _deposit(amount: float) -> MT4TradeTransaction:
    body = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": LOGIN, "price": amount,
            "comment": "SDK fault"}  # fmt: skip
    return MT4TradeTransaction.from_dict(body)


async def _transaction(client: CPluginWebApiAsyncClient, key: str, amount: float = 50.0) -> Any:
    response = await client.mt4.raw(
        trade_transaction,
        request_timeout=5,
        idempotency_key=key,
        trade_platform=uuid.UUID(PLATFORM_ID),
        body=_deposit(amount),
    )
    return unwrap(response)


def _kind(error: ApiError) -> tuple[str, str | None, bool, bool]:
    return str(error.code), error.outcome, error.outcome_unknown, error.safe_to_retry


def test_sdk_busy_and_timeout_are_safe_to_retry(sim: SimulatorThread) -> None:
    faults = sim.control.faults
    sim.call(lambda: (faults.busy_next(1, "ServerTime"), faults.add_latency("UserRecordGet", 30)))

    async def body() -> None:
        async with _client(sim) as client:
            with pytest.raises(ApiError) as busy:
                await client.mt4.get_server_time(PLATFORM_ID)
            assert _kind(busy.value) == ("Busy", "not-started", False, True)
            assert busy.value.applied_timeout == 10.0
            assert await client.mt4.get_server_time(PLATFORM_ID)
            with pytest.raises(ApiError) as late:
                await client.mt4.get_user_record(PLATFORM_ID, LOGIN, request_timeout=1)
            assert _kind(late.value) == ("Timeout", "timeout", False, True)
            assert late.value.applied_timeout == 1.0

    run(body)


@pytest.mark.parametrize("variant", ["applied", "not-applied"])
def test_sdk_outcome_unknown_then_same_key_applies_exactly_once(sim: SimulatorThread, variant: str) -> None:
    start = sim.control.accounts[LOGIN].balance_cents
    sim.call(lambda: sim.control.faults.outcome_unknown_next(1, variant, path_fragment="TradeTransaction"))

    async def body() -> None:
        async with _client(sim) as client:
            key = f"sdk-{variant}-{uuid.uuid4()}"
            with pytest.raises(ApiError) as unknown:
                await _transaction(client, key)
            assert _kind(unknown.value) == ("OutcomeUnknown", "unknown", True, False)
            repeated = await _transaction(client, key)
            assert repeated["order"] == sim.control.book.ledger[-1].ticket
            assert await _transaction(client, key) == repeated
            record = await client.mt4.get_user_record(PLATFORM_ID, LOGIN)
            assert record["balance"] * 100 == pytest.approx(start + 5000)

    run(body)
    assert sim.control.accounts[LOGIN].balance_cents == start + 5000
    assert len(sim.control.book.ledger) == 1


def test_sdk_sees_in_progress_while_the_same_key_runs(sim: SimulatorThread) -> None:
    sim.call(lambda: sim.control.faults.add_latency("TradeTransaction", 0.8))

    async def body() -> None:
        async with _client(sim) as client:
            await client.mt4.get_server_time(PLATFORM_ID)  # token fetched before the race
            first = asyncio.ensure_future(_transaction(client, "sdk-race"))
            await asyncio.sleep(0.3)
            with pytest.raises(ApiError) as running:
                await _transaction(client, "sdk-race")
            assert _kind(running.value) == ("OutcomeUnknown", "in-progress", True, False)
            done = await first
            assert await _transaction(client, "sdk-race") == done

    run(body)
    assert len(sim.control.book.ledger) == 1


def test_sdk_maps_a_proxy_page_to_invalid_response(sim: SimulatorThread) -> None:
    sim.call(lambda: sim.control.faults.proxy_error_next(502, 1, "ServerTime"))

    async def body() -> None:
        async with _client(sim) as client:
            with pytest.raises(ApiError) as page:
                await client.mt4.get_server_time(PLATFORM_ID)
            assert (page.value.code, page.value.status) == ("InvalidResponse", 502)
            assert not page.value.safe_to_retry
            assert await client.mt4.get_server_time(PLATFORM_ID)

    run(body)


def _statuses(sim: SimulatorThread, fragment: str) -> list[int]:
    return [entry.status for entry in sim.control.requests.matching(fragment)]


def test_sdk_refetches_an_expired_token_and_resends_once(sim: SimulatorThread) -> None:
    expire: Callable[[], None] = sim.control.faults.expire_tokens

    async def body() -> None:
        async with _client(sim) as client:
            assert await client.mt4.get_server_time(PLATFORM_ID)
            sim.call(expire)
            assert await client.mt4.get_server_time(PLATFORM_ID)

    run(body)
    assert _statuses(sim, "/ServerTime") == [200, 401, 200]
    assert _statuses(sim, "/connect/token") == [200, 200]
