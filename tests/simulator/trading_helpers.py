"""In-process calls of v2 operations on a private ``SimControl`` with a fixed clock and a silent feed.

The trade server's rules depend on the time of day and week (sessions) and on exact prices
(requotes), so these tests run the operation handlers directly — the same handlers the HTTP
pipeline runs — and render the envelope exactly as the pipeline does, so every answer can
still be validated against the spec.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from multidict import MultiDict

from desktop.simulator import SimConfig, SimControl
from desktop.simulator.rest.pipeline import v2 as rest_v2
from desktop.simulator.rest.pipeline.envelope import ApiFailure, failure_body, success_body
from desktop.simulator.rest.pipeline.operation import V2Request
from desktop.simulator.world.events import Event

#: A Wednesday noon and a Saturday noon (UTC = server time).
WEDNESDAY = float(calendar.timegm((2026, 11, 18, 12, 0, 0)))
SATURDAY = float(calendar.timegm((2026, 11, 21, 12, 0, 0)))
_ACTIVITY = "0af7651916cd43dd8448eb211c80319c"
Validate = Callable[[str, str, Any], None]


class Clock:
    """A settable clock."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def private_control(now: float = WEDNESDAY, accounts: int = 60) -> tuple[SimControl, Clock]:
    """A simulator state without a server: silent feed, fixed clock."""
    clock = Clock(now)
    return SimControl(SimConfig(seed=1, tick_rate=0, accounts=accounts), clock=clock), clock


def call(
    control: SimControl,
    method: str,
    action: str,
    params: Mapping[str, str] | None = None,
    query: Mapping[str, Any] | list[tuple[str, str]] | None = None,
    body: Any = None,
    validate: Validate | None = None,
) -> dict[str, Any]:
    """Run one operation like the pipeline does and return the decoded envelope."""
    mt5 = action.startswith("MT5/")
    operations = rest_v2.MT5_OPERATIONS if mt5 else rest_v2.OPERATIONS
    template = action[4:] if mt5 else action
    op = next(o for o in operations if o.method == method and o.action == template)
    items = query if isinstance(query, list) else [(k, str(v)) for k, v in (query or {}).items()]
    raw = b"" if body is None else orjson.dumps(body)
    request = V2Request(dict(params or {}), MultiDict(items), raw, control, control.clock())
    try:
        envelope = success_body(op.run(request), _ACTIVITY)
    except ApiFailure as exc:
        envelope = failure_body(exc, _ACTIVITY, op.error_data)
    decoded: dict[str, Any] = orjson.loads(envelope)
    if validate is not None:
        validate(method, action, decoded)
    return decoded


def error(envelope: dict[str, Any]) -> tuple[str, Any] | None:
    """``(code, managerCode)`` of an error envelope, None for success."""
    if envelope["error"] is None:
        return None
    return envelope["error"]["code"], envelope["error"]["managerCode"]


def record_events(control: SimControl) -> list[Event]:
    """Collect every event published from now on."""
    seen: list[Event] = []
    control.events.subscribe(seen.append)
    return seen
