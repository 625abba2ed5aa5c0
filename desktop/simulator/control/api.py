"""The HTTP control surface ``/_sim/…`` and the faults answered before routing (503, proxy pages, latency).

Imports: stdlib, aiohttp, orjson and ``desktop.simulator`` (``control.routes``,
``scenarios``). ``server`` calls ``intercept`` first for every request.

``/_sim/`` routes exist only for a caller presenting ``Authorization: SimControl <token>``
(the token printed at startup, given with ``--control-token`` or read from
``control.faults.control_token``); anyone else — a WebAPI client above all — gets the same
bare HTTP 404 as for any unknown path. They are never logged in ``control.requests``. Bodies
are JSON objects (an empty body = ``{}``); answers are ``{"ok": true, …}`` or HTTP 400
``{"error": …}``. Routes:

``GET status`` · ``GET scenarios`` · ``POST scenarios/NAME`` (body: parameters) ·
``DELETE scenarios/NAME`` · ``DELETE scenarios`` · ``POST faults/latency`` {path, seconds,
writesApply, readsOnly} · ``POST faults/outcome-unknown`` {count, variant, path, delay} or
{every, variants, delay} · ``POST faults/busy`` {count, path} or {on} or {queueLimit} ·
``POST faults/proxy-error`` {status, count, path} or {every, statuses} · ``POST
faults/short-tokens`` {seconds|null} · ``POST faults/expire-tokens`` · ``DELETE faults`` ·
``POST hub/drop`` {abort} · ``POST hub/close`` {error, allowReconnect} · ``POST
market/stall`` {symbol, stalled} · ``POST market/spread`` {symbol, factor} · ``POST
market/gap`` {symbol, points} · ``POST market/margin-call-wave`` {logins, symbol, count,
steps, interval} · ``POST market/restore`` · ``POST server/restart`` {refuse, unavailable}
(answers first, restarts right after) · ``POST reset``.

Before routing, for every other request: while a restart answers 503 → HTML 503 with
``Retry-After``; a pending proxy fault → its HTML 502/503/504 page (before authentication,
nothing runs); a latency rule with a non-empty fragment delays non-v2 routes too (the v2
pipeline applies latency itself, against the deadline).
"""

from __future__ import annotations

import asyncio
import hmac
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from desktop.simulator.control import routes as control_routes
from desktop.simulator.control.routes import Route
from desktop.simulator.faults.scenarios import catalogue as scenarios

if TYPE_CHECKING:
    from desktop.simulator.control.state import SimControl

PREFIX = "/_sim/"
SCHEME = "simcontrol "


def proxy_page(status: int) -> web.Response:
    """Render the HTML error page a reverse proxy (nginx) answers with.

    Args:
        status: 502, 503 or 504.

    Returns:
        The response.
    """
    title = f"{status} {HTTPStatus(status).phrase}"
    page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")  # fmt: skip
    headers = {"Retry-After": "1"} if status == 503 else None
    return web.Response(status=status, text=page, content_type="text/html", headers=headers)


def is_control_path(path: str) -> bool:
    """Tell whether a path belongs to the control surface.

    Args:
        path: Request path.

    Returns:
        True for ``/_sim`` and everything below it.
    """
    low = path.lower()
    return low == PREFIX.rstrip("/") or low.startswith(PREFIX)


def authorized(request: web.Request, control: SimControl) -> bool:
    """Check the ``SimControl`` token of a request.

    Args:
        request: The request.
        control: The simulator.

    Returns:
        True when it carries the right token.
    """
    header = request.headers.get("Authorization", "")
    if header[: len(SCHEME)].lower() != SCHEME:
        return False
    return hmac.compare_digest(header[len(SCHEME) :].strip().encode(), control.faults.control_token.encode())


async def intercept(request: web.Request, control: SimControl) -> web.StreamResponse | None:
    """Answer a request before routing when the control surface or a fault says so.

    Args:
        request: Any request.
        control: The simulator.

    Returns:
        The answer, or None to route the request normally.
    """
    path = request.path
    if is_control_path(path):
        return await _control(request, control) if authorized(request, control) else web.Response(status=404)
    faults = control.faults
    if faults.unavailable:
        return proxy_page(503)
    status = faults.take_proxy_error(path)
    if status is not None:
        return proxy_page(status)
    if not path.lower().startswith("/api/v2/"):
        rule = faults.latency_for(path, request.method.upper() != "GET")
        if rule is not None and rule.fragment:
            await asyncio.sleep(rule.seconds)
    return None


def _json(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(payload), status=status, content_type="application/json")


async def _control(request: web.Request, control: SimControl) -> web.Response:
    tail = request.path[len(PREFIX) :].strip("/").lower() if len(request.path) > len(PREFIX) else ""
    method = request.method.upper()
    route, argument = _find(method, tail)
    if route is None:
        return _json({"error": f"no control route {method} /_sim/{tail}"}, 404)
    try:
        raw = await request.read()
        body = orjson.loads(raw) if raw.strip() else {}
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        if argument is not None:
            body["__name"] = argument
        result = await route(control, body)
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        return _json({"error": str(exc) or type(exc).__name__}, 400)
    return _json({"ok": True, **result})


def _find(method: str, tail: str) -> tuple[Route | None, str | None]:
    route = _ROUTES.get((method, tail))
    if route is not None:
        return route, None
    head, _, name = tail.partition("/")
    if head == "scenarios" and name and "/" not in name:
        return _ROUTES.get((method, "scenarios/{name}")), name
    return None, None


async def _status(control: SimControl, _body: dict[str, Any]) -> dict[str, Any]:
    feed = control.feed
    return {"faults": control.faults.describe(), "scenarios": control.scenarios.describe(),
            "feed": {"generated": feed.generated, "drawn": feed.drawn}, "restarts": control.faults.restarts,
            "hubConnections": len(control.hub.connections)}  # fmt: skip


async def _list(control: SimControl, _body: dict[str, Any]) -> dict[str, Any]:
    items = [{"name": s.name, "summary": s.summary, "timeline": s.timeline, "parameters": dict(s.defaults),
              "running": s.name in control.scenarios.active} for s in scenarios.CATALOGUE.values()]  # fmt: skip
    return {"scenarios": items}


async def _start(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    name = body.pop("__name")
    if name not in scenarios.CATALOGUE:
        raise KeyError(f"unknown scenario '{name}'")
    context = control.scenarios.start(name, **body)
    return {"scenario": name, "parameters": dict(context.params)}


async def _stop(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    return {"stopped": control.scenarios.stop(body["__name"])}


async def _stop_all(control: SimControl, _body: dict[str, Any]) -> dict[str, Any]:
    control.scenarios.stop_all()
    return {}


async def _reset(control: SimControl, _body: dict[str, Any]) -> dict[str, Any]:
    control.reset()
    return {}


_ROUTES: dict[tuple[str, str], Route] = {
    ("GET", ""): _status,
    ("GET", "status"): _status,
    ("GET", "scenarios"): _list,
    ("POST", "scenarios/{name}"): _start,
    ("DELETE", "scenarios/{name}"): _stop,
    ("DELETE", "scenarios"): _stop_all,
    ("POST", "reset"): _reset,
    **control_routes.ROUTES,
}
