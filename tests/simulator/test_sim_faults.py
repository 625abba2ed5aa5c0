"""Faults injected in-process (``control.faults``): deadlines, outcomes, Busy, proxy, tokens, key windows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from desktop.simulator import SimulatorThread
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET, V2

pytestmark = pytest.mark.integration
LOGIN = 100005


def deposit(amount: float = 10.0, login: int = LOGIN) -> dict[str, Any]:
    return {"tradeTransactionType": "BrBalance", "tradeCommand": "Balance", "orderBy": login, "price": amount,
            "comment": "fault test"}  # fmt: skip


def outcome(response: httpx.Response) -> tuple[str | None, str | None]:
    error = response.json()["error"]
    return (error["code"] if error else None), response.headers.get("X-Request-Outcome")


def post(http: httpx.Client, key: str | None = None, timeout: str | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    if timeout:
        headers["X-Request-Timeout"] = timeout
    return http.post(f"{V2}/TradeTransaction", json=deposit(), headers=headers)


def on_loop(sim: SimulatorThread, fn: Callable[[], Any]) -> Any:
    return sim.call(fn)


@pytest.fixture
def clock(sim: SimulatorThread) -> Iterator[list[float]]:
    """Replace the idempotency store's clock by a settable one; ``clock[0]`` is the time."""
    now = [1000.0]
    store = sim.control.idempotency
    original = store.clock
    sim.call(setattr, store, "clock", lambda: now[0])
    yield now
    sim.call(setattr, store, "clock", original)


def test_latency_below_the_deadline_only_delays(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: sim.control.faults.add_latency("ServerTime", 0.3))
    started = time.monotonic()
    response = http.get(f"{V2}/ServerTime")
    assert time.monotonic() - started >= 0.3
    assert outcome(response) == (None, None)
    assert response.headers["X-Request-Timeout-Applied"] == "10"


def test_read_past_its_deadline_times_out_and_frees_the_key(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: sim.control.faults.add_latency("UserRecordGet", 30))
    started = time.monotonic()
    headers = {"X-Request-Timeout": "1", "Idempotency-Key": "read-1"}
    response = http.get(f"{V2}/UserRecordGet/{LOGIN}", headers=headers)
    assert 1.0 <= time.monotonic() - started < 3.0
    assert outcome(response) == ("Timeout", "timeout")
    assert response.headers["X-Request-Timeout-Applied"] == "1"
    on_loop(sim, sim.control.faults.reset)
    again = http.get(f"{V2}/UserRecordGet/{LOGIN}", headers=headers)
    assert outcome(again) == (None, None)


def test_write_past_its_deadline_is_unknown_then_applied_once(sim: SimulatorThread, http: httpx.Client) -> None:
    start = sim.control.accounts[LOGIN].balance_cents
    on_loop(sim, lambda: sim.control.faults.add_latency("TradeTransaction", 1.5))
    first = post(http, "late-1", "1")
    assert outcome(first) == ("OutcomeUnknown", "unknown")
    assert first.headers["X-Request-Timeout-Applied"] == "1"
    assert outcome(post(http, "late-1", "1")) == ("OutcomeUnknown", "in-progress")
    deadline = time.monotonic() + 5
    while not sim.control.book.ledger and time.monotonic() < deadline:
        time.sleep(0.05)
    final = post(http, "late-1", "1")
    assert outcome(final) == (None, None)
    assert final.json()["data"]["order"] == sim.control.book.ledger[0].ticket
    assert sim.control.accounts[LOGIN].balance_cents == start + 1000
    assert len(sim.control.book.ledger) == 1


def test_write_past_its_deadline_not_applied_runs_on_repeat(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: sim.control.faults.add_latency("TradeTransaction", 1.2, writes_apply=False))
    assert outcome(post(http, "late-2", "1")) == ("OutcomeUnknown", "unknown")
    time.sleep(0.4)
    assert not sim.control.book.ledger
    on_loop(sim, sim.control.faults.clear_latency)
    assert outcome(post(http, "late-2", "1")) == (None, None)
    assert len(sim.control.book.ledger) == 1


@pytest.mark.parametrize(
    ("variant", "repeat", "ledger"),
    [("applied", (None, None), 1), ("not-applied", (None, None), 1),
     ("undetermined", ("OutcomeUnknown", "unknown"), 0)],
)  # fmt: skip
def test_next_write_outcome_unknown(
    sim: SimulatorThread, http: httpx.Client, variant: str, repeat: tuple[str | None, str | None], ledger: int
) -> None:
    on_loop(sim, lambda: sim.control.faults.outcome_unknown_next(1, variant))
    first = post(http, f"unknown-{variant}")
    assert outcome(first) == ("OutcomeUnknown", "unknown")
    assert first.headers["X-Request-Timeout-Applied"] == "5"
    assert outcome(post(http, f"unknown-{variant}")) == repeat
    assert outcome(post(http, f"unknown-{variant}")) == repeat
    assert len(sim.control.book.ledger) == ledger


def test_every_nth_write_is_unknown_in_turn(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: sim.control.faults.outcome_unknown_every(2))
    codes = [outcome(post(http))[0] for _ in range(4)]
    assert codes == [None, "OutcomeUnknown", None, "OutcomeUnknown"]
    assert len(sim.control.book.ledger) == 3  # the 2nd was applied, the 4th not
    assert outcome(http.get(f"{V2}/ServerTime")) == (None, None), "reads are not writes"


def test_busy_is_not_started_and_takes_no_key(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: sim.control.faults.busy_next(1, "TradeTransaction"))
    refused = post(http, "busy-1")
    assert outcome(refused) == ("Busy", "not-started")
    assert refused.headers["X-Request-Timeout-Applied"] == "5"
    assert not sim.control.book.ledger
    assert outcome(post(http, "busy-1")) == (None, None)
    on_loop(sim, lambda: setattr(sim.control.faults, "busy", True))
    assert outcome(http.get(f"{V2}/ServerTime")) == ("Busy", "not-started")


