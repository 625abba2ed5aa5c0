"""The v2 REST pipeline: request deadline, platform check, idempotency key, then ``rest.pipeline.execution``.

Imports: stdlib, aiohttp and ``desktop.simulator`` (``auth``, ``config``, ``rest.pipeline.envelope``,
``rest.pipeline.execution``, ``idempotency``, ``rest.pipeline.operation``, ``rest_*``). Used by ``server``, which routes
every implemented operation of ``OPERATIONS`` to ``handle``.

Order of checks for a call of ``/api/v2/MT4/{tradePlatform}/…`` (after authentication):
``X-Request-Timeout`` / ``requestTimeout`` (not a number or outside 1-300 → ``Validation``,
the only answer without ``X-Request-Timeout-Applied``), then the platform id (malformed →
``Validation``; any other GUID → ``Forbidden``, the answer the multi-tenant service gives
for a platform the caller has no access to; a token of another organisation →
``Forbidden``), then ``Idempotency-Key`` (malformed → ``Validation``), then
``execution.run`` (replay or conflict, ``Busy``, deadline and faults, the operation). The
deadline used — the requested one, else the operation's class default — is sent back in
``X-Request-Timeout-Applied`` on every other answer.
"""

from __future__ import annotations

import logging
import uuid

from aiohttp import web

from desktop.simulator.auth.tenancy import owns
from desktop.simulator.auth.tokens import TokenClaims
from desktop.simulator.config import PLATFORM_ID
from desktop.simulator.rest.pipeline import execution
from desktop.simulator.rest.pipeline.envelope import (
    APPLIED_TIMEOUT_HEADER,
    ApiFailure,
    activity_id,
    failure_body,
    format_seconds,
    requested_timeout,
)
from desktop.simulator.rest.pipeline.idempotency import IDEMPOTENCY_HEADER, KeyReused, fingerprint, validate_key
from desktop.simulator.rest.pipeline.operation import Operation, RestState, V2Request
from desktop.simulator.rest.v2 import accounts as rest_accounts
from desktop.simulator.rest.v2 import admin as rest_admin
from desktop.simulator.rest.v2 import charts as rest_charts
from desktop.simulator.rest.v2 import config as rest_config
from desktop.simulator.rest.v2 import config_tables as rest_config_tables
from desktop.simulator.rest.v2 import dealing as rest_dealing
from desktop.simulator.rest.v2 import groups as rest_groups
from desktop.simulator.rest.v2 import mail as rest_mail
from desktop.simulator.rest.v2 import market as rest_market
from desktop.simulator.rest.v2 import mt5 as rest_mt5
from desktop.simulator.rest.v2 import mt5_config as rest_mt5_config
from desktop.simulator.rest.v2 import news as rest_news
from desktop.simulator.rest.v2 import reports as rest_reports
from desktop.simulator.rest.v2 import server as rest_server
from desktop.simulator.rest.v2 import symbols_config as rest_symbols_config
from desktop.simulator.rest.v2 import trades as rest_trades
from desktop.simulator.rest.v2 import trading as rest_trading
from desktop.simulator.rest.v2 import users as rest_users
from desktop.simulator.world.mt5.platform import MT5_PLATFORM_ID

_log = logging.getLogger(__name__)

#: Path of every v2 MT4 operation, before the action.
PREFIX = "/api/v2/MT4/{tradePlatform}/"
#: Every implemented v2 operation.
OPERATIONS: tuple[Operation, ...] = (
    rest_accounts.OPERATIONS + rest_users.OPERATIONS + rest_trades.OPERATIONS + rest_trading.OPERATIONS
    + rest_market.OPERATIONS + rest_charts.OPERATIONS + rest_server.OPERATIONS
    + rest_config.OPERATIONS + rest_config_tables.OPERATIONS
    + rest_groups.OPERATIONS
    + rest_symbols_config.OPERATIONS
    + rest_dealing.OPERATIONS + rest_admin.OPERATIONS
    + rest_mail.OPERATIONS + rest_news.OPERATIONS
    + rest_reports.OPERATIONS
)  # fmt: skip
#: Path of every v2 MT5 operation, before the action, and the MT5 operations (platform ``MT5_PLATFORM_ID``).
MT5_PREFIX = rest_mt5.MT5_PREFIX
MT5_OPERATIONS: tuple[Operation, ...] = rest_mt5.OPERATIONS + rest_mt5_config.OPERATIONS


def check_platform(raw: str, claims: TokenClaims | None = None, platform_id: str = PLATFORM_ID) -> None:
    """Check the ``{tradePlatform}`` path segment against the platform and the caller's token.

    Args:
        raw: Path segment.
        claims: The caller's token, or None to skip the organisation check.
        platform_id: The platform this route serves.

    Raises:
        ApiFailure: Not a GUID (``Validation``); not this server's platform, or a token of
            another organisation (``Forbidden``).
    """
    try:
        value = str(uuid.UUID(raw))
    except ValueError:
        raise ApiFailure.validation(f"The value '{raw}' is not a valid trade platform id.") from None
    if value != platform_id:
        raise ApiFailure.forbidden(f"No access to trade platform {value}.")
    if claims is not None and not owns(claims.organization, value):
        raise ApiFailure.forbidden(f"The client '{claims.client_id}' has no access to trade platform {value}.")


def _respond(body: bytes, headers: dict[str, str]) -> web.Response:
    return web.Response(body=body, status=200, content_type="application/json", headers=headers)


async def handle(
    request: web.Request,
    params: dict[str, str],
    op: Operation,
    control: RestState,
    client: str,
    claims: TokenClaims | None = None,
) -> web.Response:
    """Run one v2 call through the pipeline.

    Args:
        request: The HTTP request (authenticated).
        params: Path parameters, including ``tradePlatform``.
        op: The operation.
        control: Simulator state.
        client: OAuth2 client id of the caller (scope of idempotency keys).
        claims: The caller's verified token (organisation check), if known.

    Returns:
        HTTP 200 with the envelope.
    """
    activity = activity_id()
    body = await request.read()
    try:
        seconds = requested_timeout(request)
    except ApiFailure as exc:
        return _respond(failure_body(exc, activity, op.error_data), {})
    deadline = op.timeout if seconds is None else seconds
    headers = {APPLIED_TIMEOUT_HEADER: format_seconds(deadline)}
    try:
        check_platform(params["tradePlatform"], claims, MT5_PLATFORM_ID if op in MT5_OPERATIONS else PLATFORM_ID)
        key = validate_key(request.headers.get(IDEMPOTENCY_HEADER))
    except ApiFailure as exc:
        return _respond(failure_body(exc, activity, op.error_data), headers)
    call = V2Request(params, request.query, body, control, control.clock(), client)
    request_print = b"" if key is None else fingerprint(request.method, request.path, request.query.items(), body)
    pending = execution.Call(op, call, activity, client, key, request_print, deadline, request.path)
    try:
        answer, answer_headers = await execution.run(control, pending)
    except KeyReused:
        reuse = ApiFailure.validation("This Idempotency-Key was already used for a different request.")
        return _respond(failure_body(reuse, activity, op.error_data), headers)
    return _respond(answer, answer_headers)
