"""Handlers of the ``/_sim/`` fault routes: faults, hub, market and server (see ``control.api``).

Imports: stdlib and ``desktop.simulator`` (``faults``). Used by ``control.api``, which checks
the control token, parses the JSON body and renders what a handler returns.

Each handler takes the simulator and the body (a dict) and returns extra fields of the
``{"ok": true, …}`` answer; a missing or mistyped field raises ``ValueError``/``KeyError``
(HTTP 400).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from desktop.simulator.control.state import SimControl

Route = Callable[["SimControl", dict[str, Any]], Awaitable[dict[str, Any]]]
_T = TypeVar("_T")


def field(body: dict[str, Any], name: str, kind: type[_T], default: _T | None = None) -> _T:
    """Read a typed field of a control body.

    Args:
        body: The JSON object.
        name: Field name.
        kind: Expected type (int accepts whole numbers, float accepts ints).
        default: Value when absent; None makes the field required.

    Returns:
        The value.

    Raises:
        ValueError: Missing, or of another type.
    """
    if name not in body or body[name] is None:
        if default is None:
            raise ValueError(f"'{name}' is required")
        return default
    value = body[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"'{name}' must be {kind.__name__}")
    return value


async def _latency(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    control.faults.add_latency(
        field(body, "path", str, ""),
        field(body, "seconds", float),
        writes_apply=field(body, "writesApply", bool, True),
        reads_only=field(body, "readsOnly", bool, False),
    )
    return {}


async def _outcome_unknown(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    delay = field(body, "delay", float, 0.0)
    if "every" in body:
        variants = tuple(field(body, "variants", list, ["applied", "not-applied"]))
        control.faults.outcome_unknown_every(field(body, "every", int), variants, delay)
    else:
        control.faults.outcome_unknown_next(
            field(body, "count", int, 1),
            field(body, "variant", str, "applied"),
            path_fragment=field(body, "path", str, ""),
            delay=delay,
        )
    return {}


async def _busy(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    faults = control.faults
    if "on" in body:
        faults.busy = field(body, "on", bool)
    elif "queueLimit" in body:
        faults.queue_limit = None if body["queueLimit"] is None else field(body, "queueLimit", int)
    else:
        faults.busy_next(field(body, "count", int, 1), field(body, "path", str, ""))
    return {}


async def _proxy(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    if "every" in body:
        statuses = tuple(field(body, "statuses", list, [502, 504]))
        control.faults.proxy_errors_every(field(body, "every", int), statuses)
    else:
        control.faults.proxy_error_next(
            field(body, "status", int, 502), field(body, "count", int, 1), field(body, "path", str, "")
        )
    return {}


async def _short_tokens(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    control.faults.short_tokens(None if body.get("seconds") is None else field(body, "seconds", int))
    return {}


async def _expire_tokens(control: SimControl, _body: dict[str, Any]) -> dict[str, Any]:
    control.faults.expire_tokens()
    return {}


async def _clear(control: SimControl, _body: dict[str, Any]) -> dict[str, Any]:
    control.faults.reset()
    return {}


async def _hub_drop(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    return {"connections": await control.faults.drop_hub(abort=field(body, "abort", bool, False))}


async def _hub_close(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    error = body.get("error")
    if error is not None and not isinstance(error, str):
        raise ValueError("'error' must be str or null")
    allow = field(body, "allowReconnect", bool, True)
    return {"connections": await control.faults.close_hub(error, allow)}


async def _stall(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    control.market.stall(field(body, "symbol", str), field(body, "stalled", bool, True))
    return {}


async def _spread(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    return {"spread": control.market.widen_spread(field(body, "symbol", str), field(body, "factor", float))}


async def _gap(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    bid, ask = control.market.gap(field(body, "symbol", str), field(body, "points", int))
    return {"bid": bid, "ask": ask}


async def _wave(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    logins = field(body, "logins", list, [])
    if not all(isinstance(login, int) and not isinstance(login, bool) for login in logins):
        raise ValueError("'logins' must be a list of integers")
    params = {
        "at": 0.0,
        "logins": "+".join(str(login) for login in logins),
        "symbol": field(body, "symbol", str, ""),
        "count": field(body, "count", int, 5),
        "steps": field(body, "steps", int, 20),
        "interval": field(body, "interval", float, 1.0),
    }
    control.scenarios.start("margin-call-wave", **params)
    return {"scenario": "margin-call-wave"}


async def _restore(control: SimControl, _body: dict[str, Any]) -> dict[str, Any]:
    control.market.restore()
    return {}


async def _restart(control: SimControl, body: dict[str, Any]) -> dict[str, Any]:
    refuse, unavailable = field(body, "refuse", float, 1.0), field(body, "unavailable", float, 1.0)
    if refuse < 0 or unavailable < 0:
        raise ValueError("'refuse' and 'unavailable' must not be negative")
    control.faults.spawn(_restart_soon(control, refuse, unavailable), "server-restart")
    return {"refuse": refuse, "unavailable": unavailable}


async def _restart_soon(control: SimControl, refuse: float, unavailable: float) -> None:
    # Let the answer to the control request go out before the connections are cut.
    await asyncio.sleep(0.05)
    await control.faults.restart_server(refuse, unavailable)


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "faults/latency"): _latency,
    ("POST", "faults/outcome-unknown"): _outcome_unknown,
    ("POST", "faults/busy"): _busy,
    ("POST", "faults/proxy-error"): _proxy,
    ("POST", "faults/short-tokens"): _short_tokens,
    ("POST", "faults/expire-tokens"): _expire_tokens,
    ("DELETE", "faults"): _clear,
    ("POST", "hub/drop"): _hub_drop,
    ("POST", "hub/close"): _hub_close,
    ("POST", "market/stall"): _stall,
    ("POST", "market/spread"): _spread,
    ("POST", "market/gap"): _gap,
    ("POST", "market/margin-call-wave"): _wave,
    ("POST", "market/restore"): _restore,
    ("POST", "server/restart"): _restart,
}