def test_full_queue_is_busy(sim: SimulatorThread, http: httpx.Client) -> None:
    faults = sim.control.faults
    on_loop(sim, lambda: (faults.add_latency("ServerTime", 0.6), setattr(faults, "queue_limit", 1)))
    results: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: results.append(http.get(f"{V2}/ServerTime")))
    worker.start()
    while faults.inflight == 0:
        time.sleep(0.01)
    assert outcome(http.get(f"{V2}/UserRecordGet/{LOGIN}")) == ("Busy", "not-started")
    worker.join(5)
    assert outcome(results[0]) == (None, None)


def test_same_key_while_running_is_in_progress(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: sim.control.faults.add_latency("TradeTransaction", 0.6))
    results: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: results.append(post(http, "twice")))
    worker.start()
    while sim.control.faults.inflight == 0:
        time.sleep(0.01)
    assert outcome(post(http, "twice")) == ("OutcomeUnknown", "in-progress")
    worker.join(5)
    assert outcome(results[0]) == (None, None)
    assert post(http, "twice").content == results[0].content
    assert len(sim.control.book.ledger) == 1


def test_proxy_errors_are_html_before_authentication(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: sim.control.faults.proxy_error_next(504, 1, "ServerTime"))
    page = httpx.get(f"{sim.url}{V2}/ServerTime")  # no token at all: the proxy answers first
    assert page.status_code == 504
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<title>504 Gateway Timeout</title>" in page.text
    on_loop(sim, lambda: sim.control.faults.proxy_errors_every(2))
    statuses = [http.get("/api/TradePlatforms").status_code for _ in range(4)]
    assert statuses == [200, 502, 200, 504]
    assert httpx.get(f"{sim.url}/.well-known/openid-configuration").status_code == 200


def test_unavailable_answers_503(sim: SimulatorThread, http: httpx.Client) -> None:
    on_loop(sim, lambda: setattr(sim.control.faults, "unavailable", True))
    try:
        response = http.get(f"{V2}/ServerTime")
        assert (response.status_code, response.headers["Retry-After"]) == (503, "1")
    finally:
        on_loop(sim, lambda: setattr(sim.control.faults, "unavailable", False))
    assert http.get(f"{V2}/ServerTime").status_code == 200


def _fresh_token(sim: SimulatorThread, client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> dict[str, Any]:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = httpx.post(f"{sim.url}/connect/token", data=form)
    assert response.status_code == 200
    return dict(response.json())


def test_short_tokens_expire_early_but_announce_the_usual_lifetime(sim: SimulatorThread) -> None:
    issuer = sim.control.issuer
    on_loop(sim, lambda: sim.control.faults.short_tokens(5))
    answer = _fresh_token(sim)
    assert answer["expires_in"] == 3600
    headers = {"Authorization": f"Bearer {answer['access_token']}"}
    assert httpx.get(f"{sim.url}{V2}/ServerTime", headers=headers).status_code == 200
    real = issuer.clock
    sim.call(setattr, issuer, "clock", lambda: real() + 6)
    try:
        assert httpx.get(f"{sim.url}{V2}/ServerTime", headers=headers).status_code == 401
        negotiate = httpx.post(f"{sim.url}/hubs/mt4/v2/negotiate", headers=headers)
        assert negotiate.status_code == 401
    finally:
        sim.call(setattr, issuer, "clock", real)


def test_expire_tokens_makes_every_issued_token_401(sim: SimulatorThread) -> None:
    old = {"Authorization": f"Bearer {_fresh_token(sim)['access_token']}"}
    assert httpx.get(f"{sim.url}/api/TradePlatforms", headers=old).status_code == 200
    on_loop(sim, sim.control.faults.expire_tokens)
    assert httpx.get(f"{sim.url}/api/TradePlatforms", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {_fresh_token(sim)['access_token']}"}
    assert httpx.get(f"{sim.url}/api/TradePlatforms", headers=new).status_code == 200
    on_loop(sim, sim.control.faults.reset)  # a reset takes the fault back: old tokens work again
    assert httpx.get(f"{sim.url}/api/TradePlatforms", headers=old).status_code == 200


def test_answers_in_time_are_kept_one_minute(sim: SimulatorThread, http: httpx.Client, clock: list[float]) -> None:
    first = post(http, "window-1")
    clock[0] += 59.9
    assert post(http, "window-1").content == first.content
    clock[0] += 0.1
    assert post(http, "window-1").json()["data"]["order"] != first.json()["data"]["order"]
    assert len(sim.control.book.ledger) == 2


def test_unknown_outcomes_are_kept_an_hour(sim: SimulatorThread, http: httpx.Client, clock: list[float]) -> None:
    faults = sim.control.faults
    on_loop(sim, lambda: faults.outcome_unknown_next(1, "applied"))
    on_loop(sim, lambda: faults.outcome_unknown_next(1, "undetermined"))
    assert outcome(post(http, "hour-applied")) == ("OutcomeUnknown", "unknown")
    assert outcome(post(http, "hour-taken")) == ("OutcomeUnknown", "unknown")
    clock[0] += 3599
    applied = post(http, "hour-applied")
    assert outcome(applied) == (None, None)
    assert outcome(post(http, "hour-taken")) == ("OutcomeUnknown", "unknown")
    assert len(sim.control.book.ledger) == 1
    clock[0] += 1
    assert post(http, "hour-applied").json()["data"]["order"] != applied.json()["data"]["order"]
    assert outcome(post(http, "hour-taken")) == (None, None)
    assert len(sim.control.book.ledger) == 3
