"""Plays scenario timelines: the scenario clock, the schedule of steps, start/stop and the event log.

Imports: stdlib, numpy and ``desktop.simulator.faults.scenarios.types``. One ``ScenarioRunner`` per
simulator lives at ``SimControl.scenarios``; the catalogue of scenarios is ``scenarios``.

Scenario clock: with a tick rate above 0 it is the feed's own clock — ticks drawn so far
divided by the tick rate — and the pump generates ticks in chunks that end exactly where a
step is due (``advance_ticks``), so a step always lands between the same two ticks of the
seeded path: same seed and same scenarios give the same price path and the same effects,
however the machine is loaded (an overloaded loop only stretches the timeline). With
``tick_rate=0`` the clock is monotonic wall time and a small task polls it. Tests may set
``clock`` to their own function and call ``poll``. Each scenario has its own random
generator seeded from the simulator's seed and the scenario's name.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import math
import time
import zlib
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from desktop.simulator.faults.scenarios.types import ScenarioEvent, merge_params, parse_scenario

if TYPE_CHECKING:
    from desktop.simulator.config import SimConfig
    from desktop.simulator.faults.injector import Faults
    from desktop.simulator.faults.market import Market
    from desktop.simulator.world.market.feed import PriceFeed, TickBatch

_log = logging.getLogger(__name__)
_POLL_INTERVAL = 0.05
_LOG_LIMIT = 1000


Action = Callable[["Context", int], None]


@dataclass(frozen=True)
class Step:
    """One entry of a timeline.

    Attributes:
        at: Seconds after the scenario starts.
        every: Repeat period in seconds (0 = once).
        label: What it does (for the log).
        action: Called with the context and the occurrence number (0, 1, …).
    """

    at: float
    every: float
    label: str
    action: Action


@dataclass(frozen=True)
class ScenarioSpec:
    """A named scenario.

    Attributes:
        name: Kebab-case name.
        summary: One line for ``--list-scenarios``.
        timeline: When things happen, in words.
        defaults: Parameters and their defaults (their types are the accepted types).
        steps: Builds the timeline from the parameters.
        undo: Removes what the scenario left in place when it is stopped.
    """

    name: str
    summary: str
    timeline: str
    defaults: Mapping[str, float | int | str]
    steps: Callable[[Mapping[str, Any]], list[Step]]
    undo: Callable[[Context], None] | None = None


class ScenarioHost(Protocol):
    """What the runner and the scenarios' actions use of the simulator (``SimControl`` fits)."""

    config: SimConfig

    feed: PriceFeed

    faults: Faults

    market: Market

    scenarios: ScenarioRunner

    def advance(self, count: int) -> TickBatch:
        """Generate ticks now and push them to hub clients."""
        ...


@dataclass
class Context:
    """What a step's action gets: the simulator, its parameters, its random generator.

    Attributes:
        control: The simulator.
        name: Scenario name.
        params: Parameters (defaults merged with overrides).
        rng: Generator seeded from the simulator's seed and the scenario name.
        runner: The runner (to schedule follow-ups).
        stopped: True once the scenario was stopped.
        notes: Details the step being fired attached for its log entry.
    """

    control: ScenarioHost
    name: str
    params: Mapping[str, Any]
    rng: np.random.Generator
    runner: ScenarioRunner
    stopped: bool = False
    notes: list[dict[str, Any]] = field(default_factory=list)

    def after(self, delay: float, label: str, action: Action) -> None:
        """Schedule a one-off follow-up ``delay`` seconds (scenario clock) from now.

        Args:
            delay: Seconds from now.
            label: What it does.
            action: The follow-up (called with occurrence 0).
        """
        self.runner.schedule(self, Step(0.0, 0.0, label, action), self.runner.now() + delay)

    def note(self, **detail: Any) -> None:
        """Attach details to the log entry of the step being fired.

        Args:
            **detail: JSON-ready values.
        """
        self.notes.append(detail)

    def spawn(self, coro: Coroutine[Any, Any, Any], label: str) -> None:
        """Run an asynchronous effect (hub drop, restart) in the background.

        Args:
            coro: The effect.
            label: Task name.
        """
        self.control.faults.spawn(coro, f"scenario-{self.name}-{label}")


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    context: Context = field(compare=False)
    step: Step = field(compare=False)
    count: int = field(compare=False)


