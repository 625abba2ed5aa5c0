"""The MT5 v2 hub (``/hubs/mt5/v2?tradePlatform=<mt5 guid>``): connection status and margin calls.

Imports: stdlib and ``desktop.simulator`` (``hubs.connection``, ``hubs.dispatch``, ``hubs.streams``).
Used by ``hubs.registry``.

Contract §3.3: after the handshake the server pushes ``OnConnectionStatus({"connected": …})``;
margin-call events arrive both as ``OnMarginCall(MT5MarginCallPayload)`` pushes (to every
connection, no subscription needed) and as items of ``StreamMarginCallUpdates()``. The
payload is ``{login, type, direction}`` (domains in ``hubs.payloads``). The stream is a pure
event feed: it starts empty. There are no tick, trade or user methods on this hub (deferred
server-side), so ``SubscribeToTicks`` & co. answer "Method does not exist".
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.hubs.connection import HubConnection
from desktop.simulator.hubs.dispatch import Dispatcher, HubError, Method
from desktop.simulator.hubs.streams import TOPIC_MT5_MARGIN, HubStreams

#: Path of the MT5 hub.
MT5_HUB_PATH = "/hubs/mt5/v2"


class Mt5Hub:
    """``/hubs/mt5/v2``.

    Args:
        streams: Event stream fan-out.
    """

    path = MT5_HUB_PATH
    platform_type = "MT5"
    legacy = False

    def __init__(self, streams: HubStreams) -> None:
        self._streams = streams
        self.dispatcher = Dispatcher([Method("StreamMarginCallUpdates", True, 0, 0, self._stream_margin_calls)])

    def _stream_margin_calls(self, conn: HubConnection, invocation_id: str | None, _arguments: list[Any]) -> None:
        if invocation_id is None:
            raise HubError("Stream invocations require an invocation id.")
        self._streams.open(conn, invocation_id, TOPIC_MT5_MARGIN)
