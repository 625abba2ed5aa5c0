"""StartupRetry on its own: which failures are waited out, which end the start."""

from __future__ import annotations

import asyncio

import pytest

from desktop.client.backoff import Backoff
from desktop.domain.errors import ApiFailure, AuthFailed, DecodeError, InvalidInput, ServerUnreachable
from desktop.services.startup import StartupRetry

NO_JITTER = Backoff(base_s=1.0, factor=2.0, cap_s=4.0, jitter=0.0)


class Deadlines:
    def __init__(self) -> None:
        self.seconds = 10.0

    def stretch_read_deadline(self) -> float:
        self.seconds *= 2
        return self.seconds


def retry() -> tuple[StartupRetry, Deadlines, list[float], list[str]]:
    deadlines, slept, said = Deadlines(), [], []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    startup = StartupRetry(deadlines, backoff=NO_JITTER, sleep=sleep)
    startup.progress.connect(said.append)
    return startup, deadlines, slept, said


def failing(*failures: Exception) -> object:
    queue = list(failures)

    async def step() -> str:
        if queue:
            raise queue.pop(0)
        return "opened"

    return step


def test_transient_failures_are_reported_waited_out_and_cleared() -> None:
    startup, deadlines, slept, said = retry()
    step = failing(
        ServerUnreachable("Loading accounts: the WebAPI is unavailable (HTTP 502)."),
        ApiFailure("Busy", "The platform is busy"),
        ApiFailure("NoConnect", "No connection to the trade server"),
        ServerUnreachable("Loading accounts: cannot reach 127.0.0.1 (ConnectError)."),
    )
    assert asyncio.run(startup.run("accounts", step)) == "opened"  # type: ignore[arg-type]
    assert slept == [1.0, 2.0, 4.0, 4.0]
    assert said[0] == "Loading accounts: the WebAPI is unavailable (HTTP 502).; trying again in 1 s"
    assert said[-1] == ""
    assert startup.retries == 4
    assert deadlines.seconds == 10.0  # only a Timeout lengthens the deadline


def test_a_timeout_asks_again_with_a_longer_deadline() -> None:
    startup, deadlines, _, said = retry()
    step = failing(ApiFailure("Timeout", "The operation did not finish within 10 s; nothing changed."))
    asyncio.run(startup.run("accounts", step))  # type: ignore[arg-type]
    assert deadlines.seconds == 20.0
    assert "asking again with a 20 s deadline" in said[0]


@pytest.mark.parametrize(
    "final",
    [
        AuthFailed("The auth server refused the credentials: invalid_client"),
        InvalidInput("The credentials give access to no MT4 trade platform."),
        ApiFailure("Forbidden", "Not your organisation"),
        DecodeError("TradePlatform", "id", "is None, not a name"),
    ],
)
def test_a_final_failure_ends_the_start_at_once(final: Exception) -> None:
    startup, _, slept, said = retry()
    with pytest.raises(type(final)):
        asyncio.run(startup.run("session", failing(final)))  # type: ignore[arg-type]
    assert slept == []
    assert said == []


def test_steps_side_by_side_are_reported_together_until_each_works() -> None:
    deadlines, said = Deadlines(), []
    gates = {"quotes": asyncio.Event(), "accounts": asyncio.Event()}

    async def sleep(_seconds: float) -> None:
        await asyncio.sleep(0)

    startup = StartupRetry(deadlines, backoff=NO_JITTER, sleep=sleep)
    startup.progress.connect(said.append)

    def step(name: str) -> object:
        async def run() -> str:
            if not gates[name].is_set():
                raise ServerUnreachable(f"{name} down")
            return name

        return run

    async def scenario() -> None:
        quotes = asyncio.ensure_future(startup.run("quotes", step("quotes")))  # type: ignore[arg-type]
        accounts = asyncio.ensure_future(startup.run("accounts", step("accounts")))  # type: ignore[arg-type]
        await asyncio.sleep(0.01)
        assert startup.waiting == "quotes down; trying again in 4 s; accounts down; trying again in 4 s"
        gates["quotes"].set()
        await quotes
        assert startup.waiting == "accounts down; trying again in 4 s"
        gates["accounts"].set()
        await accounts
        assert startup.waiting == ""

    asyncio.run(scenario())
    assert said[-1] == ""
