"""AccountService against a stub API: balance operations through the write pipeline, grid merges."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest

from desktop.client.rest import WebApi
from desktop.domain.errors import ApiFailure, InvalidInput, ServerUnreachable
from desktop.domain.models import Account, AccountChange, BalanceKind, GroupLevels, MarginSnapshot
from desktop.domain.operations import HistoryRecord, Operation, OperationState
from desktop.services.accounts import AccountService
from desktop.services.journal import OperationsJournal
from desktop.services.pipeline import ResendPolicy, WritePipeline
from desktop.services.tasks import TaskOwner


def make_account(login: int, balance: str = "100.00") -> Account:
    d = Decimal(balance)
    return Account(login, "Name", "real", 100, d, Decimal(0), d, Decimal(0), d, None)


class ApiStub:
    """Canned answers; records every write it is sent (the pipeline's TradeServer and the reads)."""

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.sent: list[tuple[Mapping[str, Any], str]] = []

    async def send_write(self, endpoint: str, body: Mapping[str, Any], key: str) -> tuple[int, str | None]:
        self.sent.append((body, key))
        if self.failures:
            raise self.failures.pop(0)
        return 4242, "act-1"

    async def account_history(self, login: int, start: datetime, end: datetime) -> tuple[list[HistoryRecord], int]:
        return [], 0

    async def account(self, login: int) -> Account:
        return make_account(login, "200.00")

    async def accounts(self) -> list[Account]:
        return [make_account(1), make_account(2)]

    async def group_levels(self) -> list[GroupLevels]:
        return [GroupLevels("real", Decimal(100), Decimal(50))]

    async def margins(self) -> list[MarginSnapshot]:
        one = Decimal("150.00")
        return [
            MarginSnapshot(1, one, one, Decimal(0), one, None),
            MarginSnapshot(99, one, one, one, one, None),
        ]


QUICK = ResendPolicy(first_delay_s=0.01, max_delay_s=0.02, budget_s=0.3)


def service(api: ApiStub, journal: OperationsJournal | None = None) -> AccountService:
    pipeline = WritePipeline(
        api, journal or OperationsJournal(Path(tempfile.mkdtemp()) / "j.sqlite3"), operator="ann", platform="p",
        policy=QUICK,
    )  # fmt: skip
    return AccountService(cast(WebApi, api), TaskOwner(), pipeline)


def operation(svc: AccountService) -> Operation:
    return svc.prepare(1, BalanceKind.DEPOSIT, "100", "test")


def test_prepare_makes_a_unique_key_and_validates() -> None:
    svc = service(ApiStub([]))
    first, second = operation(svc), operation(svc)
    assert first.key != second.key
    assert first.expect.amount == Decimal("100.00")
    assert first.comment == f"test {first.reference}"
    with pytest.raises(InvalidInput):
        svc.prepare(1, BalanceKind.DEPOSIT, "-1", "")
    with pytest.raises(InvalidInput):
        svc.prepare(0, BalanceKind.DEPOSIT, "1", "")
    with pytest.raises(InvalidInput, match="cannot store"):
        svc.prepare(1, BalanceKind.DEPOSIT, "1", "Überweisung")


def test_lost_answer_is_resent_with_the_same_key() -> None:
    api = ApiStub([ServerUnreachable("timeout"), ApiFailure("OutcomeUnknown", "did not finish")])
    svc = service(api)
    op = operation(svc)
    updates: list[Any] = []
    svc.accounts_updated.connect(updates.append)
    result = asyncio.run(svc.submit(op))
    assert result.outcome.state is OperationState.APPLIED
    assert result.outcome.ticket == 4242
    assert result.outcome.activity_id == "act-1"
    assert result.account is not None
    assert result.account.balance == Decimal("200.00")
    assert [key for _, key in api.sent] == [op.key] * 3
    assert all(body == op.body for body, _ in api.sent)
    assert updates == [(result.account,)]


def test_busy_was_not_started_and_is_resent_with_the_same_key() -> None:
    api = ApiStub([ApiFailure("Busy", "queue full", outcome="not-started")])
    svc = service(api)
    op = operation(svc)
    assert asyncio.run(svc.submit(op)).outcome.ticket == 4242
    assert [key for _, key in api.sent] == [op.key] * 2


def test_a_refusal_is_never_resent() -> None:
    api = ApiStub([ApiFailure("MT4Error", "no money", manager_code="TradeNoMoney", activity_id="a9")])
    svc = service(api)
    outcome = asyncio.run(svc.submit(operation(svc))).outcome
    assert outcome.state is OperationState.REFUSED
    assert (outcome.code, outcome.manager_code, outcome.activity_id) == ("MT4Error", "TradeNoMoney", "a9")
    assert len(api.sent) == 1


def test_unknown_after_the_resend_budget_is_said_plainly() -> None:
    api = ApiStub([ApiFailure("OutcomeUnknown", "did not finish", outcome="unknown")] * 1000)
    svc = service(api)
    outcome = asyncio.run(svc.submit(operation(svc))).outcome
    assert outcome.state is OperationState.UNKNOWN
    assert "may or may not have been applied" in outcome.message
    assert len(api.sent) > 1


def test_submitting_a_journaled_operation_again_does_not_send_it_blindly(tmp_path: Path) -> None:
    api = ApiStub([])
    journal = OperationsJournal(tmp_path / "j.sqlite3")
    svc = service(api, journal)
    op = operation(svc)
    first = asyncio.run(svc.submit(op)).outcome
    second = asyncio.run(svc.submit(op)).outcome
    assert first == second
    assert len(api.sent) == 1
    journal.close()


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


class FlakyGroupsStub(ApiStub):
    """GroupsGet fails twice (a proxy's 502), then answers."""

    def __init__(self) -> None:
        super().__init__([])
        self.group_calls = 0

    async def group_levels(self) -> list[GroupLevels]:
        self.group_calls += 1
        if self.group_calls <= 2:
            raise ServerUnreachable("Loading groups: the WebAPI is unavailable (HTTP 502).")
        return await super().group_levels()


def test_group_levels_are_read_in_the_background_and_retried_until_the_server_answers() -> None:
    from desktop.client.backoff import Backoff

    api = FlakyGroupsStub()
    pipeline = WritePipeline(
        api, OperationsJournal(Path(tempfile.mkdtemp()) / "j.sqlite3"), operator="ann", platform="p", policy=QUICK
    )
    svc = AccountService(cast(WebApi, api), TaskOwner(), pipeline, levels_backoff=Backoff(base_s=0.01, cap_s=0.02))

    async def run() -> GroupLevels | None:
        await svc.load()  # the load does not wait for the groups
        assert svc.group_levels("real") is None
        for _ in range(200):
            if svc.group_levels("real") is not None:
                break
            await asyncio.sleep(0.01)
        await svc._tasks.aclose()
        return svc.group_levels("real")

    levels = asyncio.run(run())
    assert levels == GroupLevels("real", Decimal(100), Decimal(50))
    assert api.group_calls == 3
    review = svc.review(svc.prepare(1, BalanceKind.WITHDRAWAL, "1", ""))
    assert [name for name, _, _ in review.effects] == ["Free margin", "Margin level"]


class SameSnapshotsStub(ApiStub):
    """Gives back the same snapshot objects at every poll, as WebApi does for unchanged rows."""

    def __init__(self) -> None:
        super().__init__([])
        one = Decimal("150.00")
        self.snapshots = [MarginSnapshot(1, one, one, Decimal(0), one, None)]

    async def margins(self) -> list[MarginSnapshot]:
        return list(self.snapshots)


def test_an_unchanged_snapshot_is_not_merged_again_over_a_newer_pushed_change() -> None:
    api = SameSnapshotsStub()
    svc = service(api)

    async def run() -> tuple[tuple[Account, ...], tuple[Account, ...]]:
        await svc.load()
        first = await svc.refresh_margins()
        svc.apply_change(change("Updated", 1, "175.00"))  # pushed after the poll
        second = await svc.refresh_margins()  # the same rows again: nothing to merge
        await svc._tasks.aclose()
        return first, second

    first, second = asyncio.run(run())
    assert [a.login for a in first] == [1]
    assert second == ()
    account = svc.get(1)
    assert account is not None
    assert account.balance == Decimal("175.00")
    one = Decimal("160.00")
    api.snapshots = [MarginSnapshot(1, one, one, Decimal(0), one, None)]  # a changed row: a new object
    asyncio.run(svc.refresh_margins())
    assert svc.get(1).balance == Decimal("160.00")  # type: ignore[union-attr]


def change(kind: str, login: int, balance: str, credit: str = "0") -> AccountChange:
    return AccountChange(kind, login, "Pushed Name", "real", 200, Decimal(balance), Decimal(credit))


def loaded_service() -> AccountService:
    svc = service(ApiStub([]))

    async def run() -> None:
        await svc.load()
        await svc._tasks.aclose()

    asyncio.run(run())
    return svc


def test_pushed_balance_change_moves_equity_and_free_margin_by_the_same_amount() -> None:
    svc = loaded_service()
    updates: list[Any] = []
    svc.accounts_updated.connect(updates.append)
    svc.apply_change(change("Updated", 1, "150.00", "25.00"))
    account = svc.get(1)
    assert account is not None
    assert (account.balance, account.credit, account.equity, account.free_margin) == (
        Decimal("150.00"),
        Decimal("25.00"),
        Decimal("175.00"),
        Decimal("175.00"),
    )
    assert account.leverage == 200
    assert updates == [(account,)]


def test_pushed_new_account_is_added_and_deleted_one_removed() -> None:
    svc = loaded_service()
    loads: list[Any] = []
    svc.accounts_loaded.connect(loads.append)
    svc.apply_change(change("Added", 7, "10.00"))
    assert svc.get(7) is not None
    svc.apply_change(change("Deleted", 7, "0"))
    assert svc.get(7) is None
    assert [a.login for a in loads[-1]] == [1, 2]


def test_changes_pushed_while_loading_are_applied_after_the_load() -> None:
    svc = service(ApiStub([]))
    svc.apply_change(change("Updated", 2, "999.00"))
    svc.apply_margin(MarginSnapshot(1, Decimal(5), Decimal(5), Decimal(1), Decimal(4), Decimal(500)))
    assert svc.get(2) is None

    async def run() -> None:
        await svc.load()
        await svc._tasks.aclose()

    asyncio.run(run())
    second, first = svc.get(2), svc.get(1)
    assert second is not None
    assert second.balance == Decimal("999.00")
    assert first is not None
    assert first.margin_level == Decimal(500)
