"""Case-insensitive path routing in the style of ASP.NET Core endpoint routing.

Imports: stdlib only. Used by ``server``: aiohttp's own router is case-sensitive, so the
application has one catch-all route and dispatches through ``Router``.

Templates are ``/`` separated; ``{name}`` captures one segment. Literal segments match
ignoring case; a trailing slash is ignored. A path that matches a template under another
method gives ``MethodNotAllowed`` (HTTP 405), no match at all gives None (HTTP 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

_H = TypeVar("_H")


class Auth(Enum):
    """What a route requires from the caller."""

    NONE = "none"
    BEARER = "bearer"  # Authorization header only (REST)
    HUB = "hub"  # header, or access_token / signalr_token query (SignalR)


@dataclass(frozen=True)
class Route(Generic[_H]):
    """One endpoint.

    Attributes:
        method: HTTP method (upper case).
        segments: Template segments; literals are lower case, captures are ``{name}``.
        handler: What to call.
        auth: Authentication requirement.
    """

    method: str
    segments: tuple[str, ...]
    handler: _H
    auth: Auth


@dataclass(frozen=True)
class Match(Generic[_H]):
    """A matched route with its captured path parameters."""

    route: Route[_H]
    params: dict[str, str]


class MethodNotAllowed(Exception):
    """The path exists under other methods."""


def _split(path: str) -> list[str]:
    return [segment for segment in path.strip("/").split("/") if segment != ""] if path.strip("/") else []


class Router(Generic[_H]):
    """A list of routes matched in registration order."""

    def __init__(self) -> None:
        self._routes: list[Route[_H]] = []

    def add(self, method: str, template: str, handler: _H, auth: Auth) -> None:
        """Register an endpoint.

        Args:
            method: HTTP method.
            template: Path template, e.g. ``/api/v2/MT4/{tradePlatform}/UserRecordGet/{login}``.
            handler: What to call.
            auth: Authentication requirement.
        """
        segments = tuple(s if s.startswith("{") else s.lower() for s in _split(template))
        self._routes.append(Route(method.upper(), segments, handler, auth))

    def match(self, method: str, path: str) -> Match[_H] | None:
        """Find the endpoint for a request.

        Args:
            method: HTTP method.
            path: Decoded request path.

        Returns:
            The match, or None when no template fits the path.

        Raises:
            MethodNotAllowed: A template fits, but not for this method.
        """
        parts = _split(path)
        lowered = [p.lower() for p in parts]
        path_exists = False
        for route in self._routes:
            params = _bind(route.segments, parts, lowered)
            if params is None:
                continue
            if route.method == method.upper() or (route.method == "GET" and method.upper() == "HEAD"):
                return Match(route, params)
            path_exists = True
        if path_exists:
            raise MethodNotAllowed(path)
        return None

    def routes(self) -> list[Route[_H]]:
        """Return every registered route (for introspection and tests).

        Returns:
            The routes in registration order.
        """
        return list(self._routes)


def _bind(segments: tuple[str, ...], parts: list[str], lowered: list[str]) -> dict[str, str] | None:
    if len(segments) != len(parts):
        return None
    params: dict[str, str] = {}
    for template, part, low in zip(segments, parts, lowered, strict=True):
        if template.startswith("{"):
            params[template[1:-1]] = part
        elif template != low:
            return None
    return params
