"""The real window against each fault scenario of the simulator: the effect shows, nothing crashes.

Each test starts one scenario on the running simulator (as ``dealer-desk-sim --scenario`` or
``POST /_sim/scenarios/NAME`` would) with a timeline shortened for a test, and watches what a
dealer or operator would see: the market watch, the account grid, the status bar, a receipt.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.app.desk import Desk, StartAbandoned, open_desk
from desktop.client.rest import USERS_PAGE
from desktop.config import AppConfig, Credentials
from desktop.domain.models import BalanceKind, ConnectionState
from desktop.simulator import SimulatorThread
from desktop.ui import theme
from desktop.ui.models.watchlist import SPREAD_COLUMN, TIME_COLUMN
from tests.integration.conftest import LoopRunner, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.gui]

FAST = AppConfig(stale_after_s=1.0, margins_refresh_s=0.3, request_timeout_s=2.0)


@asynccontextmanager
async def desk(credentials: Credentials, config: AppConfig = FAST) -> AsyncIterator[Desk]:
    opened = await open_desk(credentials, config, settings=None)
    opened.window.show()
    try:
        yield opened
    finally:
        await opened.aclose()
        opened.window.deleteLater()


def start(sim: SimulatorThread, name: str, **params: Any) -> None:
    sim.call(functools.partial(sim.control.scenarios.start, name, **params))


def cell(d: Desk, symbol: str, column: int, role: Qt.ItemDataRole) -> Any:
    row = d.window.watchlist.view_row_of_symbol(symbol)
    return d.window.watchlist.index(row, column).data(role)


def run(arun: LoopRunner, scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    arun(scenario(), timeout=60.0)


def test_stalled_symbol_turns_grey_while_the_others_tick(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            await wait_until(lambda: cell(d, "EURUSD", TIME_COLUMN, Qt.ItemDataRole.ForegroundRole) != theme.STALE)
            start(sim, "stalled-symbol", symbol="EURUSD", at=0, duration=60)
            await wait_until(lambda: cell(d, "EURUSD", TIME_COLUMN, Qt.ItemDataRole.ForegroundRole) == theme.STALE)
            assert "No tick for" in cell(d, "EURUSD", TIME_COLUMN, Qt.ItemDataRole.ToolTipRole)
            before = d.workstation.book.total_ticks
            await wait_until(lambda: d.workstation.book.total_ticks > before + 20, what="other symbols ticking")

    run(arun, scenario)


def test_spread_widening_is_flagged_in_the_market_watch(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            start(sim, "spread-widening", symbol="GBPUSD", factor=10, at=0, duration=60)
            await wait_until(lambda: cell(d, "GBPUSD", SPREAD_COLUMN, Qt.ItemDataRole.ForegroundRole) == theme.WARN)
            assert "the normal" in cell(d, "GBPUSD", SPREAD_COLUMN, Qt.ItemDataRole.ToolTipRole)

    run(arun, scenario)


def test_price_gap_shows_in_the_quote(arun: LoopRunner, credentials: Credentials, sim: SimulatorThread) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            await wait_until(lambda: d.workstation.book.latest("USDJPY") is not None)
            quote = d.workstation.book.latest("USDJPY")
            assert quote is not None
            start(sim, "price-gap", symbol="USDJPY", points=500, at=0)

            def gapped() -> bool:
                now = d.workstation.book.latest("USDJPY")
                return now is not None and abs(now.bid - quote.bid) >= 0.4  # 500 points of 0.001

            await wait_until(gapped, what="the gap")

    run(arun, scenario)


def test_margin_call_wave_turns_accounts_red(arun: LoopRunner, credentials: Credentials, sim: SimulatorThread) -> None:
    def in_call(d: Desk) -> set[int]:
        return {a.login for a in d.workstation.accounts.all() if a.margin_level is not None and a.margin_level < 100}

    async def scenario() -> None:
        async with desk(credentials) as d:
            already = in_call(d)
            start(sim, "margin-call-wave", count=3, at=0, steps=4, interval=0.3)
            await wait_until(lambda: len(in_call(d) - already) >= 3, limit_s=20, what="three accounts in margin call")
            login = next(iter(in_call(d) - already))
            row = d.window.accounts_model.view_row_of_login(login)
            background = d.window.accounts_model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole)
            assert background == theme.MARGIN_CALL_ROW

    run(arun, scenario)


@pytest.mark.parametrize("variant", ["applied", "not-applied"])
def test_outcome_unknown_deposit_is_applied_exactly_once(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread, variant: str
) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            account = d.workstation.accounts.all()[1]
            sim.call(sim.control.faults.outcome_unknown_next, 1, variant)
            operation = d.workstation.accounts.prepare(account.login, BalanceKind.DEPOSIT, "100.00", "flaky")
            result = await d.workstation.accounts.submit(operation)
            assert result.account is not None
            assert result.account.balance == account.balance + Decimal("100.00")

    run(arun, scenario)
    assert len(sim.control.requests.matching("TradeTransaction")) == 2


def test_flaky_writes_never_apply_a_deposit_twice(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            start(sim, "flaky-writes", every=2, delay=0)
            account = d.workstation.accounts.all()[2]
            for _ in range(4):
                operation = d.workstation.accounts.prepare(account.login, BalanceKind.DEPOSIT, "10.00", "")
                await d.workstation.accounts.submit(operation)
            now = await d.workstation.api.account(account.login)
            assert now.balance == account.balance + Decimal("40.00")

    run(arun, scenario)


def test_busy_deposit_is_resent_and_lands_once(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            account = d.workstation.accounts.all()[3]
            sim.call(sim.control.faults.busy_next, 1)
            operation = d.workstation.accounts.prepare(account.login, BalanceKind.DEPOSIT, "5.00", "")
            result = await d.workstation.accounts.submit(operation)
            assert result.account is not None
            assert result.account.balance == account.balance + Decimal("5.00")

    run(arun, scenario)


@pytest.mark.parametrize(("name", "params", "words"), [
    ("slow-reads", {"seconds": 3}, "Timeout"),
    ("proxy-errors", {"every": 1}, "unavailable"),
])  # fmt: skip
def test_failing_refreshes_are_reported_in_the_status_bar(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread, name: str, params: dict[str, Any], words: str
) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            start(sim, name, **params)
            message = d.window.status.message
            await wait_until(lambda: words in message.text(), limit_s=15, what=f"'{words}' in the status bar")
            sim.call(sim.control.scenarios.stop_all)
            assert d.window.isVisible()

    run(arun, scenario)


@pytest.mark.parametrize(("name", "params"), [
    ("hub-drops", {"at": 0.3, "every": 1.0}),
    ("server-restart", {"at": 0.3, "every": 60, "refuse": 0.5, "unavailable": 0.5}),
    ("short-tokens", {"seconds": 1}),
])  # fmt: skip
def test_the_feed_comes_back_after_outages(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread, name: str, params: dict[str, Any]
) -> None:
    async def scenario() -> None:
        async with desk(credentials) as d:
            states: list[ConnectionState] = []
            d.workstation.quotes.status_changed.connect(lambda s: states.append(s.state))
            start(sim, name, **params)
            if name == "short-tokens":
                await asyncio.sleep(1.5)
                await asyncio.to_thread(sim.run, sim.control.faults.drop_hub())  # reconnecting needs a fresh token
            await wait_until(lambda: ConnectionState.RECONNECTING in states, limit_s=15, what="the outage")
            sim.call(sim.control.scenarios.stop_all)
            await wait_until(lambda: d.window.quotes.status.state is ConnectionState.CONNECTED, limit_s=20)
            ticks = d.workstation.book.total_ticks
            await wait_until(lambda: d.workstation.book.total_ticks > ticks + 10, what="ticks after the outage")
            await d.workstation.accounts.refresh_margins()  # REST works again (fresh token if needed)

    run(arun, scenario)


def test_corrupt_rows_are_set_aside_and_the_rest_loads_and_refreshes(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        total = sim.call(lambda: len(sim.control.book.accounts))
        pages = -(-total // USERS_PAGE)  # row 0 of every UsersRequest page has a null login
        start(sim, "corrupt-rows")
        async with desk(credentials) as d:
            set_aside = d.workstation.set_aside
            assert len(d.workstation.accounts) == total - pages
            assert set_aside.counts() == {"UsersRequest": pages, "MarginsGet": 1}
            label = d.window.status.unreadable
            await wait_until(lambda: label.isVisible(), what="the set-aside count in the status bar")
            shown = label.text().removesuffix(" records could not be read")
            assert int(shown) >= pages + 1  # the margin refresh (every 0.3 s) may have set more aside
            assert f"UsersRequest {pages}" in label.toolTip()
            await wait_until(
                lambda: set_aside.counts()["MarginsGet"] >= int(shown) + 2, what="margin refreshes going on"
            )
            await wait_until(lambda: label.text() != f"{shown} records could not be read", what="a fresh count")
            assert d.window.isVisible()

    run(arun, scenario)


def test_a_failing_server_opens_the_window_connecting_and_closing_it_abandons_the_start(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread, qtbot: Any
) -> None:
    async def scenario() -> None:
        start(sim, "proxy-errors", every=1)  # every /api/ request gets a proxy's HTML 502 or 504
        opening = asyncio.ensure_future(open_desk(credentials, FAST, settings=None, show=True))
        windows: list[Any] = []

        def connecting_window() -> bool:
            windows[:] = [w for w in QApplication.topLevelWidgets() if w.isVisible() and hasattr(w, "status")]
            return bool(windows) and "Connecting:" in windows[0].status.message.text()

        await wait_until(connecting_window, limit_s=15, what="the window, connecting, with the reason")
        window = windows[0]
        assert "unavailable (HTTP 50" in window.status.message.text()
        assert window.status.connection.text() == "Connecting"
        assert not opening.done()
        window.close()
        with pytest.raises(StartAbandoned):
            await opening

    run(arun, scenario)


def test_the_start_waits_out_proxy_errors_and_then_everything_loads(
    arun: LoopRunner, credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        start(sim, "proxy-errors")  # every 4th /api/ request, as the scenario defaults
        async with desk(credentials) as d:
            assert d.workstation.startup.retries > 0
            assert len(d.workstation.accounts) > 1000
            # The connecting message went with its cause. The scenario still fails every 4th
            # request, so a margin refresh may rightly report its own 502 meanwhile.
            assert "Connecting" not in d.window.status.message.text()
            sim.call(sim.control.scenarios.stop_all)

    run(arun, scenario)
