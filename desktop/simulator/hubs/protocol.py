"""The ASP.NET Core SignalR JSON hub protocol: records, message builders, parsing.

Imports: stdlib and orjson. Used by every ``hub*`` module.

Every record is a JSON object followed by the 0x1E record separator; one WebSocket text
frame may carry several records in both directions, and a record may be split across
frames (the parser keeps the unfinished tail). Tick records are assembled from
pre-encoded payload strings so a tick is encoded once however many clients receive it.
"""

from __future__ import annotations

from typing import Any

import orjson

RS = "\x1e"
#: ASP.NET Core's ``JsonHubProtocol.Version``; ``IsVersionSupported(v)`` is ``v <= Version``.
JSON_PROTOCOL_VERSION = 2
INVOCATION = 1
STREAM_ITEM = 2
COMPLETION = 3
STREAM_INVOCATION = 4
CANCEL_INVOCATION = 5
PING = 6
CLOSE = 7

PING_RECORD = '{"type":6}' + RS
HANDSHAKE_OK = "{}" + RS
#: ``CloseMessage.Empty``: what ASP.NET Core answers to a client's Close (``allowReconnect`` false is omitted).
CLOSE_RECORD = '{"type":7}' + RS
ON_TICK_PREFIX = '{"type":1,"target":"OnTick","arguments":['
ON_TICK_SUFFIX = "]}" + RS
STREAM_ITEM_SUFFIX = "}" + RS
_NO_RESULT = object()


class ProtocolError(Exception):
    """The peer sent something that is not valid hub protocol."""


def encode(value: Any) -> str:
    """Encode a value as compact JSON text (no separator).

    Args:
        value: JSON-compatible value.

    Returns:
        The JSON text.
    """
    return orjson.dumps(value).decode()


def record(message: dict[str, Any]) -> str:
    """Encode one message as a record.

    Args:
        message: The message object.

    Returns:
        JSON text plus the record separator.
    """
    return orjson.dumps(message).decode() + RS


def invocation(target: str, *arguments: Any) -> str:
    """Build a non-blocking server-to-client invocation (type 1, no invocationId).

    Args:
        target: Client method name, e.g. ``OnConnectionStatus``.
        *arguments: Its arguments.

    Returns:
        The record.
    """
    return record({"type": INVOCATION, "target": target, "arguments": list(arguments)})


def completion(invocation_id: str, result: Any = _NO_RESULT, error: str | None = None) -> str:
    """Build a Completion (type 3).

    Args:
        invocation_id: Id of the invocation it completes.
        result: Return value; omitted for void methods.
        error: Error text; when given, no result is sent.

    Returns:
        The record.
    """
    message: dict[str, Any] = {"type": COMPLETION, "invocationId": invocation_id}
    if error is not None:
        message["error"] = error
    elif result is not _NO_RESULT:
        message["result"] = result
    return record(message)


def close_message(error: str | None, allow_reconnect: bool) -> str:
    """Build a Close (type 7).

    Args:
        error: Why the server closes, or None for a normal close.
        allow_reconnect: Whether the client may reconnect.

    Returns:
        The record.
    """
    message: dict[str, Any] = {"type": CLOSE}
    if error is not None:
        message["error"] = error
    message["allowReconnect"] = allow_reconnect
    return record(message)


def stream_item_prefix(invocation_id: str) -> str:
    """Return the text of a StreamItem record up to its ``item`` value.

    Args:
        invocation_id: The stream's invocation id (JSON-escaped here).

    Returns:
        ``{"type":2,"invocationId":"…","item":`` — append a payload and ``STREAM_ITEM_SUFFIX``.
    """
    return '{"type":2,"invocationId":' + orjson.dumps(invocation_id).decode() + ',"item":'


def tick_payload(symbol: str, bid: float, ask: float, last_time: str) -> str:
    """Encode a TickPayload ``{symbol, bid, ask, lastTime}``.

    Args:
        symbol: Symbol name (catalogue names need no escaping).
        bid: Bid.
        ask: Ask.
        last_time: ISO-8601 time of the tick.

    Returns:
        The JSON object text.
    """
    return f'{{"symbol":"{symbol}","bid":{bid!r},"ask":{ask!r},"lastTime":"{last_time}"}}'


def v1_tick_payload(symbol: str, bid: float, ask: float) -> str:
    """Encode the legacy hub's tick ``{Symbol, Bid, Ask}`` (C# property names, contract §3.4).

    Args:
        symbol: Symbol name.
        bid: Bid.
        ask: Ask.

    Returns:
        The JSON object text.
    """
    return f'{{"Symbol":"{symbol}","Bid":{bid!r},"Ask":{ask!r}}}'


def v1_on_tick_prefix(platform: str) -> str:
    """Return the text of a legacy ``onTick(tradePlatform, tick)`` invocation up to the tick.

    Args:
        platform: Trade platform GUID (canonical lower-case form).

    Returns:
        ``{"type":1,"target":"onTick","arguments":["<guid>",`` — append a tick and ``ON_TICK_SUFFIX``.
    """
    return '{"type":1,"target":"onTick","arguments":[' + encode(platform) + ","


def parse_handshake(text: str) -> None:
    """Check a handshake request.

    Args:
        text: The handshake record without its separator.

    Raises:
        ProtocolError: Not JSON, another protocol than json, or a version above ``JSON_PROTOCOL_VERSION``.
    """
    try:
        request = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ProtocolError("Handshake request is not valid JSON.") from None
    if not isinstance(request, dict):
        raise ProtocolError("Handshake request is not a JSON object.")
    protocol, version = request.get("protocol"), request.get("version")
    if protocol != "json":
        raise ProtocolError(f"The protocol '{protocol}' is not supported.")
    if isinstance(version, bool) or not isinstance(version, int) or version > JSON_PROTOCOL_VERSION:
        raise ProtocolError(f"The server does not support version {version} of the '{protocol}' protocol.")


class RecordReader:
    """Splits incoming text into records, keeping an unfinished tail between frames."""

    def __init__(self) -> None:
        self._tail = ""

    def feed(self, text: str) -> list[str]:
        """Add received text and return the complete records in it.

        Args:
            text: Text of one WebSocket message.

        Returns:
            Complete records, without separators (empty ones skipped).
        """
        data = self._tail + text if self._tail else text
        parts = data.split(RS)
        self._tail = parts.pop()
        return [part for part in parts if part]

    @property
    def pending(self) -> str:
        """Received text not yet terminated by a separator."""
        return self._tail


def parse_message(text: str) -> dict[str, Any]:
    """Decode one hub message record.

    Args:
        text: The record without its separator.

    Returns:
        The message object (it has an integer ``type``).

    Raises:
        ProtocolError: Not a JSON object with an integer ``type``.
    """
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ProtocolError("Error reading JSON.") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), int):
        raise ProtocolError("Missing required property 'type'.")
    return message
