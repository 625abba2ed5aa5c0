"""AccountService: the account grid's data and the operator's balance operations.

Imports: desktop.client, desktop.domain, desktop.services, psygnal, the standard library.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from psygnal import Signal

from desktop.client.rest import WebApi
from desktop.domain.amounts import DEFAULT_MAX_AMOUNT, check_comment, parse_amount
from desktop.domain.errors import ApiFailure, DesktopError, InvalidInput, ServerUnreachable
from desktop.domain.models import Account, BalanceKind, BalanceOperation, BalanceReceipt, MarginSnapshot
from desktop.services.tasks import TaskOwner

_log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
"""How often one balance operation is sent when its outcome stays unknown (same key each time)."""


class AccountService:
    """Holds every account with live margin figures, and sends balance operations.

    Signals (on the asyncio loop thread):
        accounts_loaded(tuple[Account, ...]): the whole list, after :meth:`load`.
        accounts_updated(tuple[Account, ...]): accounts whose figures changed.
        refresh_failed(str): the periodic margin refresh failed; the reason.
    """

    accounts_loaded = Signal(object)
    accounts_updated = Signal(object)
    refresh_failed = Signal(str)

    def __init__(
        self,
        api: WebApi,
        tasks: TaskOwner,
        *,
        refresh_s: float = 2.0,
        max_amount: Decimal = DEFAULT_MAX_AMOUNT,
        retry_delay_s: float = 0.5,
    ) -> None:
        self._api = api
        self._tasks = tasks
        self._refresh_s = refresh_s
        self._retry_delay_s = retry_delay_s
        self.max_amount = max_amount
        self._accounts: dict[int, Account] = {}

    async def load(self) -> tuple[Account, ...]:
        """Read every account with its margin, then keep the margins fresh in the background."""
        accounts = tuple(await self._api.accounts())
        self._accounts = {a.login: a for a in accounts}
        self.accounts_loaded.emit(accounts)
        self._tasks.spawn("margin-refresh", self._refresh_forever())
        return accounts

    def all(self) -> tuple[Account, ...]:
        """Every account as last seen, in load order (empty before :meth:`load`)."""
        return tuple(self._accounts.values())

    def get(self, login: int) -> Account | None:
        """The account with ``login`` as last seen, or ``None``."""
        return self._accounts.get(login)

    def __len__(self) -> int:
        return len(self._accounts)

    def prepare(self, login: int, kind: BalanceKind, amount_text: str, comment: str) -> BalanceOperation:
        """Check an operator's input and turn it into an operation with a fresh idempotency key.

        Raises:
            InvalidInput: what to fix; nothing is sent.
        """
        amount = parse_amount(amount_text, self.max_amount)
        checked_comment = check_comment(comment)
        if login < 1:
            raise InvalidInput("Choose an account.")
        return BalanceOperation(login, kind, amount, checked_comment, f"dd-{uuid.uuid4().hex}")

    async def submit(self, operation: BalanceOperation) -> BalanceReceipt:
        """Send ``operation`` and return the server's receipt with the account as it is now.

        A lost answer or an ``OutcomeUnknown`` is sent again with the same idempotency key,
        so the server applies the operation at most once. Sending the same ``operation``
        object again later (the dialog's "Send again") is equally safe.

        Raises:
            ApiFailure: the server refused it (``NotFound``, ``MT4Error`` …) or its outcome
                is still unknown after :data:`SEND_ATTEMPTS` sends (``outcome_unknown``).
            ServerUnreachable: no answer at all after :data:`SEND_ATTEMPTS` sends.
        """
        ticket, activity_id = await self._send_until_known(operation)
        account = await self._reread(operation.login)
        return BalanceReceipt(operation, ticket, activity_id, account, datetime.now(UTC))

    async def _send_until_known(self, operation: BalanceOperation) -> tuple[int, str | None]:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await self._api.balance(operation)
            except (ServerUnreachable, ApiFailure) as exc:
                retriable = isinstance(exc, ServerUnreachable) or exc.outcome_unknown
                if not retriable or attempt == SEND_ATTEMPTS:
                    raise
                _log.warning("balance %s: attempt %d unclear (%s); sending again", operation, attempt, exc)
                await asyncio.sleep(self._retry_delay_s * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _reread(self, login: int) -> Account | None:
        try:
            account = await self._api.account(login)
        except DesktopError as exc:
            _log.warning("could not re-read account %d after an operation: %s", login, exc)
            return None
        self._accounts[login] = account
        self.accounts_updated.emit((account,))
        return account

    async def refresh_margins(self) -> tuple[Account, ...]:
        """Merge the server's current margin figures into the accounts; return what changed."""
        changed = []
        for snapshot in await self._api.margins():
            account = self._accounts.get(snapshot.login)
            if account is None:
                continue
            merged = merge_margin(account, snapshot)
            if merged != account:
                self._accounts[snapshot.login] = merged
                changed.append(merged)
        if changed:
            self.accounts_updated.emit(tuple(changed))
        return tuple(changed)

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self._refresh_s)
            try:
                await self.refresh_margins()
            except DesktopError as exc:
                self.refresh_failed.emit(str(exc))


def merge_margin(account: Account, snapshot: MarginSnapshot) -> Account:
    """``account`` with the live figures of ``snapshot``."""
    return dataclasses.replace(
        account,
        balance=snapshot.balance,
        equity=snapshot.equity,
        margin=snapshot.margin,
        free_margin=snapshot.free_margin,
        margin_level=snapshot.margin_level,
    )
