"""The app's v1 client against the simulator's v1 routes: the legacy envelope and native records."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from desktop.client.legacy import LegacyApi, unwrap_legacy
from desktop.config import Credentials
from desktop.domain.errors import ApiFailure
from desktop.domain.models import BalanceKind, BalanceOperation
from desktop.simulator import PLATFORM_ID

pytestmark = pytest.mark.integration


def test_accounts_read_and_a_deposit_over_v1(credentials: Credentials) -> None:
    async def scenario() -> None:
        api = LegacyApi(credentials, PLATFORM_ID)
        try:
            accounts = await api.accounts()
            assert len(accounts) >= 1000
            first = accounts[0]
            assert first.name
            operation = BalanceOperation(first.login, BalanceKind.DEPOSIT, Decimal("100.00"), "v1", "dd-v1-test")
            ticket, activity = await api.balance(operation)
            assert ticket > 0
            assert activity
            after = await api.account(first.login)
            assert after.balance == first.balance + Decimal("100.00")
            with pytest.raises(ApiFailure) as caught:
                await api.account(99_999_999)
            assert caught.value.code == "NotFound"
            too_much = BalanceOperation(first.login, BalanceKind.WITHDRAWAL, Decimal("1e9"), "", "dd-v1-big")
            with pytest.raises(ApiFailure) as refused:
                await api.balance(too_much)
            assert refused.value.manager_code == "TradeNoMoney"
        finally:
            await api.aclose()

    asyncio.run(scenario())


def test_unwrap_legacy_rejects_a_v2_envelope() -> None:
    with pytest.raises(ApiFailure, match="not a v1"):
        unwrap_legacy({"data": None, "error": None, "meta": {}})
