"""The catalogue of scenarios: named, seeded fault timelines for tests and live demos.

Imports: stdlib and ``desktop.simulator`` (``market``, ``faults.scenarios.runner``, ``faults.scenarios.types``).
Used by ``control`` (the runner's catalogue), ``__main__`` (``--scenario``,
``--list-scenarios``) and ``control.api`` (``/_sim/scenarios``).

Start them with ``dealer-desk-sim --scenario NAME[:key=value,…]`` (repeatable), with
``POST /_sim/scenarios/NAME`` or ``control.scenarios.start(NAME, key=value)``. Times are
seconds on the scenario clock from the scenario's start (see ``faults.scenarios.runner``); ``every``
0 means once. Parameters and defaults:

``calm`` (default) — nothing injected: the seeded random walk, every call answered.

``stalled-symbol`` (symbol=EURUSD, at=10, duration=30, every=60) — the symbol gets no
ticks from ``at`` for ``duration`` seconds, the rest tick on; repeats every ``every``.

``spread-widening`` (symbol=EURUSD, factor=10, at=10, duration=20, every=60) — the spread
is multiplied by ``factor`` (requote tick, ``SymbolChanged``) and restored after
``duration``; repeats.

``price-gap`` (symbol=EURUSD, points=500, at=20, every=60) — the price jumps ``points``
at once, up or down as the scenario's seeded generator decides; repeats.

``margin-call-wave`` (logins="", symbol="", count=5, at=15, steps=20, interval=1,
every=0) — at ``at`` the wave is planned (``market``: the given ``+``-separated logins, or
the ``count`` largest exposures) and the price moves against those accounts in ``steps``
equal gaps, one per ``interval``, until they are past margin call and at stop out (up to
5 extra steps if the random walk held them back); ``every`` > 0 plans a new wave then.

``flaky-writes`` (every=3, delay=1) — every ``every``-th v2 write answers
``OutcomeUnknown`` / ``unknown`` after ``delay`` seconds (capped by the deadline),
alternately applied and not applied.

``busy`` (at=10, duration=10, every=30) — during the window every v2 call answers
``Busy`` / ``not-started`` (nothing runs); repeats.

``slow-reads`` (seconds=3, slow_path=UsersRequest, slow_seconds=12) — every v2 read
answers ``seconds`` later; reads whose path contains ``slow_path`` take ``slow_seconds``,
past their 10 s default deadline, so they answer ``Timeout`` / ``timeout`` at the deadline
(sooner with a shorter ``X-Request-Timeout``).

``proxy-errors`` (every=4) — every ``every``-th ``/api/`` request is answered by the
"proxy" with an HTML 502, then 504, alternately, before authentication.

``short-tokens`` (seconds=20) — tokens issued from now on die after ``seconds`` while
``expires_in`` still says the usual lifetime: clients meet HTTP 401 and must refetch.

``hub-drops`` (at=30, every=30, reconnect=1) — every ``every`` seconds all hub connections
end: odd occurrences are a network cut (TCP aborted, no close frame), even ones a SignalR
Close with an error and ``allowReconnect`` = ``reconnect`` (1 true, 0 false).

``corrupt-rows`` (row=0) — from the start, row ``row`` of every ``UsersRequest`` answer has
``"login": null`` and the same row of every ``MarginsGet`` answer a balance that is text
(``"n/a"``): answers the v2 schema does not allow, to show a client sets such rows aside.

``server-restart`` (at=20, every=60, refuse=2, unavailable=2) — the server restarts: all
state kept, every connection dropped, the port refuses connections for ``refuse``
seconds, then answers HTTP 503 for ``unavailable`` seconds, then serves again; repeats.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.simulator.faults.market import WavePlan
from desktop.simulator.faults.scenarios.runner import Context, ScenarioSpec, Step

_EXTRA_WAVE_STEPS = 5


def _every(params: Mapping[str, Any]) -> float:
    return float(params.get("every", 0.0))


def _stalled(params: Mapping[str, Any]) -> list[Step]:
    symbol = str(params["symbol"])

    def stall(ctx: Context, _n: int) -> None:
        ctx.control.market.stall(symbol, True)
        ctx.note(symbol=symbol)

    def resume(ctx: Context, _n: int) -> None:
        ctx.control.market.stall(symbol, False)
        ctx.note(symbol=symbol)

    at, duration, every = float(params["at"]), float(params["duration"]), _every(params)
    return [Step(at, every, "stall", stall), Step(at + duration, every, "resume", resume)]


def _undo_stall(ctx: Context) -> None:
    ctx.control.market.stall(str(ctx.params["symbol"]), False)


def _spread(params: Mapping[str, Any]) -> list[Step]:
    symbol, factor = str(params["symbol"]), float(params["factor"])

    def widen(ctx: Context, _n: int) -> None:
        ctx.note(symbol=symbol, spread=ctx.control.market.widen_spread(symbol, factor))

    def restore(ctx: Context, _n: int) -> None:
        ctx.note(symbol=symbol, spread=ctx.control.market.widen_spread(symbol, 1.0))

    at, duration, every = float(params["at"]), float(params["duration"]), _every(params)
    return [Step(at, every, "widen-spread", widen), Step(at + duration, every, "restore-spread", restore)]


def _undo_spread(ctx: Context) -> None:
    ctx.control.market.widen_spread(str(ctx.params["symbol"]), 1.0)


def _gap(params: Mapping[str, Any]) -> list[Step]:
    symbol, points = str(params["symbol"]), int(params["points"])

    def gap(ctx: Context, _n: int) -> None:
        signed = points if ctx.rng.random() < 0.5 else -points
        bid, ask = ctx.control.market.gap(symbol, signed)
        ctx.note(symbol=symbol, points=signed, bid=bid, ask=ask)

    return [Step(float(params["at"]), _every(params), "gap", gap)]


def _wave_step(plan: WavePlan, left: int, extra: int, interval: float) -> Any:
    def step(ctx: Context, _n: int) -> None:
        market = ctx.control.market
        market.wave_step(plan)
        done = market.at_stop_out(plan)
        ctx.note(symbol=plan.symbol, points=plan.step_points, atStopOut=done)
        if left > 1:
            ctx.after(interval, "wave-step", _wave_step(plan, left - 1, extra, interval))
        elif extra > 0 and len(done) < len(plan.logins):
            ctx.after(interval, "wave-step", _wave_step(plan, 1, extra - 1, interval))

    return step


def _wave(params: Mapping[str, Any]) -> list[Step]:
    raw = str(params["logins"]).replace(",", "+").split("+")
    logins = tuple(int(part) for part in raw if part.strip()) or None
    symbol = str(params["symbol"]) or None
    count, steps, interval = int(params["count"]), int(params["steps"]), float(params["interval"])

    def plan(ctx: Context, _n: int) -> None:
        wave = ctx.control.market.plan_wave(logins, count, symbol, steps)
        ctx.note(**wave.describe())
        ctx.after(interval, "wave-step", _wave_step(wave, wave.steps, _EXTRA_WAVE_STEPS, interval))

    return [Step(float(params["at"]), _every(params), "plan-wave", plan)]


def _flaky(params: Mapping[str, Any]) -> list[Step]:
    def arm(ctx: Context, _n: int) -> None:
        ctx.control.faults.outcome_unknown_every(int(params["every"]), delay=float(params["delay"]))
        ctx.note(every=int(params["every"]))

    return [Step(0.0, 0.0, "arm-flaky-writes", arm)]


def _busy(params: Mapping[str, Any]) -> list[Step]:
    def on(ctx: Context, _n: int) -> None:
        ctx.control.faults.busy = True

    def off(ctx: Context, _n: int) -> None:
        ctx.control.faults.busy = False

    at, duration, every = float(params["at"]), float(params["duration"]), _every(params)
    return [Step(at, every, "busy-on", on), Step(at + duration, every, "busy-off", off)]


def _slow(params: Mapping[str, Any]) -> list[Step]:
    def arm(ctx: Context, _n: int) -> None:
        faults = ctx.control.faults
        faults.add_latency("", float(params["seconds"]), reads_only=True)
        faults.add_latency(str(params["slow_path"]), float(params["slow_seconds"]), reads_only=True)

    return [Step(0.0, 0.0, "arm-slow-reads", arm)]


def _proxy(params: Mapping[str, Any]) -> list[Step]:
    def arm(ctx: Context, _n: int) -> None:
        ctx.control.faults.proxy_errors_every(int(params["every"]))

    return [Step(0.0, 0.0, "arm-proxy-errors", arm)]


def _corrupt(params: Mapping[str, Any]) -> list[Step]:
    def arm(ctx: Context, _n: int) -> None:
        corruption = ctx.control.faults.corruption
        corruption.corrupt_rows("UsersRequest", "login", None, row=int(params["row"]))
        corruption.corrupt_rows("MarginsGet", "balance", "n/a", row=int(params["row"]))

    return [Step(0.0, 0.0, "arm-corrupt-rows", arm)]


def _tokens(params: Mapping[str, Any]) -> list[Step]:
    def arm(ctx: Context, _n: int) -> None:
        ctx.control.faults.short_tokens(int(params["seconds"]))

    return [Step(0.0, 0.0, "arm-short-tokens", arm)]


def _hub_drops(params: Mapping[str, Any]) -> list[Step]:
    reconnect = bool(int(params["reconnect"]))

    def drop(ctx: Context, n: int) -> None:
        faults = ctx.control.faults
        if n % 2 == 0:
            ctx.spawn(faults.drop_hub(abort=True), "hub-drop")
            ctx.note(kind="network-cut")
        else:
            ctx.spawn(faults.close_hub("Simulated hub failure.", reconnect), "hub-close")
            ctx.note(kind="close", allowReconnect=reconnect)

    return [Step(float(params["at"]), _every(params), "hub-drop", drop)]


def _restart(params: Mapping[str, Any]) -> list[Step]:
    def restart(ctx: Context, _n: int) -> None:
        refuse, unavailable = float(params["refuse"]), float(params["unavailable"])
        ctx.spawn(ctx.control.faults.restart_server(refuse, unavailable), "restart")
        ctx.note(refuse=refuse, unavailable=unavailable)

    return [Step(float(params["at"]), _every(params), "restart", restart)]


def _none(_params: Mapping[str, Any]) -> list[Step]:
    return []


def _clear_unknown(ctx: Context) -> None:
    ctx.control.faults.clear_outcome_unknown()


def _clear_busy(ctx: Context) -> None:
    ctx.control.faults.busy = False


def _clear_latency(ctx: Context) -> None:
    ctx.control.faults.clear_latency()


def _clear_proxy(ctx: Context) -> None:
    ctx.control.faults.clear_proxy_errors()


def _clear_corruption(ctx: Context) -> None:
    ctx.control.faults.corruption.clear()


def _clear_tokens(ctx: Context) -> None:
    ctx.control.faults.short_tokens(None)


_SPECS = (
    ScenarioSpec("calm", "no faults: the seeded random walk, every call answered", "-", {}, _none),
    ScenarioSpec("stalled-symbol", "one symbol stops ticking, the rest continue",
                 "at 10 s for 30 s, every 60 s", {"symbol": "EURUSD", "at": 10.0, "duration": 30.0, "every": 60.0},
                 _stalled, _undo_stall),
    ScenarioSpec("spread-widening", "a symbol's spread is multiplied (SymbolChanged), then restored",
                 "at 10 s for 20 s, every 60 s",
                 {"symbol": "EURUSD", "factor": 10.0, "at": 10.0, "duration": 20.0, "every": 60.0},
                 _spread, _undo_spread),
    ScenarioSpec("price-gap", "a symbol's price jumps N points up or down (seeded)", "at 20 s, every 60 s",
                 {"symbol": "EURUSD", "points": 500, "at": 20.0, "every": 60.0}, _gap),
    ScenarioSpec("margin-call-wave", "prices move against the largest exposures until margin call and stop out",
                 "planned at 15 s, one step per second for 20 steps",
                 {"logins": "", "symbol": "", "count": 5, "at": 15.0, "steps": 20, "interval": 1.0, "every": 0.0},
                 _wave),
    ScenarioSpec("flaky-writes", "every 3rd write answers OutcomeUnknown, applied / not applied in turn",
                 "from the start", {"every": 3, "delay": 1.0}, _flaky, _clear_unknown),
    ScenarioSpec("busy", "every v2 call answers Busy / not-started during a window", "at 10 s for 10 s, every 30 s",
                 {"at": 10.0, "duration": 10.0, "every": 30.0}, _busy, _clear_busy),
    ScenarioSpec("slow-reads", "reads answer 3 s late; UsersRequest runs past its deadline (Timeout)",
                 "from the start", {"seconds": 3.0, "slow_path": "UsersRequest", "slow_seconds": 12.0},
                 _slow, _clear_latency),
    ScenarioSpec("proxy-errors", "every 4th /api/ request gets a proxy's HTML 502 or 504", "from the start",
                 {"every": 4}, _proxy, _clear_proxy),
    ScenarioSpec("corrupt-rows", "one UsersRequest row has a null login, one MarginsGet row a text balance",
                 "from the start", {"row": 0}, _corrupt, _clear_corruption),
    ScenarioSpec("short-tokens", "tokens die after 20 s although expires_in says more (HTTP 401)",
                 "from the start", {"seconds": 20}, _tokens, _clear_tokens),
    ScenarioSpec("hub-drops", "all hub connections drop: network cut and SignalR Close in turn",
                 "at 30 s, every 30 s", {"at": 30.0, "every": 30.0, "reconnect": 1}, _hub_drops),
    ScenarioSpec("server-restart", "the server restarts: state kept, connections dropped, refused, 503, back",
                 "at 20 s, every 60 s", {"at": 20.0, "every": 60.0, "refuse": 2.0, "unavailable": 2.0}, _restart),
)  # fmt: skip

#: Every scenario by name.
CATALOGUE: dict[str, ScenarioSpec] = {spec.name: spec for spec in _SPECS}
#: The scenario of a plain start.
DEFAULT = "calm"


def _shown(value: float | int | str) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value) if value != "" else '""'


def listing() -> str:
    """Describe every scenario (``dealer-desk-sim --list-scenarios``).

    Returns:
        One block per scenario: name, summary, timeline and parameters.
    """
    lines = []
    for spec in _SPECS:
        params = ", ".join(f"{key}={_shown(value)}" for key, value in spec.defaults.items()) or "none"
        lines.append(f"{spec.name:<17} {spec.summary}\n{'':<17} timeline: {spec.timeline}; parameters: {params}")
    return "\n".join(lines)
