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
