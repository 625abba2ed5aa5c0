"""Settling what the money benchmark's run left open, and the accounts' money before and after.

:func:`settle` is what an operator does once the server's window for the keys is over:
every unsettled journal entry is reconciled from the server's history (through a pipeline
whose clock is ``offset_s`` ahead, matching the simulator's key clock), and each operation
proven not applied is sent as a new operation, linked to the first, through a pipeline on
the real clock.

Imports: the standard library, desktop.domain and desktop.services.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from desktop.domain.models import Account
from desktop.domain.operations import OperationState
from desktop.services.journal import OperationsJournal
from desktop.services.pipeline import TradeServer, WritePipeline


class AccountReader(Protocol):
    """Reads one account live (``desktop.client.rest.WebApi`` provides it)."""

    async def account(self, login: int) -> Account:
        """The account ``login`` as the trade server holds it now."""
        ...


async def balances(api: AccountReader, logins: Iterable[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Balance and credit of each account, read live."""
    figures = {}
    for login in logins:
        account = await api.account(login)
        figures[login] = (account.balance, account.credit)
    return figures


async def settle(server: TradeServer, journal: OperationsJournal, *, platform: str, offset_s: float) -> int:
    """Reconcile every unsettled entry "``offset_s`` later"; send the ones proven not applied again.

    Returns how many operations were sent as new operations.
    """
    operator = getpass.getuser()
    later = WritePipeline(server, journal, operator=operator, platform=platform, clock=lambda: time.time() + offset_s)
    await later.resolve_unresolved()
    now = WritePipeline(server, journal, operator=operator, platform=platform)
    renewed = 0
    for _ in range(3):
        todo = [e for e in journal.entries() if e.state is OperationState.NOT_APPLIED and e.superseded_by is None]
        if not todo:
            break
        for entry in todo:
            await now.submit(now.renew(entry.key))
            renewed += 1
    return renewed
