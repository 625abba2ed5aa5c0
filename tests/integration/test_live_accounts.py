"""Account figures pushed by the hub reach the workstation without polling."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest

from desktop.config import AppConfig, Credentials
from desktop.services.workstation import Workstation
from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration

NO_POLLING = AppConfig(margins_refresh_s=3600.0)


async def deposit_from_another_desk(url: str, login: int, amount: float) -> None:
    form = {"grant_type": "client_credentials", "client_id": "demo-dealer", "client_secret": "demo-secret"}
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        token = (await http.post("/connect/token", data=form)).json()["access_token"]
        body = {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": login, "price": amount}
        answer = await http.post(
            f"/api/v2/MT4/{PLATFORM_ID}/TradeTransaction", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.json()["error"] is None


def test_a_deposit_made_elsewhere_reaches_the_grid_through_the_user_stream(
    credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        ws = Workstation(credentials, NO_POLLING)
        try:
            await ws.start()
            idle = next(a for a in ws.accounts.all() if a.margin == 0)
            await wait_until(lambda: ws.hub.connections == 1, what="the hub")
            await asyncio.sleep(0.3)  # the streams are opened right after the connection
            await deposit_from_another_desk(sim.url, idle.login, 250.0)
            expected = idle.balance + Decimal("250.00")

            def arrived() -> bool:
                account = ws.accounts.get(idle.login)
                return account is not None and account.balance == expected

            await wait_until(arrived, limit_s=5, what="the pushed deposit")
            account = ws.accounts.get(idle.login)
            assert account is not None
            assert account.equity == idle.equity + Decimal("250.00")
            assert account.free_margin == idle.free_margin + Decimal("250.00")
        finally:
            await ws.aclose()

    asyncio.run(scenario())
