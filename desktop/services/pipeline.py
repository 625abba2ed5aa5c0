"""WritePipeline: the one path every write to a trade server takes.

    validate -> review -> journal intent -> send with the idempotency key -> one state -> audit

How to submit an operation. Build an :class:`~desktop.domain.operations.Operation` with an
operation type (for balance: ``desktop.domain.balance_ops.balance_write``; validation of the
operator's input happens there and raises ``InvalidInput``), show its review
(``balance_review``: the exact body, before -> after), then ``outcome = await
pipeline.submit(operation)``. ``submit`` writes the ``intent`` row first (nothing is sent if
that fails: ``JournalError``), sends with ``Idempotency-Key: operation.key``, journals every
attempt, and returns one :class:`~desktop.domain.operations.Outcome`: ``applied`` (ticket,
activity id), ``refused`` (code, manager code, activity id) or ``unknown`` (said plainly in
``outcome.message``). It never raises for a server answer. Submitting a key that is already
journaled does not send it blindly: it reconciles it (see below).

Sending. A lost answer, ``OutcomeUnknown`` (``unknown`` / ``in-progress``), ``Busy`` /
``not-started``, ``Internal`` or ``NoConnect`` is sent again with the same key, with backoff
(0.5 s doubling to 5 s) for :attr:`ResendPolicy.budget_s` (40 s: longer than a server
restart), and never past the end of the server's window for the key
(:meth:`ResendPolicy.safe_until`, contract §2.1, §6 and §7.17: the answer is kept 1 minute
after a timely answer, at least 1 hour after an ``OutcomeUnknown``; the pipeline counts the
minute from the ``intent`` row, which is earlier than any answer, and keeps a 10 s margin).

How reconciliation is invoked. ``await pipeline.reconcile(key)`` settles one journaled
operation; ``await pipeline.resolve_unresolved()`` does it for every ``pending`` or
``unknown`` entry of this platform (start-up recovery). Inside the key's window it resends
with the same key (safe). After it, it never resends: it reads the account's history
(``TradesUserHistory``) and looks for the reference written into the comment
(:func:`~desktop.domain.operations.match_history`): found -> ``applied`` with the ticket;
proven absent -> ``not_applied``, and :meth:`WritePipeline.renew` then gives the same write
under a new key, linked to the first (the "Send as a new operation" choice, submitted like
any operation); neither -> stays ``unknown``.

Limits, said plainly. "Proven absent" rests on two facts: the history read succeeded with
every row readable, and the server can no longer apply the operation, because its window
for the key is over (an operation the server answered ``OutcomeUnknown`` keeps its key an
hour, and the pipeline then waits that hour). A send whose connection was cut before even
the deadline answer arrived is treated like a timely one (one minute); a server that kept
such an operation running for longer than that would defeat the proof. History is read two
days around the operation, since MT4 server time need not be UTC (contract §7.14).

How to read entries. ``pipeline.journal`` is the :class:`~desktop.services.journal.OperationsJournal`:
``entries()``, ``entry(key)``, ``unresolved()``, ``verify()``; the signal ``changed(str)``
carries the key of every operation whose journal rows changed.

Shutdown. :meth:`WritePipeline.stop_resending` lets each send in flight finish but sends
nothing more; :meth:`WritePipeline.drain` waits for them (bounded); :meth:`WritePipeline.abandon`
cancels what is left, which records it ``unknown`` for the next start.

Imports: the standard library, psygnal, desktop.domain and desktop.services.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from psygnal import Signal

from desktop.domain.errors import ApiFailure, DesktopError, ServerUnreachable
from desktop.domain.operations import (
    Attempt,
    HistoryRecord,
    MatchKind,
    Operation,
    OperationState,
    Outcome,
    match_history,
    renewed,
)
from desktop.services.journal import JournalEntry, OperationsJournal

_log = logging.getLogger(__name__)

_UNCLEAR_CODES = frozenset({"OutcomeUnknown", "Internal", "NoConnect", "Timeout"})
_HISTORY_SLACK = timedelta(days=2)
"""History is read this far around the operation: MT4 server time need not be UTC (§7.14)."""


class TradeServer(Protocol):
    """What the pipeline needs of the network (``desktop.client.rest.WebApi`` provides it)."""

    async def send_write(self, endpoint: str, body: Mapping[str, Any], key: str) -> tuple[int, str | None]:
        """Send one write with ``Idempotency-Key: key``; return the ticket and activity id.

        Raises:
            ApiFailure: an error envelope. ServerUnreachable: no answer. DesktopError: other.
        """
        ...

    async def account_history(self, login: int, start: datetime, end: datetime) -> tuple[list[HistoryRecord], int]:
        """An account's closed records between ``start`` and ``end``, and how many rows were unreadable."""
        ...


