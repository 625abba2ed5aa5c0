import asyncio
import threading

from desktop.client.network_loop import NetworkLoop, on_loop


def test_coroutines_run_on_the_loop_thread_and_stop_cancels_leftovers() -> None:
    async def scenario() -> None:
        network = NetworkLoop("test-net")
        network.start()
        cancelled = threading.Event()

        async def where() -> str:
            return threading.current_thread().name

        async def forever() -> None:
            try:
                await asyncio.sleep(3600)
            finally:
                cancelled.set()

        assert await asyncio.wrap_future(network.submit(where())) == "test-net"
        network.submit(forever())
        await asyncio.sleep(0.05)
        await network.stop()
        assert cancelled.is_set()

    asyncio.run(scenario())


def test_on_loop_awaits_a_coroutine_on_the_home_loop() -> None:
    async def scenario() -> None:
        home = asyncio.get_running_loop()
        network = NetworkLoop("test-net")
        network.start()

        async def home_thread() -> str:
            assert asyncio.get_running_loop() is home
            return threading.current_thread().name

        async def from_network() -> str:
            return await on_loop(home, home_thread)

        try:
            assert await asyncio.wrap_future(network.submit(from_network())) == threading.current_thread().name
        finally:
            await network.stop()

    asyncio.run(scenario())


def test_stop_lets_a_task_cancelled_by_its_owner_finish_its_clean_up() -> None:
    # The hub's supervisor, cancelled when TickHub.run is, closes its sockets in a ``finally``
    # (a closing handshake that waits for the server); stopping the loop must not cut it short.
    async def scenario() -> None:
        network = NetworkLoop("test-net")
        network.start()
        running = threading.Event()
        closed = threading.Event()

        async def closing_handshake() -> None:
            await asyncio.sleep(0.05)  # the server's answer, however long it takes
            closed.set()

        async def supervisor() -> None:
            try:
                running.set()
                await asyncio.sleep(3600)
            finally:
                await asyncio.wait_for(closing_handshake(), 30.0)  # runs as a task of its own

        outcome = network.submit(supervisor())
        await asyncio.to_thread(running.wait)
        outcome.cancel()
        await network.stop()
        assert closed.is_set()

    asyncio.run(scenario())


def test_on_loop_refuses_a_closed_home_loop_without_leaving_a_coroutine_unawaited() -> None:
    import gc
    import warnings

    home = asyncio.new_event_loop()
    home.close()

    async def token() -> str:
        return "never"

    async def scenario() -> None:
        try:
            await on_loop(home, token)
        except RuntimeError:
            return
        raise AssertionError("a closed loop was accepted")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited" would be a RuntimeWarning
        asyncio.run(scenario())
        gc.collect()
