"""AccountService: the account grid's data and the operator's balance operations.

Balance operations go through the one write pipeline (:mod:`desktop.services.pipeline`):
:meth:`AccountService.prepare` validates and builds the write, :meth:`AccountService.review`
shows it, :meth:`AccountService.submit` journals, sends and settles it.

Imports: desktop.client, desktop.domain, desktop.services, psygnal, the standard library.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from psygnal import Signal

from desktop.client.backoff import Backoff
from desktop.client.rest import WebApi
from desktop.domain.amounts import DEFAULT_MAX_AMOUNT, LOGIN_MAX, parse_amount
from desktop.domain.balance_ops import balance_review, balance_write
from desktop.domain.comments import check_operator_comment
from desktop.domain.errors import DesktopError, InvalidInput
from desktop.domain.margin_impact import margin_level
from desktop.domain.models import Account, AccountChange, BalanceKind, BalanceOperation, GroupLevels, MarginSnapshot
from desktop.domain.operations import Operation, OperationState, Outcome, Review, new_key
from desktop.services.pipeline import WritePipeline
from desktop.services.tasks import TaskOwner

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BalanceResult:
    """How a balance operation ended, with the account as re-read after it (``None`` if unreadable)."""

    outcome: Outcome
    account: Account | None
    at: datetime


LEVELS_BACKOFF = Backoff(base_s=2.0, cap_s=60.0)
"""Retry delays for reading the groups' margin levels."""

MERGE_SLICE = 250
"""Snapshots merged between two yields to the event loop."""


