"""The v2 REST pipeline: platform check, request deadline, idempotency, envelope.

Imports: stdlib, aiohttp and ``desktop.simulator`` (``config``, ``envelope``, ``idempotency``,
``operation``, ``rest_*``). Used by ``server``, which routes every implemented operation of
``OPERATIONS`` to ``handle``.

Order of checks for a call of ``/api/v2/MT4/{tradePlatform}/…`` (after authentication):
platform id (malformed → ``Validation``; any other GUID → ``Forbidden``, the answer the
multi-tenant service gives for a platform the caller has no access to), then
``X-Request-Timeout`` / ``requestTimeout``, then ``Idempotency-Key`` (replay or conflict),
then the operation. The deadline used is sent back in ``X-Request-Timeout-Applied``.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from aiohttp import web

from desktop.simulator import rest_accounts, rest_market, rest_trading
from desktop.simulator.config import PLATFORM_ID
from desktop.simulator.envelope import (
    APPLIED_TIMEOUT_HEADER,
    ApiFailure,
    activity_id,
    failure_body,
    format_seconds,
    requested_timeout,
    success_body,
)
from desktop.simulator.idempotency import IDEMPOTENCY_HEADER, KeyReused, fingerprint, validate_key
from desktop.simulator.operation import Operation, V2Request

if TYPE_CHECKING:
    from desktop.simulator.control import SimControl

_log = logging.getLogger(__name__)

#: Path of every v2 MT4 operation, before the action.
PREFIX = "/api/v2/MT4/{tradePlatform}/"
#: Every implemented v2 operation.
OPERATIONS: tuple[Operation, ...] = rest_accounts.OPERATIONS + rest_market.OPERATIONS + rest_trading.OPERATIONS


def check_platform(raw: str) -> None:
    """Check the ``{tradePlatform}`` path segment.

    Args:
        raw: Path segment.

    Raises:
        ApiFailure: Not a GUID (``Validation``) or not this server's platform (``Forbidden``).
    """
    try:
        value = str(uuid.UUID(raw))
    except ValueError:
        raise ApiFailure.validation(f"The value '{raw}' is not a valid trade platform id.") from None
    if value != PLATFORM_ID:
        raise ApiFailure.forbidden(f"No access to trade platform {value}.")


def _respond(body: bytes, headers: dict[str, str]) -> web.Response:
    return web.Response(body=body, status=200, content_type="application/json", headers=headers)


def _execute(op: Operation, call: V2Request, activity: str) -> bytes:
    try:
        return success_body(op.run(call), activity)
    except ApiFailure as exc:
        return failure_body(exc, activity, op.error_data)
    except Exception as exc:  # noqa: BLE001 - a simulator bug must still answer with a v2 envelope
        _log.exception("v2 operation %s failed", op.action)
        return failure_body(ApiFailure("Internal", f"Internal server error: {exc}"), activity, op.error_data)


async def handle(
    request: web.Request, params: dict[str, str], op: Operation, control: SimControl, client: str
) -> web.Response:
    """Run one v2 call through the pipeline.

    Args:
        request: The HTTP request (authenticated).
        params: Path parameters, including ``tradePlatform``.
        op: The operation.
        control: Simulator state.
        client: OAuth2 client id of the caller (scope of idempotency keys).

    Returns:
        HTTP 200 with the envelope.
    """
    activity = activity_id()
    body = await request.read()
    try:
        check_platform(params["tradePlatform"])
        seconds = requested_timeout(request)
        key = validate_key(request.headers.get(IDEMPOTENCY_HEADER))
    except ApiFailure as exc:
        return _respond(failure_body(exc, activity, op.error_data), {})
    headers = {APPLIED_TIMEOUT_HEADER: format_seconds(op.timeout if seconds is None else seconds)}
    call = V2Request(params, request.query, body, control, control.clock())
    if key is None:
        return _respond(_execute(op, call, activity), headers)
    request_print = fingerprint(request.method, request.path, request.query.items(), body)
    try:
        stored = control.idempotency.lookup(client, key, request_print)
    except KeyReused:
        reuse = ApiFailure.validation("This Idempotency-Key was already used for a different request.")
        return _respond(failure_body(reuse, activity, op.error_data), headers)
    if stored is not None:
        return _respond(stored.body, stored.headers)
    answer = _execute(op, call, activity)
    control.idempotency.store(client, key, request_print, answer, headers)
    return _respond(answer, headers)
