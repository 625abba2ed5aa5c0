"""Translation of SDK, httpx and OAuth2 failures into the domain's exception tree.

Imports: httpx, cplugin_webapi_sdk, desktop.domain, the standard library.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from cplugin_webapi_sdk import ApiError, OAuth2TokenError

from desktop.domain.errors import ApiFailure, AuthFailed, ServerUnreachable

_UNREACHABLE_STATUSES = frozenset({408, 429, 502, 503, 504})


@asynccontextmanager
async def translated(what: str) -> AsyncIterator[None]:
    """Run a WebAPI call and re-raise its failure as a domain error that says ``what`` failed.

    Raises:
        AuthFailed: the auth server refused the credentials, or the API refused the token.
        ServerUnreachable: connection refused, DNS, timeout, or a proxy's error page.
        ApiFailure: an error envelope, with its code, managerCode and activityId.
    """
    try:
        yield
    except OAuth2TokenError as exc:
        raise auth_failure(exc) from exc
    except ApiError as exc:
        raise api_failure(what, exc) from exc
    except httpx.HTTPStatusError as exc:
        raise status_failure(what, exc.response) from exc
    except httpx.TimeoutException as exc:
        raise ServerUnreachable(f"{what}: no answer from {_host(exc)} in time.") from exc
    except httpx.TransportError as exc:
        raise ServerUnreachable(f"{what}: cannot reach {_host(exc)} ({type(exc).__name__}).") from exc


def auth_failure(exc: OAuth2TokenError) -> AuthFailed | ServerUnreachable:
    """The auth server's refusal, quoting its ``error`` and ``error_description``."""
    if exc.status_code in _UNREACHABLE_STATUSES or exc.error == "discovery_failed":
        return ServerUnreachable(f"The auth server did not answer properly: {exc.error_description}")
    reason = exc.error_description or "no reason given"
    return AuthFailed(f"The auth server refused the credentials: {exc.error} — {reason}")


def api_failure(what: str, exc: ApiError) -> AuthFailed | ServerUnreachable | ApiFailure:
    """An error envelope, or a non-JSON answer (a proxy page, a second 401) seen by the SDK."""
    if exc.code == "InvalidResponse":
        if exc.status == 401:
            return AuthFailed(f"{what}: the WebAPI refused the access token (HTTP 401).")
        if exc.status in _UNREACHABLE_STATUSES or exc.status >= 500:
            return ServerUnreachable(f"{what}: the WebAPI is unavailable (HTTP {exc.status}).")
    return ApiFailure(
        exc.code,
        exc.description or f"{what} failed",
        manager_code=exc.manager_code,
        activity_id=exc.activity_id,
        outcome=exc.outcome,
    )


def status_failure(what: str, response: httpx.Response) -> AuthFailed | ServerUnreachable | ApiFailure:
    """A non-2xx answer of an unversioned endpoint (``/api/TradePlatforms``)."""
    status = response.status_code
    if status in (401, 403):
        return AuthFailed(f"{what}: the WebAPI refused these credentials (HTTP {status}).")
    if status in _UNREACHABLE_STATUSES or status >= 500:
        return ServerUnreachable(f"{what}: the WebAPI is unavailable (HTTP {status}).")
    return ApiFailure("NotFound" if status == 404 else "Internal", f"{what}: HTTP {status}")


def _host(exc: httpx.RequestError) -> str:
    try:
        return str(exc.request.url.host) or "the server"
    except RuntimeError:  # no request attached
        return "the server"
