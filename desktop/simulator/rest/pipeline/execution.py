"""Running one v2 call under its deadline: idempotency states, injected latency, outcomes.

Imports: stdlib and ``desktop.simulator`` (``rest.pipeline.envelope``, ``idempotency``, ``rest.pipeline.operation``).
Used by ``rest_v2.handle`` after the request has been validated.

Order: a key already known is answered from the store (replay, ``in-progress`` while its
operation runs, ``unknown`` when its outcome can never be known); then ``Busy`` /
``not-started`` when the platform queue is full or a busy fault says so (the key is not
taken); then the key is taken (``RUNNING``) and the operation runs:

* an "outcome unknown" write fault answers ``OutcomeUnknown`` / ``unknown`` after its delay
  (capped by the deadline) and settles the write as the fault says: applied (executed, the
  result kept for the key ``outcome_ttl``), not applied (key released) or undetermined
  (key taken ``outcome_ttl``, never executed);
* injected latency shorter than the deadline only delays the answer;
* latency reaching the deadline answers at the deadline: a read ``Timeout`` / ``timeout``
  (not executed, key released), a write ``OutcomeUnknown`` / ``unknown`` while it keeps
  running; when the latency is over it is applied (or dropped, per the latency rule) and
  its result becomes the key's final answer.

Every answer carries ``X-Request-Timeout-Applied``; deadline answers add ``X-Request-Outcome``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.simulator.rest.pipeline.envelope import (
    APPLIED_TIMEOUT_HEADER,
    OUTCOME_HEADER,
    OUTCOME_IN_PROGRESS,
    OUTCOME_NOT_STARTED,
    OUTCOME_TIMEOUT,
    OUTCOME_UNKNOWN,
    ApiFailure,
    failure_body,
    format_seconds,
    success_body,
)
from desktop.simulator.rest.pipeline.idempotency import KeyState
from desktop.simulator.rest.pipeline.operation import Operation, RestState, V2Request

_log = logging.getLogger(__name__)
#: What a write fault or a late write does in the end.
APPLIED = "applied"
NOT_APPLIED = "not-applied"
UNDETERMINED = "undetermined"
VARIANTS = (APPLIED, NOT_APPLIED, UNDETERMINED)

Answer = tuple[bytes, dict[str, str]]


@dataclass(frozen=True)
class Call:
    """One validated v2 call.

    Attributes:
        op: The operation.
        request: What its handler receives.
        activity: ``meta.activityId`` of the answer.
        client: OAuth2 client id (scope of keys).
        key: ``Idempotency-Key``, or None.
        fingerprint: Digest of the request (meaningful with a key).
        deadline: Applied deadline in seconds.
        path: Request path (matched by fault rules).
    """

    op: Operation
    request: V2Request
    activity: str
    client: str
    key: str | None
    fingerprint: bytes
    deadline: float
    path: str

    @property
    def headers(self) -> dict[str, str]:
        """Headers of every answer to this call."""
        return {APPLIED_TIMEOUT_HEADER: format_seconds(self.deadline)}


def execute(op: Operation, request: V2Request, activity: str, alter: Callable[[Any], Any] | None = None) -> bytes:
    """Run an operation's handler and render its envelope.

    Args:
        op: The operation.
        request: The call.
        activity: ``meta.activityId``.
        alter: Applied to the answer's ``data`` before it is rendered (the ``corrupt-rows`` fault).

    Returns:
        Success or error envelope bytes.
    """
    try:
        payload = op.run(request)
        if alter is not None:
            payload = dataclasses.replace(payload, data=alter(payload.data))
        return success_body(payload, activity)
    except ApiFailure as exc:
        return failure_body(exc, activity, op.error_data)
    except Exception as exc:  # noqa: BLE001 - a simulator bug must still answer with a v2 envelope
        _log.exception("v2 operation %s failed", op.action)
        return failure_body(ApiFailure("Internal", f"Internal server error: {exc}"), activity, op.error_data)


def _failed(call: Call, failure: ApiFailure, outcome: str) -> Answer:
    return failure_body(failure, call.activity, call.op.error_data), {**call.headers, OUTCOME_HEADER: outcome}


def _unknown(call: Call) -> Answer:
    text = f"The operation did not finish within {format_seconds(call.deadline)} s and may still be applied."
    return _failed(call, ApiFailure.outcome_unknown(text), OUTCOME_UNKNOWN)


def _from_store(control: RestState, call: Call) -> Answer | None:
    if call.key is None:
        return None
    entry = control.idempotency.lookup(call.client, call.key, call.fingerprint)
    if entry is None:
        return None
    if entry.state is KeyState.ANSWERED:
        return entry.body, entry.headers
    if entry.state is KeyState.RUNNING:
        text = "A request with this Idempotency-Key is still being processed; this one was not executed."
        return _failed(call, ApiFailure.outcome_unknown(text), OUTCOME_IN_PROGRESS)
    text = "The outcome of the request with this Idempotency-Key is unknown; it was not executed again."
    return _failed(call, ApiFailure.outcome_unknown(text), OUTCOME_UNKNOWN)


def _run_now(control: RestState, call: Call) -> bytes:
    request = dataclasses.replace(call.request, now=control.clock())
    return execute(call.op, request, call.activity, lambda data: control.faults.corrupt(call.path, data))


def settle(control: RestState, call: Call, variant: str) -> None:
    """Finish a write whose client was answered ``OutcomeUnknown``.

    Args:
        control: Simulator state.
        call: The call.
        variant: ``applied`` (execute it now), ``not-applied`` or ``undetermined``.
    """
    store = control.idempotency
    if variant == APPLIED:
        body = _run_now(control, call)
        if call.key is not None:
            store.store(call.client, call.key, call.fingerprint, body, call.headers, late=True)
    elif call.key is not None:
        if variant == UNDETERMINED:
            store.take(call.client, call.key, call.fingerprint)
        else:
            store.release(call.client, call.key)


async def _finish_late(control: RestState, call: Call, delay: float, variant: str) -> None:
    control.faults.inflight += 1  # it still occupies the platform queue
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        if call.key is not None:
            control.idempotency.release(call.client, call.key)
        raise
    finally:
        control.faults.inflight -= 1
    settle(control, call, variant)


async def _perform(control: RestState, call: Call) -> Answer:
    faults = control.faults
    fault = faults.take_outcome_unknown(call.path) if call.op.is_write else None
    if fault is not None:
        await asyncio.sleep(min(fault.delay, call.deadline))
        settle(control, call, fault.variant)
        return _unknown(call)
    rule = faults.latency_for(call.path, call.op.is_write)
    if rule is None or rule.seconds < call.deadline:
        if rule is not None:
            await asyncio.sleep(rule.seconds)
        body = _run_now(control, call)
        if call.key is not None:
            control.idempotency.store(call.client, call.key, call.fingerprint, body, call.headers)
        return body, call.headers
    await asyncio.sleep(call.deadline)
    if not call.op.is_write:
        if call.key is not None:
            control.idempotency.release(call.client, call.key)
        return _failed(call, ApiFailure.timeout(call.deadline), OUTCOME_TIMEOUT)
    variant = APPLIED if rule.writes_apply else NOT_APPLIED
    faults.spawn(_finish_late(control, call, rule.seconds - call.deadline, variant), f"late-write-{call.activity}")
    return _unknown(call)


async def run(control: RestState, call: Call) -> Answer:
    """Answer a validated v2 call.

    Args:
        control: Simulator state.
        call: The call.

    Returns:
        Envelope bytes and response headers.

    Raises:
        KeyReused: The key belongs to a different request.
    """
    stored = _from_store(control, call)
    if stored is not None:
        return stored
    faults = control.faults
    if faults.take_busy(call.path):
        return _failed(call, ApiFailure.busy(), OUTCOME_NOT_STARTED)
    if call.key is not None:
        control.idempotency.reserve(call.client, call.key, call.fingerprint)
    faults.inflight += 1
    try:
        return await _perform(control, call)
    except asyncio.CancelledError:
        if call.key is not None:
            control.idempotency.release(call.client, call.key)
        raise
    finally:
        faults.inflight -= 1
