"""Writes to a trade server as data: operations, their review, outcomes and history matches.

An :class:`Operation` is one validated write, exactly as it will be sent: the endpoint, the
JSON body (its comment already carries the reference of :mod:`desktop.domain.comments`),
the idempotency key and what the server's history must show once it is applied
(:class:`Expectation`). Operation *types* (``balance.deposit`` …, see
:mod:`desktop.domain.balance_ops`) only build operations; sending, journaling and
reconciling are the same for every type (:mod:`desktop.services.pipeline`).

States (:class:`OperationState`): ``pending`` (journaled, no outcome recorded: in flight,
or the app stopped meanwhile), ``applied`` (ticket, activity id), ``refused`` (the server's
code: nothing was applied), ``not_applied`` (the server's window for the key is over and
its history proves the operation absent), ``unknown`` (neither could be established yet).
``applied``, ``refused`` and ``not_applied`` are settled; ``pending`` and ``unknown`` are
resolved again by reconciliation.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from desktop.domain.comments import carries_reference, comment_with_reference, operator_text, reference_for

KEY_PREFIX = "dd-"


def new_key() -> str:
    """A fresh idempotency key: ``dd-`` and 32 hex digits (printable ASCII, well under 255)."""
    return KEY_PREFIX + uuid.uuid4().hex


class OperationState(enum.Enum):
    """Where one journaled operation stands."""

    PENDING = "pending"
    APPLIED = "applied"
    REFUSED = "refused"
    NOT_APPLIED = "not_applied"
    UNKNOWN = "unknown"

    @property
    def settled(self) -> bool:
        """True once nothing more can change: applied, refused or proven not applied."""
        return self in (OperationState.APPLIED, OperationState.REFUSED, OperationState.NOT_APPLIED)

    @property
    def label(self) -> str:
        """Human name, e.g. ``Not applied``."""
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Expectation:
    """What the server's history record of an applied operation shows.

    ``command`` is the MT4 trade command (``Balance``, ``Credit`` …) and ``amount`` the
    signed money the record carries (its ``profit``), or ``None`` when the type has none.
    """

    login: int
    command: str
    amount: Decimal | None


@dataclass(frozen=True, eq=False)
class Operation:
    """One write, exactly as it will be sent (``endpoint`` + ``body`` + ``key``).

    ``supersedes`` is the key of an earlier operation that was proven not applied and is
    sent again as this new one (see :func:`renewed`).
    """

    key: str
    type: str
    login: int
    endpoint: str
    body: Mapping[str, Any]
    summary: str
    expect: Expectation
    supersedes: str | None = None

    @property
    def reference(self) -> str:
        """The short reference written into the comment (derived from the key)."""
        return reference_for(self.key)

    @property
    def comment(self) -> str:
        """The comment exactly as sent, reference included."""
        return str(self.body.get("comment", ""))


def renewed(operation: Operation, key: str | None = None) -> Operation:
    """The same write under a new key (and so a new reference), linked to the first one."""
    fresh = key or new_key()
    body = dict(operation.body)
    if "comment" in body:
        text = operator_text(str(body["comment"]), operation.reference)
        body["comment"] = comment_with_reference(text, reference_for(fresh))
    return replace(operation, key=fresh, body=body, supersedes=operation.key)


@dataclass(frozen=True)
class Review:
    """What the operator confirms: the operation as sent, the figure it moves, warnings.

    ``figure`` names what changes (``Balance``, ``Credit``); ``before``/``after`` are
    ``None`` when the account is not known locally.
    """

    operation: Operation
    figure: str
    before: Decimal | None
    after: Decimal | None
    warnings: tuple[str, ...] = ()
    effects: tuple[tuple[str, Decimal | None, Decimal | None], ...] = ()
    """Other figures the operation moves: ``(name, before, after)``, e.g. free margin, margin level."""


@dataclass(frozen=True)
class Outcome:
    """The result of sending or reconciling one operation.

    ``via`` says how it was established: ``answer`` (the server's reply to a send) or
    ``history`` (found in, or proven absent from, the server's own records).
    """

    key: str
    state: OperationState
    ticket: int | None = None
    activity_id: str | None = None
    code: str | None = None
    manager_code: str | None = None
    message: str = ""
    via: str = "answer"

    def as_data(self) -> dict[str, Any]:
        """The outcome as a journal row's data."""
        return {
            "state": self.state.value,
            "ticket": self.ticket,
            "activity_id": self.activity_id,
            "code": self.code,
            "manager_code": self.manager_code,
            "message": self.message,
            "via": self.via,
        }

    @staticmethod
    def from_data(key: str, data: Mapping[str, Any]) -> Outcome:
        """The outcome recorded in a journal row."""
        ticket = data.get("ticket")
        return Outcome(
            key=key,
            state=OperationState(data["state"]),
            ticket=int(ticket) if isinstance(ticket, int) else None,
            activity_id=_opt_str(data.get("activity_id")),
            code=_opt_str(data.get("code")),
            manager_code=_opt_str(data.get("manager_code")),
            message=str(data.get("message") or ""),
            via=str(data.get("via") or "answer"),
        )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class HistoryRecord:
    """One closed record of an account's history (``TradesUserHistory``), as far as it was readable."""

    ticket: int
    login: int
    command: str
    amount: Decimal | None
    comment: str


class MatchKind(enum.Enum):
    """What an account's history says of one operation."""

    FOUND = "found"
    ABSENT = "absent"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class HistoryMatch:
    """The verdict of :func:`match_history`; ``ticket`` when found, ``detail`` otherwise."""

    kind: MatchKind
    ticket: int | None = None
    detail: str = ""


def match_history(operation: Operation, records: Iterable[HistoryRecord], unreadable: int = 0) -> HistoryMatch:
    """Look for ``operation`` among an account's history records by its reference.

    Found: a record carries the reference with the expected account, command and amount.
    Conflict (cannot decide): a record carries the reference but other figures, or some
    rows could not be read (``unreadable``), so absence is not proven. Absent otherwise.
    """
    want = operation.expect
    odd: list[HistoryRecord] = []
    for record in records:
        if not carries_reference(record.comment, operation.reference):
            continue
        same_amount = want.amount is None or record.amount == want.amount
        if record.login == want.login and record.command == want.command and same_amount:
            return HistoryMatch(MatchKind.FOUND, record.ticket)
        odd.append(record)
    if odd:
        first = odd[0]
        return HistoryMatch(
            MatchKind.CONFLICT,
            detail=f"ticket {first.ticket} carries the reference {operation.reference} with other figures",
        )
    if unreadable:
        return HistoryMatch(MatchKind.CONFLICT, detail=f"{unreadable} history records could not be read")
    return HistoryMatch(MatchKind.ABSENT)


@dataclass(frozen=True)
class Attempt:
    """One send of an operation as the journal recorded it (time in UTC epoch seconds)."""

    number: int
    at: float
    result: str
    """``applied``, ``refused``, ``unknown`` (``OutcomeUnknown``), ``busy`` or ``no-answer``."""
    detail: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
