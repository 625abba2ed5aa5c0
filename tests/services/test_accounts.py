"""AccountService against a stub API: the retry rules of money operations."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any, cast

import pytest

from desktop.client.rest import WebApi
from desktop.domain.errors import ApiFailure, InvalidInput, ServerUnreachable
from desktop.domain.models import Account, BalanceKind, BalanceOperation, MarginSnapshot
from desktop.services.accounts import SEND_ATTEMPTS, AccountService
from desktop.services.tasks import TaskOwner


def make_account(login: int, balance: str = "100.00") -> Account:
    d = Decimal(balance)
    return Account(login, "Name", "real", 100, d, Decimal(0), d, Decimal(0), d, None)


class ApiStub:
    """Canned answers; records every balance operation it is sent."""

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.sent: list[BalanceOperation] = []

    async def balance(self, operation: BalanceOperation) -> tuple[int, str | None]:
        self.sent.append(operation)
        if self.failures:
            raise self.failures.pop(0)
        return 4242, "act-1"

    async def account(self, login: int) -> Account:
        return make_account(login, "200.00")

    async def accounts(self) -> list[Account]:
        return [make_account(1), make_account(2)]

    async def margins(self) -> list[MarginSnapshot]:
        one = Decimal("150.00")
        return [
            MarginSnapshot(1, one, one, Decimal(0), one, None),
            MarginSnapshot(99, one, one, one, one, None),
        ]


def service(api: ApiStub) -> AccountService:
    return AccountService(cast(WebApi, api), TaskOwner(), retry_delay_s=0.0)


def operation(svc: AccountService) -> BalanceOperation:
    return svc.prepare(1, BalanceKind.DEPOSIT, "100", "test")


def test_prepare_makes_a_unique_key_and_validates() -> None:
    svc = service(ApiStub([]))
    first, second = operation(svc), operation(svc)
    assert first.idempotency_key != second.idempotency_key
    assert first.signed_amount == Decimal("100.00")
    with pytest.raises(InvalidInput):
        svc.prepare(1, BalanceKind.DEPOSIT, "-1", "")
    with pytest.raises(InvalidInput):
        svc.prepare(0, BalanceKind.DEPOSIT, "1", "")


def test_lost_answer_is_resent_with_the_same_key() -> None:
    api = ApiStub([ServerUnreachable("timeout"), ApiFailure("OutcomeUnknown", "did not finish")])
    svc = service(api)
    op = operation(svc)
    updates: list[Any] = []
    svc.accounts_updated.connect(updates.append)
    receipt = asyncio.run(svc.submit(op))
    assert receipt.ticket == 4242
    assert receipt.activity_id == "act-1"
    assert receipt.account is not None
    assert receipt.account.balance == Decimal("200.00")
    assert [o.idempotency_key for o in api.sent] == [op.idempotency_key] * 3
    assert updates == [(receipt.account,)]


def test_a_refusal_is_never_resent() -> None:
    api = ApiStub([ApiFailure("MT4Error", "no money", manager_code="TradeNoMoney")])
    svc = service(api)
    with pytest.raises(ApiFailure) as caught:
        asyncio.run(svc.submit(operation(svc)))
    assert caught.value.manager_code == "TradeNoMoney"
    assert len(api.sent) == 1


def test_unknown_outcome_after_every_attempt_is_reported_as_unknown() -> None:
    api = ApiStub([ApiFailure("OutcomeUnknown", "did not finish", outcome="unknown")] * SEND_ATTEMPTS)
    svc = service(api)
    with pytest.raises(ApiFailure) as caught:
        asyncio.run(svc.submit(operation(svc)))
    assert caught.value.outcome_unknown
    assert len(api.sent) == SEND_ATTEMPTS


def test_refresh_merges_margins_of_known_accounts_only() -> None:
    svc = service(ApiStub([]))

    async def run() -> tuple[Account, ...]:
        await svc.load()
        changed = await svc.refresh_margins()
        await svc._tasks.aclose()
        return changed

    changed = asyncio.run(run())
    assert [a.login for a in changed] == [1]
    account = svc.get(1)
    assert account is not None
    assert account.balance == Decimal("150.00")
    assert svc.get(99) is None
    assert len(svc) == 2