@dataclass(frozen=True)
class ResendPolicy:
    """How long and how often an unclear send is repeated with the same key."""

    first_delay_s: float = 0.5
    max_delay_s: float = 5.0
    budget_s: float = 40.0
    answered_window_s: float = 60.0
    unknown_window_s: float = 3600.0
    margin_s: float = 10.0

    def safe_until(self, created_at: float, last_unknown_at: float | None) -> float:
        """Until when (epoch seconds) a resend with the same key cannot apply the operation twice."""
        until = created_at + self.answered_window_s - self.margin_s
        if last_unknown_at is not None:
            until = max(until, last_unknown_at + self.unknown_window_s - self.margin_s)
        return until


@dataclass(frozen=True)
class _Answer:
    result: str  # applied, refused, unknown, busy, no-answer
    outcome: Outcome | None
    detail: str
    extra: dict[str, Any]


class WritePipeline:
    """Journals, sends and settles operations on one trade platform, for one operator.

    Signals (on the asyncio loop thread):
        changed(str): the journal rows of the operation with this key changed.
    """

    changed = Signal(str)

    def __init__(
        self,
        server: TradeServer,
        journal: OperationsJournal,
        *,
        operator: str,
        platform: str,
        policy: ResendPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.journal = journal
        self.operator = operator
        self.platform = platform
        self.policy = policy or ResendPolicy()
        self._server = server
        self._clock = clock
        self._stopping = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    # -- public API -------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Operations being sent or reconciled right now."""
        return len(self._tasks)

    async def submit(self, operation: Operation) -> Outcome:
        """Journal ``operation``, send it and return its outcome (see the module docstring).

        Raises:
            JournalError: the intent could not be written; nothing was sent.
        """
        if self.journal.entry(operation.key) is not None:
            return await self.reconcile(operation.key)
        with self._tracked():
            row = self.journal.record_intent(self.operator, self.platform, operation)
            self.changed.emit(operation.key)
            return await self._settle(operation, row.moment.timestamp(), 0, None)

    async def reconcile(self, key: str) -> Outcome:
        """Settle one journaled operation: same-key resend inside the window, history after it."""
        entry = self.journal.entry(key)
        if entry is None:
            raise KeyError(key)
        if entry.state.settled and entry.outcome is not None:
            return entry.outcome
        with self._tracked():
            created = entry.created_at.timestamp()
            unknown_at = entry.last_unknown_answer_at
            last_unknown = unknown_at.timestamp() if unknown_at else None
            if self._clock() < self.policy.safe_until(created, last_unknown):
                # Inside the key window the server may still apply it: never judge by history here.
                if self._stopping.is_set():
                    return entry.outcome or _unknown(key, "Not checked: the app is closing.")
                return await self._settle(entry.operation, created, len(entry.attempts), last_unknown)
            outcome = await self._check_history(entry)
            return self._finish(outcome, entry.state)

    async def resolve_unresolved(self) -> list[Outcome]:
        """Reconcile every ``pending`` or ``unknown`` entry of this platform (start-up recovery)."""
        outcomes = []
        for entry in self.journal.unresolved():
            if entry.platform != self.platform:
                continue
            try:
                outcomes.append(await self.reconcile(entry.key))
            except DesktopError as exc:
                _log.warning("could not reconcile %s: %s", entry.key, exc)
        return outcomes

    def renew(self, key: str) -> Operation:
        """The write of ``key`` under a new key, linked to it ("Send as a new operation").

        Raises:
            ValueError: ``key`` is not proven ``not_applied``, or was already sent as a new one.
        """
        entry = self.journal.entry(key)
        if entry is None or entry.state is not OperationState.NOT_APPLIED:
            raise ValueError("Only an operation proven not applied can be sent as a new operation.")
        if entry.superseded_by is not None:
            raise ValueError(f"This operation was already sent again as {entry.superseded_by}.")
        return renewed(entry.operation)

    def stop_resending(self) -> None:
        """Finish the sends in flight, but send nothing more (shutdown)."""
        self._stopping.set()

    async def drain(self, timeout_s: float) -> bool:
        """Wait until nothing is in flight; False when ``timeout_s`` ran out first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def abandon(self) -> None:
        """Cancel every operation in flight; each is journaled ``unknown`` for the next start."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)

    # -- sending ----------------------------------------------------------------------------

    def _tracked(self) -> _Tracked:
        return _Tracked(self)

    async def _settle(self, operation: Operation, created: float, attempts: int, last_unknown: float | None) -> Outcome:
        try:
            outcome = await self._send_until_known(operation, created, attempts, last_unknown)
        except asyncio.CancelledError:
            self._finish(_unknown(operation.key, "The app stopped before the server answered."), None)
            raise
        return self._finish(outcome, None)

    async def _send_until_known(
        self, operation: Operation, created: float, number: int, last_unknown: float | None
    ) -> Outcome:
        started = self._clock()
        delay = self.policy.first_delay_s
        while True:
            number += 1
            answer = await self._attempt(operation, number)
            if answer.outcome is not None:
                return answer.outcome
            if answer.result == "unknown":
                last_unknown = self._clock()
            limit = min(started + self.policy.budget_s, self.policy.safe_until(created, last_unknown))
            if self._stopping.is_set() or self._clock() + delay >= limit:
                return _unknown(operation.key, _unknown_text(number, answer.detail, self._stopping.is_set()))
            await self._pause(delay)
            delay = min(delay * 2, self.policy.max_delay_s)

    async def _attempt(self, operation: Operation, number: int) -> _Answer:
        try:
            ticket, activity = await self._server.send_write(operation.endpoint, operation.body, operation.key)
        except ApiFailure as exc:
            answer = _failure_answer(operation.key, exc)
        except ServerUnreachable as exc:
            answer = _Answer("no-answer", None, str(exc), {})
        except DesktopError as exc:
            answer = _Answer("no-answer", None, str(exc), {})
        else:
            applied = Outcome(operation.key, OperationState.APPLIED, ticket=ticket, activity_id=activity)
            answer = _Answer("applied", applied, "", {"ticket": ticket, "activity_id": activity})
        self.journal.record_attempt(
            self.operator, operation.key, Attempt(number, self._clock(), answer.result, answer.detail, answer.extra)
        )
        self.changed.emit(operation.key)
        _log.info("write %s attempt %d: %s %s", operation.key, number, answer.result, answer.detail)
        return answer

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return

    # -- reconciling ------------------------------------------------------------------------

    async def _check_history(self, entry: JournalEntry) -> Outcome:
        operation = entry.operation
        start = entry.created_at - _HISTORY_SLACK
        end = datetime.fromtimestamp(self._clock(), UTC) + _HISTORY_SLACK
        try:
            records, unreadable = await self._server.account_history(operation.login, start, end)
        except DesktopError as exc:
            self.journal.record_check(self.operator, entry.key, {"match": "failed", "detail": str(exc)})
            return _unknown(entry.key, f"The account's history could not be read ({exc}).", via="history")
        match = match_history(operation, records, unreadable)
        self.journal.record_check(
            self.operator,
            entry.key,
            {"match": match.kind.value, "ticket": match.ticket, "detail": match.detail, "records": len(records)},
        )
        if match.kind is MatchKind.FOUND:
            return Outcome(entry.key, OperationState.APPLIED, ticket=match.ticket, via="history")
        if match.kind is MatchKind.ABSENT:
            return Outcome(
                entry.key,
                OperationState.NOT_APPLIED,
                message=(
                    f"Not applied: the server no longer holds the key, and account {operation.login}'s history "
                    f"has no record with reference {operation.reference}. It can be sent as a new operation."
                ),
                via="history",
            )
        return _unknown(entry.key, f"The server's history does not settle it: {match.detail}.", via="history")

    def _finish(self, outcome: Outcome, previous: OperationState | None) -> Outcome:
        if outcome.state is not previous:
            self.journal.record_outcome(self.operator, outcome)
            self.changed.emit(outcome.key)
        return outcome


class _Tracked:
    """Counts the current task as in flight while the ``with`` block runs."""

    def __init__(self, pipeline: WritePipeline) -> None:
        self._pipeline = pipeline
        self._task: asyncio.Task[Any] | None = None

    def __enter__(self) -> None:
        self._task = asyncio.current_task()
        if self._task is not None:
            self._pipeline._tasks.add(self._task)
            self._pipeline._idle.clear()

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._pipeline._tasks.discard(self._task)
        if not self._pipeline._tasks:
            self._pipeline._idle.set()


def _failure_answer(key: str, exc: ApiFailure) -> _Answer:
    extra = {
        "code": exc.code,
        "manager_code": None if exc.manager_code is None else str(exc.manager_code),
        "activity_id": exc.activity_id,
        "outcome": exc.outcome,
    }
    if exc.outcome_unknown:
        return _Answer("unknown", None, str(exc), extra)
    if exc.code == "Busy" or exc.outcome == "not-started":
        return _Answer("busy", None, str(exc), extra)
    if exc.code in _UNCLEAR_CODES:
        return _Answer("no-answer", None, str(exc), extra)
    refused = Outcome(
        key,
        OperationState.REFUSED,
        activity_id=exc.activity_id,
        code=exc.code,
        manager_code=extra["manager_code"],
        message=exc.message,
    )
    return _Answer("refused", refused, str(exc), extra)


def _unknown(key: str, message: str, *, via: str = "answer") -> Outcome:
    return Outcome(key, OperationState.UNKNOWN, message=message, via=via)


def _unknown_text(sends: int, last: str, stopping: bool) -> str:
    why = "the app was closing" if stopping else "no definite answer"
    return (
        f"Outcome unknown after {sends} send(s), {why} (last: {last}). The operation may or may not have been "
        "applied; it is checked against the server again, with the same key while the server still holds it "
        "and in the account's history after that."
    )
