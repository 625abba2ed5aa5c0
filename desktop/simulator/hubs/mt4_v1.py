"""The legacy MT4 hub (``/hubs/mt4/v1``): platform as first argument of every method, ``onTick`` pushes.

Imports: stdlib and ``desktop.simulator`` (``feed``, ``hubs.connection``, ``hubs.dispatch``,
``hubs.mt4_v2``, ``hubs.platforms``, ``hubs.protocol``). Used by ``hubs.registry``.

Contract §3.4 and §3.5 (``IMT4Hub``); only what is published is served:

* ``Connect(tradePlatform)`` → ``true`` when the platform's pump is up (``false`` while a
  scenario has it down); no ``OnConnectionStatus`` push on this hub.
* ``Ping(tradePlatform)`` → ``true`` (return type unpublished; a bool like ``Connect``).
* ``SubscribeToTicks(tradePlatform, symbol)`` / ``UnsubscribeFromTicks(tradePlatform, symbol)``
  → void; then ``onTick(tradePlatform, tick)`` for each tick of the symbol, the first one
  being its current quote. ``Connect`` is not required first.
* The tick is ``{"Symbol", "Bid", "Ask"}`` exactly (C# property names, as the vendor's page
  shows): no time field is added, so a strict client of that shape is not surprised.
  ``tradePlatform`` is sent in canonical lower-case GUID form.

``tradePlatform`` binds like a C# ``Guid``: a non-GUID is a binding error ("Error binding
arguments …"); an unknown GUID, an MT5 platform or a token of another organisation is a
``HubException``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs.connection import HubConnection
from desktop.simulator.hubs.dispatch import Dispatcher, Method, method_error, type_error
from desktop.simulator.hubs.mt4_v2 import resolve_symbol
from desktop.simulator.hubs.platforms import FORBIDDEN, PlatformKinds, canonical
from desktop.simulator.world.market.feed import PriceFeed

#: Path of the legacy hub.
V1_HUB_PATH = "/hubs/mt4/v1"


class V1Hub:
    """``/hubs/mt4/v1``.

    Args:
        feed: Price feed.
        platforms: Known platforms.
        pump_up: Tells whether the MT4 pump is connected (``Connect``'s answer).
    """

    path = V1_HUB_PATH
    platform_type = ""
    legacy = True

    def __init__(self, feed: PriceFeed, platforms: PlatformKinds, pump_up: Callable[[], bool]) -> None:
        self._feed = feed
        self._platforms = platforms
        self._pump_up = pump_up
        self.dispatcher = Dispatcher(
            [
                Method("Connect", False, 1, 1, self._connect),
                Method("Ping", False, 1, 1, self._ping),
                Method("SubscribeToTicks", False, 2, 2, self._subscribe),
                Method("UnsubscribeFromTicks", False, 2, 2, self._unsubscribe),
            ]
        )

    def _platform(self, conn: HubConnection, target: str, value: Any) -> str:
        platform = canonical(value) if isinstance(value, str) else None
        if platform is None:
            raise type_error(target)
        kind = self._platforms.kind_of(platform)
        if kind is None:
            raise method_error(target, f"Unknown trade platform '{value}'.")
        if conn.foreign:
            raise method_error(target, FORBIDDEN.format(value))
        if kind != "MT4":
            raise method_error(target, f"Trade platform '{value}' is not an MT4 platform.")
        return platform

    def _connect(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        platform = self._platform(conn, "Connect", arguments[0])
        conn.platform = platform
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id, self._pump_up()))

    def _ping(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        self._platform(conn, "Ping", arguments[0])
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id, True))

    def _subscribe(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        platform = self._platform(conn, "SubscribeToTicks", arguments[0])
        index = resolve_symbol(self._feed, "SubscribeToTicks", arguments[1])
        prefix = proto.v1_on_tick_prefix(platform)
        conn.legacy_prefix = prefix
        is_new = index not in conn.subscriptions
        conn.subscriptions.add(index)
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id))
        if is_new:
            bid, ask, _ = self._feed.quote(index)
            conn.send(prefix + proto.v1_tick_payload(self._feed.symbols[index].name, bid, ask) + proto.ON_TICK_SUFFIX)

    def _unsubscribe(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        self._platform(conn, "UnsubscribeFromTicks", arguments[0])
        index = resolve_symbol(self._feed, "UnsubscribeFromTicks", arguments[1])
        conn.subscriptions.discard(index)
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id))
