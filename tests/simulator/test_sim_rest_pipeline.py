"""The v2 pipeline: routing, platform check, request deadlines, envelope on errors, request log."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from desktop.simulator import PLATFORM_ID, SimulatorThread
from tests.simulator.sim_helpers import V2

pytestmark = pytest.mark.integration
Validate = Callable[[str, str, Any], None]


def test_validator_is_strict(validate_v2: Validate) -> None:
    meta = {"activityId": "0" * 31 + "1"}
    validate_v2("GET", "ServerTime", {"data": "2026-01-01T00:00:00Z", "error": None, "meta": meta})
    with pytest.raises(AssertionError, match="Additional properties"):
        validate_v2("GET", "TickInfoLast/{symbol}", {"data": {"symbol": "X", "extra": 1}, "error": None, "meta": meta})
    with pytest.raises(AssertionError, match="date-time"):
        validate_v2("GET", "ServerTime", {"data": "yesterday", "error": None, "meta": meta})
    with pytest.raises(AssertionError):
        validate_v2("GET", "ServerTime", {"data": None, "error": None, "meta": meta})
    bad_code = {"code": "Oops", "managerCode": None, "message": "x"}
    with pytest.raises(AssertionError, match="is not one of"):
        validate_v2("GET", "MarginsGet", {"data": None, "error": bad_code, "meta": meta})


@pytest.mark.parametrize(
    "path",
    [
        f"{V2}/ServerTime",
        f"/API/V2/mt4/{PLATFORM_ID}/servertime",
        f"{V2}/SERVERTIME/",
        f"/api/v2/MT4/{PLATFORM_ID.upper()}/ServerTime",
    ],
)
def test_routes_are_case_insensitive(sim: SimulatorThread, http: httpx.Client, path: str) -> None:
    body = http.get(path).json()
    assert body["error"] is None


def test_unknown_route_is_404_and_wrong_method_is_405(sim: SimulatorThread, http: httpx.Client) -> None:
    assert http.get(f"{V2}/NoSuchAction").status_code == 404
    assert http.get("/api/v3/whatever").status_code == 404
    assert http.get("/").status_code == 404
    assert http.get(f"{V2}/UserRecordGet/1/2").status_code == 404
    assert http.post(f"{V2}/ServerTime").status_code == 405
    assert http.get(f"{V2}/TradeTransaction").status_code == 405


def test_unknown_platform_is_forbidden_and_malformed_is_validation(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate
) -> None:
    other = http.get(f"/api/v2/MT4/{uuid.UUID(int=7)}/UserRecordGet/100001").json()
    validate_v2("GET", "UserRecordGet/{login}", other)
    assert other["error"]["code"] == "Forbidden"
    malformed = http.get("/api/v2/MT4/not-a-guid/ServerTime").json()
    validate_v2("GET", "ServerTime", malformed)
    assert malformed["error"]["code"] == "Validation"
    assert malformed["data"] == "0001-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("headers", "query", "applied"),
    [({"X-Request-Timeout": "2.5"}, {}, "2.5"), ({}, {"requestTimeout": "30"}, "30"),
     ({"X-Request-Timeout": "1"}, {}, "1"), ({"X-Request-Timeout": "300"}, {}, "300"),
     ({"X-Request-Timeout": "12.3456"}, {}, "12.346"), ({}, {}, "10")],
)  # fmt: skip
def test_request_timeout_is_applied(
    sim: SimulatorThread, http: httpx.Client, headers: dict[str, str], query: dict[str, str], applied: str
) -> None:
    response = http.get(f"{V2}/UsersRequest", headers=headers, params={"limit": 1, **query})
    assert response.json()["error"] is None
    assert response.headers["X-Request-Timeout-Applied"] == applied


@pytest.mark.parametrize("value", ["0.5", "301", "abc", "nan", "inf", "-3", ""])
def test_request_timeout_out_of_range_is_validation(
    sim: SimulatorThread, http: httpx.Client, validate_v2: Validate, value: str
) -> None:
    for response in (
        http.get(f"{V2}/MarginsGet", headers={"X-Request-Timeout": value}),
        http.get(f"{V2}/MarginsGet", params={"requestTimeout": value}),
    ):
        body = response.json()
        validate_v2("GET", "MarginsGet", body)
        assert body["error"]["code"] == "Validation"
        assert "X-Request-Timeout-Applied" not in response.headers


def test_trade_operations_default_to_five_seconds(sim: SimulatorThread, http: httpx.Client) -> None:
    response = http.post(f"{V2}/TradeTransaction", json={"tradeTransactionType": "BrBalance"})
    assert response.headers["X-Request-Timeout-Applied"] == "5"


@pytest.mark.parametrize("key", [b"x" * 256, "caf\u00e9".encode()])
def test_malformed_idempotency_key_is_validation(sim: SimulatorThread, http: httpx.Client, key: bytes) -> None:
    body = http.get(f"{V2}/ServerTime", headers={"Idempotency-Key": key}).json()
    assert body["error"]["code"] == "Validation"


def test_request_log_records_calls(sim: SimulatorThread, http: httpx.Client) -> None:
    http.post(f"{V2}/TradeTransaction?requestTimeout=3", content=b'{"tradeTransactionType":"PricesGet"}')
    logged = sim.control.requests.matching("/TradeTransaction")
    assert len(logged) == 1
    entry = logged[0]
    assert (entry.method, entry.status, entry.query) == ("POST", 200, "requestTimeout=3")
    assert entry.body == b'{"tradeTransactionType":"PricesGet"}'
    assert entry.headers["Authorization"].endswith("…")


def test_injected_http_failures(sim: SimulatorThread, http: httpx.Client) -> None:
    sim.call(sim.control.fail_next, "/usersrequest", 503, 2)
    assert http.get(f"{V2}/UsersRequest").status_code == 503
    assert http.get(f"{V2}/ServerTime").status_code == 200
    failed = http.get(f"{V2}/UsersRequest")
    assert (failed.status_code, failed.headers["Content-Type"].split(";")[0]) == (503, "text/plain")
    assert http.get(f"{V2}/UsersRequest").status_code == 200
    sim.call(sim.control.fail_next, "TradePlatforms", 401)
    assert http.get("/api/TradePlatforms").status_code == 401
    assert http.get("/api/TradePlatforms").status_code == 200


def test_every_answer_but_a_bad_deadline_says_the_applied_deadline(sim: SimulatorThread, http: httpx.Client) -> None:
    forbidden = http.get(f"/api/v2/MT4/{uuid.UUID(int=7)}/ServerTime", headers={"X-Request-Timeout": "2"})
    malformed_key = http.get(f"{V2}/ServerTime", headers={"Idempotency-Key": ""})
    http.get(f"{V2}/UserRecordGet/100001", headers={"Idempotency-Key": "reused"})
    reused = http.get(f"{V2}/UserRecordGet/100002", headers={"Idempotency-Key": "reused"})
    replayed = http.get(f"{V2}/UserRecordGet/100001", headers={"Idempotency-Key": "reused", "X-Request-Timeout": "7"})
    for response, code, applied in ((forbidden, "Forbidden", "2"), (malformed_key, "Validation", "10"),
                                    (reused, "Validation", "10"), (replayed, None, "10")):  # fmt: skip
        error = response.json()["error"]
        assert (error["code"] if error else None) == code
        assert response.headers["X-Request-Timeout-Applied"] == applied
        assert "X-Request-Outcome" not in response.headers


def test_operation_classes_and_writes() -> None:
    from desktop.simulator.rest.pipeline import operation
    from desktop.simulator.rest.pipeline import v2 as rest_v2

    classes = (operation.TIMEOUT_TRADE, operation.TIMEOUT_READ, operation.TIMEOUT_CHANGE, operation.TIMEOUT_HISTORY,
               operation.TIMEOUT_MAINTENANCE)  # fmt: skip
    assert classes == (5, 10, 15, 30, 60)
    by_action = {op.action: op for op in rest_v2.OPERATIONS}
    assert by_action["TradeTransaction"].is_write
    assert by_action["TradeTransaction"].timeout == 5
    assert not by_action["ServerTime"].is_write
    assert by_action["ServerTime"].timeout == 10
    every = rest_v2.OPERATIONS + getattr(rest_v2, "MT5_OPERATIONS", ())
    assert {op.timeout for op in every} <= set(classes)
