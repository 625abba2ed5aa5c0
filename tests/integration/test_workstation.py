"""The services against the real simulator over loopback: load, feed, money operations, errors."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from desktop.config import AppConfig, Credentials
from desktop.domain.errors import AuthFailed, ServerUnreachable
from desktop.domain.models import Account, BalanceKind, ConnectionState
from desktop.domain.operations import OperationState
from desktop.services.workstation import Workstation
from desktop.simulator import SimulatorThread
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


def account_with_margin(ws: Workstation) -> Account:
    return next(a for a in ws.accounts.all() if a.margin > 0 and a.free_margin > 100)


def test_start_loads_symbols_accounts_and_streams_ticks(credentials: Credentials) -> None:
    async def scenario() -> None:
        ws = Workstation(credentials, AppConfig())
        try:
            platform = await ws.start()
            assert platform.type == "MT4"
            assert len(ws.quotes.symbols) >= 30
            assert len(ws.accounts) >= 1000
            seeded = ws.book.total_ticks
            await wait_until(lambda: ws.book.total_ticks > seeded + 20, what="hub ticks")
            assert ws.quotes.status.state is ConnectionState.CONNECTED
            assert ws.session.server_time() is not None
            ws.book.flush()
            assert len(ws.book.symbols()) >= 30
        finally:
            await ws.aclose()

    run(scenario())


def test_deposit_changes_balance_once_even_when_sent_twice(credentials: Credentials, sim: SimulatorThread) -> None:
    async def scenario() -> None:
        ws = Workstation(credentials, AppConfig())
        try:
            await ws.start()
            before = ws.accounts.all()[0]
            operation = ws.accounts.prepare(before.login, BalanceKind.DEPOSIT, "100.00", "integration deposit")
            receipt = await ws.accounts.submit(operation)
            assert receipt.outcome.state is OperationState.APPLIED
            assert receipt.outcome.ticket
            assert receipt.outcome.activity_id
            assert receipt.account is not None
            assert receipt.account.balance == before.balance + Decimal("100.00")
            again = await ws.accounts.submit(operation)  # already journaled: settled, not sent again
            assert again.outcome.ticket == receipt.outcome.ticket
            assert again.account is not None
            assert again.account.balance == receipt.account.balance
            updated = ws.accounts.get(before.login)
            assert updated is not None
            assert updated.balance == receipt.account.balance
        finally:
            await ws.aclose()

    run(scenario())
    deposits = sim.control.requests.matching("TradeTransaction")
    assert len(deposits) == 1


def test_withdrawal_above_free_margin_is_refused_with_trade_no_money(credentials: Credentials) -> None:
    async def scenario() -> None:
        ws = Workstation(credentials, AppConfig())
        try:
            await ws.start()
            account = account_with_margin(ws)
            too_much = f"{account.free_margin + Decimal(1000):.2f}"
            operation = ws.accounts.prepare(account.login, BalanceKind.WITHDRAWAL, too_much, "")
            outcome = (await ws.accounts.submit(operation)).outcome
            assert outcome.state is OperationState.REFUSED
            assert outcome.code == "MT4Error"
            assert outcome.manager_code == "TradeNoMoney"
            assert outcome.activity_id
            after = await ws.api.account(account.login)
            assert after.balance == account.balance
        finally:
            await ws.aclose()

    run(scenario())


def test_unknown_login_is_reported_as_not_found(credentials: Credentials) -> None:
    async def scenario() -> None:
        ws = Workstation(credentials, AppConfig())
        try:
            await ws.start()
            operation = ws.accounts.prepare(99_999_999, BalanceKind.DEPOSIT, "10", "")
            outcome = (await ws.accounts.submit(operation)).outcome
            assert outcome.state is OperationState.REFUSED
            assert outcome.code == "NotFound"
        finally:
            await ws.aclose()

    run(scenario())


def test_wrong_secret_quotes_the_auth_server(sim: SimulatorThread) -> None:
    async def scenario() -> None:
        ws = Workstation(Credentials(sim.url, sim.url, "demo-dealer", "wrong"), AppConfig())
        try:
            with pytest.raises(AuthFailed, match="invalid_client"):
                await ws.start()
        finally:
            await ws.aclose()

    run(scenario())


def test_unreachable_server_is_a_clear_error_when_asked_not_to_wait() -> None:
    async def scenario() -> None:
        url = "http://127.0.0.1:9"  # discard port: nothing listens on loopback here
        ws = Workstation(Credentials(url, url, "demo-dealer", "demo-secret"), AppConfig())
        try:
            with pytest.raises(ServerUnreachable, match=r"127\.0\.0\.1"):
                await ws.start(wait_for_first_contact=False)
        finally:
            await ws.aclose()

    run(scenario())


def test_unreachable_server_is_waited_for_with_the_reason() -> None:
    async def scenario() -> None:
        url = "http://127.0.0.1:9"
        ws = Workstation(Credentials(url, url, "demo-dealer", "demo-secret"), AppConfig())
        said: list[str] = []
        heard = asyncio.Event()
        ws.starting.connect(lambda text: (said.append(text), heard.set()))
        start = asyncio.ensure_future(ws.start())
        try:
            await asyncio.wait_for(heard.wait(), 20)
            assert "cannot reach 127.0.0.1" in said[0]
            assert "trying again in" in said[0]
            assert not start.done()
        finally:
            start.cancel()
            await asyncio.gather(start, return_exceptions=True)
            await ws.aclose()

    run(scenario())


def test_the_review_of_a_withdrawal_shows_margin_after_and_warns_at_the_groups_levels(
    credentials: Credentials,
) -> None:
    async def scenario() -> None:
        ws = Workstation(credentials, AppConfig())
        try:
            await ws.start()
            levels = {g.group: g for g in await ws.api.group_levels()}  # the server's GroupsGet
            account = next(
                a
                for a in ws.accounts.all()
                if a.margin > 0 and a.margin_level and a.group in levels and not levels[a.group].in_money
            )
            await wait_until(lambda: ws.accounts.group_levels(account.group) is not None)  # read in the background
            call = levels[account.group].margin_call
            # down to just under the margin-call level: equity = margin * (call - 1) / 100
            target = account.margin * (call - 1) / 100
            amount = (account.equity - target).quantize(Decimal("0.01"))
            operation = ws.accounts.prepare(account.login, BalanceKind.WITHDRAWAL, f"{amount:.2f}", "")
            review = ws.accounts.review(operation)
            effects = {name: (before, after) for name, before, after in review.effects}
            assert effects["Free margin"] == (account.free_margin, account.free_margin - amount)
            assert effects["Margin level"][1] is not None
            assert effects["Margin level"][1] < call
            assert any(f"margin-call level of {call:,.2f} %" in w for w in review.warnings), review.warnings
        finally:
            await ws.aclose()

    run(scenario())