class AccountService:
    """Holds every account with live margin figures, and sends balance operations.

    Signals (on the asyncio loop thread):
        accounts_loaded(tuple[Account, ...]): the whole list, after :meth:`load`.
        accounts_updated(tuple[Account, ...]): accounts whose figures changed.
        refresh_failed(str): the periodic margin refresh failed; the reason. The figures
            shown are stale until ``refresh_recovered``.
        refresh_recovered(): a refresh worked again after one or more failures.
    """

    accounts_loaded = Signal(object)
    accounts_updated = Signal(object)
    refresh_failed = Signal(str)
    refresh_recovered = Signal()

    def __init__(
        self,
        api: WebApi,
        tasks: TaskOwner,
        pipeline: WritePipeline,
        *,
        refresh_s: float = 2.0,
        max_amount: Decimal = DEFAULT_MAX_AMOUNT,
        levels_backoff: Backoff = LEVELS_BACKOFF,
    ) -> None:
        self._api = api
        self._tasks = tasks
        self._pipeline = pipeline
        self._refresh_s = refresh_s
        self.max_amount = max_amount
        self._accounts: dict[int, Account] = {}
        self._merged: dict[int, MarginSnapshot] = {}
        """The snapshots the last refresh merged, by login."""
        self._levels: dict[str, GroupLevels] = {}
        """Margin-call and stop-out levels by group, for the review of balance operations."""
        self._levels_backoff = levels_backoff
        self._early: list[AccountChange | MarginSnapshot] | None = []
        """Pushed changes that arrive while the list is still loading; replayed after it."""

    async def load(self) -> tuple[Account, ...]:
        """Read every account with its margin, then keep the margins fresh in the background."""
        accounts = tuple(await self._api.accounts())
        self._accounts = {a.login: a for a in accounts}
        early, self._early = self._early or [], None
        for item in early:
            self._apply_pushed(item)
        self.accounts_loaded.emit(self.all())
        self._tasks.spawn("margin-refresh", self._refresh_forever())
        self._tasks.spawn("group-levels", self._load_levels())
        return accounts

    def all(self) -> tuple[Account, ...]:
        """Every account as last seen, in load order (empty before :meth:`load`)."""
        return tuple(self._accounts.values())

    def get(self, login: int) -> Account | None:
        """The account with ``login`` as last seen, or ``None``."""
        return self._accounts.get(login)

    def __len__(self) -> int:
        return len(self._accounts)

    def prepare(self, login: int, kind: BalanceKind, amount_text: str, comment: str) -> Operation:
        """Check an operator's input and turn it into the write that will be sent, with a fresh key.

        The comment is the operator's own text; the operation's reference is appended to it
        (:mod:`desktop.domain.comments`), so the review shows the comment exactly as sent.

        Raises:
            InvalidInput: what to fix; nothing is sent.
        """
        amount = parse_amount(amount_text, self.max_amount)
        checked_comment = check_operator_comment(comment)
        if not 1 <= login <= LOGIN_MAX:
            raise InvalidInput("Choose an account.")
        return balance_write(BalanceOperation(login, kind, amount, checked_comment, new_key()))

    def review(self, operation: Operation) -> Review:
        """What the operator confirms: the exact write and the figure before and after it."""
        account = self._accounts.get(operation.login)
        return balance_review(operation, account, self._levels.get(account.group) if account else None)

    async def submit(self, operation: Operation) -> BalanceResult:
        """Send ``operation`` through the write pipeline; return its outcome and the account as it is now.

        Never raises for a server answer: refused and unknown are outcomes (see
        :mod:`desktop.services.pipeline`). Submitting an operation already sent reconciles it.

        Raises:
            JournalError: the operation could not be journaled; nothing was sent.
        """
        return await self._with_account(await self._pipeline.submit(operation), operation.login)

    async def reconcile(self, operation: Operation) -> BalanceResult:
        """Settle an operation whose outcome is unknown (same key inside the key window, history after)."""
        return await self._with_account(await self._pipeline.reconcile(operation.key), operation.login)

    def renew(self, operation: Operation) -> Operation:
        """The same write under a new key, for an operation proven not applied ("Send as a new operation").

        Raises:
            ValueError: the operation is not proven not applied, or was already sent again.
        """
        return self._pipeline.renew(operation.key)

    async def _with_account(self, outcome: Outcome, login: int) -> BalanceResult:
        account = await self._reread(login) if outcome.state is OperationState.APPLIED else self.get(login)
        return BalanceResult(outcome, account, datetime.now(UTC))

    async def _reread(self, login: int) -> Account | None:
        try:
            account = await self._api.account(login)
        except DesktopError as exc:
            _log.warning("could not re-read account %d after an operation: %s", login, exc)
            return None
        self._accounts[login] = account
        self.accounts_updated.emit((account,))
        return account

    def apply_change(self, change: AccountChange) -> None:
        """Take a pushed account change (``StreamUserUpdates``) into the grid at once.

        Balance and credit move equity by the same amount (the floating profit is unchanged
        at that instant); a deleted account leaves the list, which is then sent whole.
        """
        if self._early is not None:
            self._early.append(change)
            return
        if change.kind == "Deleted":
            if self._accounts.pop(change.login, None) is not None:
                self.accounts_loaded.emit(self.all())
            return
        account = self._accounts.get(change.login)
        merged = changed_account(account, change)
        if merged != account:
            self._accounts[change.login] = merged
            self.accounts_updated.emit((merged,))

    def apply_margin(self, snapshot: MarginSnapshot) -> None:
        """Take pushed margin figures (``StreamMarginCallUpdates``) into the grid at once."""
        if self._early is not None:
            self._early.append(snapshot)
            return
        account = self._accounts.get(snapshot.login)
        if account is None:
            return
        merged = merge_margin(account, snapshot)
        if merged != account:
            self._accounts[snapshot.login] = merged
            self.accounts_updated.emit((merged,))

    def _apply_pushed(self, item: AccountChange | MarginSnapshot) -> None:
        if isinstance(item, AccountChange):
            self.apply_change(item)
        else:
            self.apply_margin(item)

    def group_levels(self, group: str) -> GroupLevels | None:
        """The margin-call and stop-out levels of ``group``, once the server's groups are read."""
        return self._levels.get(group)

    async def _load_levels(self) -> None:
        """Read the groups' margin levels, retrying with backoff until the server answers.

        Until then a review has no level warning; start-up never waits for them.
        """
        for attempt in itertools.count():
            try:
                self._levels = {levels.group: levels for levels in await self._api.group_levels()}
                return
            except DesktopError as exc:
                delay = self._levels_backoff.delay(attempt)
                _log.warning("group levels could not be read (%s); trying again in %.0f s", exc, delay)
            await asyncio.sleep(delay)

    async def refresh_margins(self) -> tuple[Account, ...]:
        """Merge the server's current margin figures into the accounts; return what changed.

        A snapshot the API gives back unchanged (the same object as at the last refresh) was
        merged then; merging it again could only undo a newer change pushed by the server.
        """
        changed = []
        merged_before, self._merged = self._merged, {}
        for i, snapshot in enumerate(await self._api.margins()):
            if i and not i % MERGE_SLICE:
                await asyncio.sleep(0)  # a frame may run between slices: a refresh never stalls the quotes
            self._merged[snapshot.login] = snapshot
            account = self._accounts.get(snapshot.login)
            if account is None or merged_before.get(snapshot.login) is snapshot:
                continue
            merged = merge_margin(account, snapshot)
            if merged != account:
                self._accounts[snapshot.login] = merged
                changed.append(merged)
        if changed:
            self.accounts_updated.emit(tuple(changed))
        return tuple(changed)

    async def _refresh_forever(self) -> None:
        """Refresh until cancelled; a failed round is reported and the next one runs as planned."""
        failing = False
        while True:
            await asyncio.sleep(self._refresh_s)
            try:
                await self.refresh_margins()
            except DesktopError as exc:
                failing = True
                self.refresh_failed.emit(str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug in one round must not end the refresh
                failing = True
                _log.exception("margin refresh failed")
                self.refresh_failed.emit(f"{type(exc).__name__}: {exc}")
            else:
                if failing:
                    failing = False
                    self.refresh_recovered.emit()


def changed_account(account: Account | None, change: AccountChange) -> Account:
    """``account`` as ``change`` leaves it; a new idle account when it was unknown."""
    if account is None:
        equity = change.balance + change.credit
        return Account(
            change.login, change.name, change.group, change.leverage, change.balance, change.credit,
            equity, Decimal("0.00"), equity, None,
        )  # fmt: skip
    equity = account.equity + (change.balance - account.balance) + (change.credit - account.credit)
    level = margin_level(equity, account.margin)
    return dataclasses.replace(
        account,
        name=change.name or account.name,
        group=change.group or account.group,
        leverage=change.leverage or account.leverage,
        balance=change.balance,
        credit=change.credit,
        equity=equity,
        free_margin=equity - account.margin,
        margin_level=level,
    )


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
