"""Binding and dispatch of client hub messages to a hub's method table, as ASP.NET Core does it.

Imports: stdlib and ``desktop.simulator`` (``hubs.protocol``, ``hubs.connection``). Used by the
three hubs (``hubs.mt4_v2`` for MT4 v2, ``hubs.mt5_v2``, ``hubs.mt4_v1``).

Method names match ignoring case. Errors are Completions with ``error`` worded like ASP.NET
Core without detailed errors: binding problems as "Failed to invoke …", a ``HubException``
raised by a method as "An unexpected error occurred invoking … HubException: …". A
non-blocking invocation (no ``invocationId``) never gets an answer, not even an error.
CancelInvocation stops a stream without a Completion; a Close from the client ends the
connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop.simulator.hubs import protocol as proto
from desktop.simulator.hubs.connection import HubConnection

Runner = Callable[[HubConnection, str | None, list[Any]], None]


class HubError(Exception):
    """An invocation failed; the text goes to the client as the Completion error."""


@dataclass(frozen=True)
class Method:
    """One hub method.

    Attributes:
        name: Its name as published (matched ignoring case).
        streaming: True for server-to-client streams (StreamInvocation only).
        min_args: Fewest arguments accepted (optional trailing parameters).
        max_args: Most arguments accepted.
        run: ``run(conn, invocation_id, arguments)``; raises ``HubError`` on failure.
    """

    name: str
    streaming: bool
    min_args: int
    max_args: int
    run: Runner


def binding_error(target: str, detail: str) -> HubError:
    """Build the error of an invocation that could not be bound.

    Args:
        target: Method name as the client sent it.
        detail: Exception type and message.

    Returns:
        The error.
    """
    return HubError(f"Failed to invoke '{target}' due to an error on the server. {detail}")


def type_error(target: str) -> HubError:
    """Build the error of arguments that do not convert to the parameter types.

    Args:
        target: Method name as the client sent it.

    Returns:
        The error.
    """
    return binding_error(
        target,
        "InvalidDataException: Error binding arguments. Make sure that the types of the provided "
        "values match the types of the hub method being invoked.",
    )


def method_error(target: str, detail: str) -> HubError:
    """Build the error of a method that threw a ``HubException``.

    Args:
        target: Method name.
        detail: The exception message.

    Returns:
        The error.
    """
    return HubError(f"An unexpected error occurred invoking '{target}' on the server. HubException: {detail}")


class Dispatcher:
    """Dispatches parsed hub messages of a connection to a method table.

    Args:
        methods: The hub's methods.
    """

    def __init__(self, methods: Iterable[Method]) -> None:
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
            conn.cancel_stream(str(message.get("invocationId")))
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
            if streaming and invocation_id is None:
                raise HubError("Stream invocations require an invocation id.")
            if streaming and (invocation_id in conn.streams or invocation_id in conn.event_streams):
                raise HubError(f"Invocation ID '{invocation_id}' is already in use.")
            method.run(conn, invocation_id, arguments)
        except HubError as exc:
            if invocation_id is not None:
                conn.send(proto.completion(invocation_id, error=str(exc)))

    def _bind(self, target: str, arguments: Any, streaming: bool) -> Method:
        method = self._methods.get(target.lower())
        if method is None:
            raise binding_error(target, "HubException: Method does not exist.")
        if not isinstance(arguments, list):
            raise binding_error(target, "InvalidDataException: Expected 'arguments' to be an array.")
        if not method.min_args <= len(arguments) <= method.max_args:
            detail = f"Invocation provides {len(arguments)} argument(s) but target expects {method.max_args}."
            raise binding_error(target, "InvalidDataException: " + detail)
        if method.streaming and not streaming:
            raise HubError(
                f"The client attempted to invoke the streaming '{method.name}' method with a non-streaming invocation."
            )
        if streaming and not method.streaming:
            raise HubError(
                f"The client attempted to invoke the non-streaming '{method.name}' method with a streaming invocation."
            )
        return method
