import asyncio

import pytest

from desktop.services.tasks import TaskOwner


def test_failures_are_published_and_tasks_are_released() -> None:
    owner = TaskOwner()
    failures: list[tuple[str, object]] = []
    owner.failed.connect(lambda name, exc: failures.append((name, exc)))

    async def boom() -> None:
        raise ValueError("boom")

    async def run() -> None:
        owner.spawn("boom", boom())
        await asyncio.sleep(0.01)

    asyncio.run(run())
    assert owner.running == 0
    assert failures[0][0] == "boom"
    assert isinstance(failures[0][1], ValueError)


def test_aclose_cancels_everything() -> None:
    owner = TaskOwner()

    async def run() -> asyncio.Task[None]:
        task = owner.spawn("sleeper", asyncio.sleep(60))
        await asyncio.sleep(0)
        await owner.aclose()
        return task

    task = asyncio.run(run())
    assert task.cancelled()
    assert owner.running == 0


def test_spawn_needs_a_running_loop() -> None:
    owner = TaskOwner()
    coro = asyncio.sleep(0)
    with pytest.raises(RuntimeError):
        owner.spawn("x", coro)
    coro.close()
