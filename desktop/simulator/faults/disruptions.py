"""Disruptive faults: hub connections dropped or closed with an error, a server restart, and their tasks.

Imports: stdlib and ``desktop.simulator`` (``hubs.protocol``, ``http.listener``). Base class of
``faults.Faults`` (reach these as ``control.faults.drop_hub()`` …).

The hub actions use the hub registry's fault API (``drop_connections``,
``close_connections``, ``drop_all``) and fall back to closing ``hub.connections`` directly
on a registry without it. A restart keeps every piece of state: it closes the listening
socket (connections are refused), cuts every hub and HTTP connection, waits, listens again
on the same address answering HTTP 503 for a while (``unavailable``), then serves.
Background tasks (late writes, restarts, scenario effects) are owned here and cancelled
by ``aclose`` when the simulator stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from desktop.simulator.hubs import protocol as proto

if TYPE_CHECKING:
    from desktop.simulator.auth.tokens import TokenIssuer
    from desktop.simulator.config import SimConfig
    from desktop.simulator.http.listener import Listener
    from desktop.simulator.hubs.registry import HubRegistry

_log = logging.getLogger(__name__)


class FaultHost(Protocol):
    """What the fault plan uses of the simulator (``SimControl`` fits)."""

    config: SimConfig

    issuer: TokenIssuer

    hub: HubRegistry


class Disruptions:
    """Hub drops, Close with an error, server restart, background tasks.

    Attributes:
        unavailable: Every request but ``/_sim/`` answers HTTP 503 while True (restart).
        listener: The listening socket's handle (set by ``server.start``).
        restarts: How many restarts have begun.

    Args:
        control: The simulator.
    """

    def __init__(self, control: FaultHost) -> None:
        self._control = control
        self.unavailable = False
        self.listener: Listener | None = None
        self.restarts = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    # -- hub -----------------------------------------------------------------------------

    async def drop_hub(self, *, abort: bool = False) -> int:
        """Drop every hub connection without a SignalR Close message.

        Args:
            abort: Cut the TCP streams without a WebSocket close frame (a network failure,
                clients see 1006) instead of closing the WebSockets (1000).

        Returns:
            How many connections were dropped.
        """
        hub: Any = self._control.hub
        cut = getattr(hub, "drop_connections", None) or getattr(hub, "abort_all", None)
        if abort and cut is not None:
            return int(await cut())
        return int(await hub.drop_all(close_message=False))

    async def close_hub(self, error: str | None, allow_reconnect: bool) -> int:
        """Send every hub connection a SignalR Close ``{"type":7,"error":…,"allowReconnect":…}`` and close it.

        Args:
            error: Error text, or None for a normal close.
            allow_reconnect: Whether clients may reconnect automatically.

        Returns:
            How many connections were closed.
        """
        hub: Any = self._control.hub
        close = getattr(hub, "close_connections", None)
        if close is not None:
            return int(await close(error, allow_reconnect=allow_reconnect))
        connections = list(hub.connections.values())
        final = proto.close_message(error, allow_reconnect=allow_reconnect)
        await asyncio.gather(*(conn.close(final) for conn in connections))
        return len(connections)

    async def restart_server(self, refuse: float = 1.0, unavailable: float = 1.0) -> None:
        """Restart the server: keep all state, drop every connection, refuse then answer 503, then serve.

        Args:
            refuse: Seconds the port refuses connections.
            unavailable: Seconds every request then answers HTTP 503.
        """
        if self.listener is None:
            raise RuntimeError("the simulator has no listener to restart")
        self.restarts += 1
        await self.listener.stop_listening()
        await self.drop_hub(abort=True)
        self.listener.drop_connections()
        try:
            await asyncio.sleep(refuse)
            self.unavailable = True
        finally:
            if not self._closing:
                await self.listener.listen_again()
        try:
            await asyncio.sleep(unavailable)
        finally:
            self.unavailable = False

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run a background coroutine owned by the simulator (cancelled by ``aclose``).

        Args:
            coro: The coroutine.
            name: Task name.

        Returns:
            The task.
        """
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.error("simulator task %s failed", task.get_name(), exc_info=task.exception())

    def cancel_tasks(self) -> None:
        """Cancel background tasks without waiting (a restart under way still listens again)."""
        for task in list(self._tasks):
            task.cancel()

    async def aclose(self) -> None:
        """Cancel background tasks (late writes, restarts) and wait for them."""
        self._closing = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
