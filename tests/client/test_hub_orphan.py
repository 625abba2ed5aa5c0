import asyncio
import threading

from desktop.client.backoff import Backoff
from desktop.client.hub import TickHub


def test_a_hub_whose_app_loop_closed_without_stopping_it_stops_itself() -> None:
    """An app loop closed with ``run`` still pending leaves the network thread on its own."""
    fetched = threading.Event()

    async def token() -> str:
        fetched.set()
        return "t"

    hub = TickHub(
        lambda: "http://127.0.0.1:9/hubs/mt4/v2",
        token,
        lambda *a: None,
        backoff=Backoff(base_s=0.01, cap_s=0.01, jitter=0.0),
    )
    app_loop = asyncio.new_event_loop()
    hub._home = app_loop
    app_loop.close()  # the owner is gone; nobody cancels the supervisor

    async def supervise() -> None:
        await asyncio.wait_for(hub._supervise(), timeout=10)

    asyncio.run(supervise())  # returns instead of retrying for ever
    assert not fetched.is_set()  # the token factory lived on the closed loop: never called
