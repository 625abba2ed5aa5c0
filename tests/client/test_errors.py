"""Every failure the SDK or httpx can raise becomes one of the domain's errors."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from cplugin_webapi_sdk import ApiError, ApiErrorBody, ApiMeta, OAuth2TokenError

from desktop.client.errors import translated
from desktop.domain.errors import ApiFailure, AuthFailed, DesktopError, ServerUnreachable


def raised_by(exc: BaseException) -> DesktopError:
    async def run() -> None:
        async with translated("Doing it"):
            raise exc

    with pytest.raises(DesktopError) as caught:
        asyncio.run(run())
    return caught.value


def test_invalid_client_quotes_the_auth_server() -> None:
    error = raised_by(OAuth2TokenError(400, "invalid_client", "unknown client demo"))
    assert isinstance(error, AuthFailed)
    assert "invalid_client" in str(error)
    assert "unknown client demo" in str(error)


def test_unreachable_auth_server() -> None:
    error = raised_by(OAuth2TokenError(503, "oauth2_error", "token endpoint returned HTTP 503"))
    assert isinstance(error, ServerUnreachable)


def test_envelope_error_keeps_code_manager_code_and_activity() -> None:
    body = ApiErrorBody(code="MT4Error", manager_code="TradeNoMoney", message="Not enough money")
    error = raised_by(ApiError(body, ApiMeta(activity_id="abc123"), 200, {"X-Request-Outcome": "not-started"}))
    assert isinstance(error, ApiFailure)
    assert (error.code, error.manager_code, error.activity_id) == ("MT4Error", "TradeNoMoney", "abc123")
    assert not error.outcome_unknown
    assert str(error) == "Not enough money (MT4Error/TradeNoMoney)"


def test_outcome_unknown_is_flagged() -> None:
    body = ApiErrorBody(code="OutcomeUnknown", message="did not finish")
    error = raised_by(ApiError(body, None, 200, {"X-Request-Outcome": "unknown"}))
    assert isinstance(error, ApiFailure)
    assert error.outcome_unknown


def test_proxy_error_page_is_unreachable_not_a_crash() -> None:
    body = ApiErrorBody(code="InvalidResponse", message="HTTP 502: unparseable response body")
    assert isinstance(raised_by(ApiError(body, None, 502)), ServerUnreachable)


def test_second_401_is_an_auth_failure() -> None:
    body = ApiErrorBody(code="InvalidResponse", message="HTTP 401")
    assert isinstance(raised_by(ApiError(body, None, 401)), AuthFailed)


def test_connection_refused_names_the_host() -> None:
    request = httpx.Request("GET", "http://api.example:1/x")
    error = raised_by(httpx.ConnectError("refused", request=request))
    assert isinstance(error, ServerUnreachable)
    assert "api.example" in str(error)


def test_timeout_is_unreachable() -> None:
    request = httpx.Request("GET", "http://api.example:1/x")
    assert isinstance(raised_by(httpx.ReadTimeout("slow", request=request)), ServerUnreachable)


@pytest.mark.parametrize(("status", "kind"), [(401, AuthFailed), (403, AuthFailed), (502, ServerUnreachable)])
def test_status_of_unversioned_endpoint(status: int, kind: type[DesktopError]) -> None:
    request = httpx.Request("GET", "http://api.example/api/TradePlatforms")
    response = httpx.Response(status, request=request)
    assert isinstance(raised_by(httpx.HTTPStatusError("x", request=request, response=response)), kind)
