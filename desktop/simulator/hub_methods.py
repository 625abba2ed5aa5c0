"""The MT4 v2 hub's methods and the dispatch of client messages to them.

Imports: stdlib and ``desktop.simulator`` (``feed``, ``hub_protocol``, ``hub_connection``,
``wire``). Used by ``hub``.

Methods (names matched ignoring case, as ASP.NET Core does):

* ``SubscribeToTicks(symbol)`` / ``UnsubscribeFromTicks(symbol)`` — void Completion, then
  ``OnTick`` pushes for that symbol; a new subscription first gets the current quote;
* ``StreamTicks(symbol?)`` — server-to-client stream of TickPayload items (no argument or
  null = every symbol), starting with the current quote(s); ends only by CancelInvocation.

Errors are Completions with ``error`` worded like ASP.NET Core without detailed errors:
binding problems as "Failed to invoke …", errors raised by a method as "An unexpected
error occurred invoking … HubException: …".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.simulator import hub_protocol as proto
from desktop.simulator.feed import PriceFeed
from desktop.simulator.hub_connection import HubConnection, StreamInterest
from desktop.simulator.wire import iso_utc_ms


class HubError(Exception):
    """An invocation failed; the text goes to the client as the Completion error."""


@dataclass(frozen=True)
class _Method:
    name: str
    streaming: bool
    min_args: int
    max_args: int
    run: Callable[[HubConnection, str | None, list[Any]], None]


def _binding_error(target: str, detail: str) -> HubError:
    return HubError(f"Failed to invoke '{target}' due to an error on the server. {detail}")


def _method_error(target: str, detail: str) -> HubError:
    return HubError(f"An unexpected error occurred invoking '{target}' on the server. HubException: {detail}")


class HubMethods:
    """Dispatches parsed hub messages of a connection.

    Args:
        feed: Price feed (symbol look-up and current quotes).
    """

    def __init__(self, feed: PriceFeed) -> None:
        self._feed = feed
        methods = (
            _Method("SubscribeToTicks", False, 1, 1, self._subscribe),
            _Method("UnsubscribeFromTicks", False, 1, 1, self._unsubscribe),
            _Method("StreamTicks", True, 0, 1, self._stream_ticks),
        )
        self._methods = {m.name.lower(): m for m in methods}

    def handle(self, conn: HubConnection, message: dict[str, Any]) -> bool:
        """Act on one client message.

        Args:
            conn: The connection it came from.
            message: The decoded message.

        Returns:
            False when the client asked to close, else True.
        """
        kind = message["type"]
        if kind == proto.INVOCATION:
            self._invoke(conn, message, streaming=False)
        elif kind == proto.STREAM_INVOCATION:
            self._invoke(conn, message, streaming=True)
        elif kind == proto.CANCEL_INVOCATION:
            conn.streams.pop(str(message.get("invocationId")), None)
        elif kind == proto.CLOSE:
            return False
        return True

    def _invoke(self, conn: HubConnection, message: dict[str, Any], streaming: bool) -> None:
        raw_id = message.get("invocationId")
        invocation_id = None if raw_id is None else str(raw_id)
        target = str(message.get("target", ""))
        arguments = message.get("arguments")
        arguments = [] if arguments is None else arguments
        try:
            method = self._bind(target, arguments, streaming)
            method.run(conn, invocation_id, arguments)
        except HubError as exc:
            if invocation_id is not None:
                conn.send(proto.completion(invocation_id, error=str(exc)))

    def _bind(self, target: str, arguments: Any, streaming: bool) -> _Method:
        method = self._methods.get(target.lower())
        if method is None:
            raise _binding_error(target, "HubException: Method does not exist.")
        if not isinstance(arguments, list):
            raise _binding_error(target, "InvalidDataException: Expected 'arguments' to be an array.")
        if not method.min_args <= len(arguments) <= method.max_args:
            detail = f"Invocation provides {len(arguments)} argument(s) but target expects {method.max_args}."
            raise _binding_error(target, "InvalidDataException: " + detail)
        if method.streaming and not streaming:
            raise HubError(
                f"The client attempted to invoke the streaming '{method.name}' method with a non-streaming invocation."
            )
        if streaming and not method.streaming:
            raise HubError(
                f"The client attempted to invoke the non-streaming '{method.name}' method with a streaming invocation."
            )
        return method

    def _symbol(self, target: str, value: Any) -> int:
        if not isinstance(value, str):
            raise _binding_error(
                target,
                "InvalidDataException: Error binding arguments. Make sure that the types of the provided "
                "values match the types of the hub method being invoked.",
            )
        index = self._feed.resolve(value)
        if index is None:
            raise _method_error(target, f"Unknown symbol '{value}'.")
        return index

    def _payload(self, index: int) -> str:
        bid, ask, unix_time = self._feed.quote(index)
        return proto.tick_payload(self._feed.symbols[index].name, bid, ask, iso_utc_ms(unix_time))

    def _subscribe(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        index = self._symbol("SubscribeToTicks", arguments[0])
        is_new = index not in conn.subscriptions
        conn.subscriptions.add(index)
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id))
        if is_new:
            conn.send(proto.ON_TICK_PREFIX + self._payload(index) + proto.ON_TICK_SUFFIX)

    def _unsubscribe(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        index = self._symbol("UnsubscribeFromTicks", arguments[0])
        conn.subscriptions.discard(index)
        if invocation_id is not None:
            conn.send(proto.completion(invocation_id))

    def _stream_ticks(self, conn: HubConnection, invocation_id: str | None, arguments: list[Any]) -> None:
        if invocation_id is None:
            raise HubError("Stream invocations require an invocation id.")
        value = arguments[0] if arguments else None
        symbol = None if value is None else self._symbol("StreamTicks", value)
        if invocation_id in conn.streams:
            raise HubError(f"Invocation ID '{invocation_id}' is already in use.")
        prefix = proto.stream_item_prefix(invocation_id)
        wanted = range(len(self._feed.symbols)) if symbol is None else (symbol,)
        conn.send("".join(prefix + self._payload(i) + proto.STREAM_ITEM_SUFFIX for i in wanted))
        conn.streams[invocation_id] = StreamInterest(prefix, symbol)