class ScenarioRunner:
    """Starts, stops and plays scenarios of one simulator.

    Attributes:
        clock: Scenario clock in seconds (see the module docstring).
        log: Steps that fired, oldest first (bounded).

    Args:
        control: The simulator.
        catalogue: Known scenarios by name.
    """

    def __init__(self, control: ScenarioHost, catalogue: Mapping[str, ScenarioSpec]) -> None:
        self._control = control
        self._catalogue = catalogue
        self._rate = control.config.tick_rate
        origin = time.monotonic()
        self._tick_clock = self._rate > 0
        self.clock: Callable[[], float] = self._ticks if self._tick_clock else (lambda: time.monotonic() - origin)
        self.log: deque[ScenarioEvent] = deque(maxlen=_LOG_LIMIT)
        self.active: dict[str, Context] = {}
        self._heap: list[_Pending] = []
        self._seq = 0
        self._poller: asyncio.Task[None] | None = None

    def _ticks(self) -> float:
        return self._control.feed.drawn / self._rate

    def now(self) -> float:
        """Return the scenario clock."""
        return self.clock()

    def _on_tick_clock(self) -> bool:
        return self._tick_clock and self.clock == self._ticks

    def _tick_of(self, due: float) -> int:
        return math.ceil(due * self._rate - 1e-6)

    def _reached(self, due: float) -> bool:
        if self._on_tick_clock():
            return self._control.feed.drawn >= self._tick_of(due)
        return self.clock() >= due

    def start(self, name: str, **overrides: Any) -> Context:
        """Start a scenario now (a running one of the same name is stopped first); steps at 0 fire at once.

        Args:
            name: Scenario name.
            **overrides: Parameter values (must be known parameters).

        Returns:
            Its context.

        Raises:
            KeyError: Unknown scenario.
            ValueError: Unknown parameter or a value of the wrong type.
        """
        spec = self._catalogue[name]
        params = merge_params(spec, overrides)
        self.stop(name)
        seed = self._control.config.seed
        rng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(name.encode())])
        context = Context(self._control, name, params, rng, self)
        self.active[name] = context
        started = self.now()
        for step in spec.steps(params):
            self.schedule(context, step, started + step.at)
        self._ensure_poller()
        self.poll()  # steps due at once fire now, at this exact position of the price path
        return context

    def stop(self, name: str) -> bool:
        """Stop a scenario: drop its pending steps and undo what it left in place.

        Args:
            name: Scenario name.

        Returns:
            Whether it was running.
        """
        context = self.active.pop(name, None)
        if context is None:
            return False
        context.stopped = True
        undo = self._catalogue[name].undo
        if undo is not None:
            undo(context)
        return True

    def stop_all(self) -> None:
        """Stop every scenario."""
        for name in list(self.active):
            self.stop(name)
        self._heap.clear()

    def schedule(self, context: Context, step: Step, due: float) -> None:
        """Queue a step of a running scenario.

        Args:
            context: The scenario.
            step: The step.
            due: Scenario clock when it fires.
        """
        self._seq += 1
        heapq.heappush(self._heap, _Pending(due, self._seq, context, step, 0))

    def poll(self) -> int:
        """Fire every step that is due, in order of due time, then of scheduling.

        Returns:
            How many steps fired.
        """
        fired = 0
        while self._heap and self._reached(self._heap[0].due):
            item = heapq.heappop(self._heap)
            if item.context.stopped:
                continue
            if item.step.every > 0:
                self._seq += 1
                later = _Pending(item.due + item.step.every, self._seq, item.context, item.step, item.count + 1)
                heapq.heappush(self._heap, later)
            self._fire(item)
            fired += 1
        return fired

    def _fire(self, item: _Pending) -> None:
        context = item.context
        context.notes = []
        try:
            item.step.action(context, item.count)
        except Exception:  # noqa: BLE001 - a failing step must not stop the feed
            _log.exception("scenario %s step %s failed", context.name, item.step.label)
            context.note(error="failed")
        detail = {k: v for note in context.notes for k, v in note.items()}
        event = ScenarioEvent(context.name, item.step.label, round(self.now(), 6), self._control.feed.drawn, detail)
        self.log.append(event)
        _log.info("scenario %s: %s %s", event.scenario, event.label, event.detail)

    def ticks_until_due(self) -> int | None:
        """Ticks the feed may draw before the next step is due (tick clock only).

        Returns:
            0 or more, or None when no step is pending or the clock is not the tick clock.
        """
        while self._heap and self._heap[0].context.stopped:
            heapq.heappop(self._heap)
        if not self._heap or not self._on_tick_clock():
            return None
        return max(0, self._tick_of(self._heap[0].due) - self._control.feed.drawn)

    def advance_ticks(self, count: int) -> None:
        """Generate ``count`` ticks, firing due steps exactly between the right ticks.

        Args:
            count: Ticks to draw.
        """
        while count > 0:
            room = self.ticks_until_due()
            chunk = count if room is None else min(count, room)
            if chunk > 0:
                self._control.advance(chunk)
                count -= chunk
            self.poll()

    def activate(self, texts: tuple[str, ...]) -> None:
        """Start scenarios given as ``NAME`` or ``NAME:key=value,…`` (server start).

        Args:
            texts: Scenario texts.
        """
        parsed = [parse_scenario(text) for text in texts]
        for name, overrides in parsed:
            merge_params(self._catalogue[name], overrides)
        for name, overrides in parsed:
            self.start(name, **overrides)

    def _ensure_poller(self) -> None:
        if self._poller is not None or self._tick_clock:
            return
        with contextlib.suppress(RuntimeError):
            self._poller = asyncio.get_running_loop().create_task(self._poll_loop(), name="scenario-clock")

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(_POLL_INTERVAL)
            self.poll()

    async def aclose(self) -> None:
        """Stop the wall-clock poller (scenarios stay as they are)."""
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None

    def describe(self) -> dict[str, Any]:
        """Summarise running scenarios and the recent log (for ``GET /_sim/status``)."""
        return {
            "clock": round(self.now(), 6),
            "running": {name: dict(ctx.params) for name, ctx in self.active.items()},
            "log": [vars(event) for event in list(self.log)[-50:]],
        }
