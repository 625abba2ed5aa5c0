"""Scenarios in-process: catalogue, parameters, exact timing, determinism under the seed, market effects."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from desktop.simulator import SimConfig, SimControl
from desktop.simulator.__main__ import main
from desktop.simulator.faults.scenarios.catalogue import CATALOGUE, DEFAULT, listing
from desktop.simulator.faults.scenarios.types import merge_params, parse_scenario
from desktop.simulator.world.events import Event, MarginCallChanged, SymbolChanged, TradeChanged
from desktop.simulator.world.market.feed import TickBatch

RATE = 100


class Recorder:
    """A simulator without a server whose published ticks and events are kept."""

    def __init__(self, seed: int = 1, accounts: int = 300) -> None:
        self.control = SimControl(SimConfig(seed=seed, tick_rate=RATE, accounts=accounts))
        self.ticks: list[tuple[int, float, float]] = []
        self.events: list[Event] = []
        self.control.hub.publish = self._publish  # type: ignore[method-assign]
        self.control.events.subscribe(self.events.append)

    def _publish(self, batch: TickBatch) -> None:
        self.ticks += list(zip(batch.indices, batch.bids, batch.asks, strict=True))

    def play(self, seconds: float, chunk: int = 37) -> None:
        ticks = round(seconds * RATE)
        while ticks > 0:
            self.control.scenarios.advance_ticks(min(chunk, ticks))
            ticks -= chunk

    def log(self) -> list[tuple[str, str, int, dict[str, Any]]]:
        return [(e.scenario, e.label, e.drawn, e.detail) for e in self.control.scenarios.log]

    def index(self, symbol: str) -> int:
        found = self.control.feed.resolve(symbol)
        assert found is not None
        return found


def test_catalogue_names_and_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert DEFAULT == "calm"
    expected = {"calm", "stalled-symbol", "spread-widening", "price-gap", "margin-call-wave", "flaky-writes", "busy",
                "slow-reads", "proxy-errors", "corrupt-rows", "short-tokens", "hub-drops",
                "server-restart"}  # fmt: skip
    assert set(CATALOGUE) == expected
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in CATALOGUE)
    with pytest.raises(SystemExit) as done:
        main(["--list-scenarios"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.strip() == listing()
    assert all(name in out for name in expected)


def test_parameters_are_parsed_and_checked() -> None:
    assert parse_scenario("price-gap:points=20, at=1.5") == ("price-gap", {"points": "20", "at": "1.5"})
    params = merge_params(CATALOGUE["price-gap"], {"points": "20", "at": "1.5"})
    assert (params["points"], params["at"], params["symbol"]) == (20, 1.5, "EURUSD")
    with pytest.raises(ValueError, match="no parameter 'size'"):
        merge_params(CATALOGUE["price-gap"], {"size": "1"})
    with pytest.raises(ValueError, match="points must be int"):
        merge_params(CATALOGUE["price-gap"], {"points": "many"})
    with pytest.raises(ValueError, match="key=value"):
        parse_scenario("price-gap:points")
    with pytest.raises(SystemExit):
        main(["--scenario", "no-such-scenario"])


def test_steps_land_on_exact_ticks_whatever_the_chunks() -> None:
    coarse, fine = Recorder(), Recorder()
    for rec in (coarse, fine):
        rec.control.scenarios.start("price-gap", at=1.23, every=0.5, points=300)
    coarse.play(3.0, chunk=1000)
    fine.play(3.0, chunk=7)
    assert [e[2] for e in coarse.log()] == [123, 173, 223, 273]
    assert coarse.log() == fine.log()
    assert coarse.ticks == fine.ticks


MARKET = ("stalled-symbol:at=0.5,duration=1,every=2", "spread-widening:symbol=GBPUSD,at=0.2,duration=0.5,every=1",
          "price-gap:symbol=USDJPY,at=1,every=1", "margin-call-wave:at=0.3,steps=4,interval=0.2",
          "flaky-writes", "busy:at=0.1,duration=0.2,every=0.5", "hub-drops:at=0.4,every=0.4")  # fmt: skip


def _replay(seed: int) -> Recorder:
    async def body() -> Recorder:
        rec = Recorder(seed)
        rec.control.scenarios.activate(MARKET)
        rec.play(4.0)
        await rec.control.faults.aclose()
        return rec

    return asyncio.run(body())


def _effects(events: list[Event]) -> list[object]:
    """Events without wall-clock times (a stop out's closed record carries its close time)."""
    return [(e.kind, e.order, getattr(e.snapshot, "close_price", None), getattr(e.snapshot, "profit", None))
            if isinstance(e, TradeChanged) else e for e in events]  # fmt: skip


def test_same_seed_same_scenarios_replay_identically() -> None:
    first, second, other = _replay(5), _replay(5), _replay(6)
    assert first.ticks == second.ticks
    assert first.log() == second.log()
    assert _effects(first.events) == _effects(second.events)
    labels = {label for _, label, _, _ in first.log()}
    assert {"stall", "resume", "widen-spread", "restore-spread", "gap", "plan-wave", "wave-step"} <= labels
    assert {"busy-on", "busy-off", "arm-flaky-writes", "hub-drop"} <= labels
    assert first.ticks != other.ticks
    assert first.log() != other.log()


def test_calm_changes_nothing() -> None:
    calm, plain = Recorder(), Recorder()
    calm.control.scenarios.start("calm")
    calm.play(2.0)
    plain.play(2.0)
    assert calm.ticks == plain.ticks
    assert calm.log() == []


def test_stalled_symbol_gets_no_ticks_while_the_rest_continue() -> None:
    rec = Recorder()
    eurusd = rec.index("EURUSD")
    rec.control.scenarios.start("stalled-symbol", at=0.0, duration=2.0, every=0.0)
    rec.play(2.0)
    during = rec.ticks
    assert during
    assert all(index != eurusd for index, _, _ in during)
    rec.ticks = []
    rec.play(1.0)
    assert any(index == eurusd for index, _, _ in rec.ticks)


def test_spread_widening_publishes_symbol_changed_and_restores() -> None:
    rec = Recorder()
    gbpusd = rec.index("GBPUSD")
    base = rec.control.feed.symbols[gbpusd].spread
    rec.control.scenarios.start("spread-widening", symbol="GBPUSD", factor=5.0, at=0.0, duration=1.0, every=0.0)
    assert rec.control.feed.symbols[gbpusd].spread == base * 5
    index, bid, ask = rec.ticks[-1]
    assert index == gbpusd
    assert round((ask - bid) * 10**5) == base * 5
    rec.play(1.5)
    assert rec.control.feed.symbols[gbpusd].spread == base
    assert rec.events == [SymbolChanged("Updated", "GBPUSD"), SymbolChanged("Updated", "GBPUSD")]


def test_price_gap_jumps_by_the_points() -> None:
    rec = Recorder()
    usdjpy = rec.index("USDJPY")
    before = rec.control.feed.quote(usdjpy)[0]
    rec.control.scenarios.start("price-gap", symbol="USDJPY", points=2000, at=0.0, every=0.0)
    after = rec.control.feed.quote(usdjpy)[0]
    (event,) = rec.control.scenarios.log
    assert round((after - before) * 1000) == event.detail["points"]
    assert abs(event.detail["points"]) == 2000


def test_margin_call_wave_reaches_stop_out_and_the_server_liquidates() -> None:
    rec = Recorder(accounts=1000)
    monitor = rec.control.hub.monitor
    monitor.scan()  # the baseline: what is in call before the wave
    rec.control.scenarios.start("margin-call-wave", at=0.0, steps=5, interval=0.1)
    plan = rec.log()[0][3]
    logins = plan["logins"]
    assert len(logins) == 5
    levels = [rec.control.state_of(login).level for login in logins]
    assert all(level > 100 for level in levels), "the chosen accounts start above margin call"
    for _ in range(15):
        rec.play(0.1)
        monitor.scan()  # as the hub does every 0.5 s
    steps = [detail for _, label, _, detail in rec.log() if label == "wave-step"]
    assert len(steps) >= 5
    assert steps[-1]["atStopOut"] == logins
    book = rec.control.book
    for login in logins:
        account = rec.control.accounts[login]
        group = book.group_of(account)
        state = rec.control.state_of(login)
        assert state.margin == 0 or state.level > group.stop_out, "stop out closed positions until above the level"
        closed = [r for r in book.trades.history(login) if r.comment.startswith("so: ")]
        assert closed, f"{login}: no position closed by stop out"
        assert all(r.profit < 0 for r in closed)
    holding = [login for login in logins if rec.control.accounts[login].positions]
    assert holding, "smaller losers stay open in margin call"
    assert {MarginCallChanged(login) for login in holding} <= set(rec.events)
    equities = {login: rec.control.state_of(login).equity for login in logins}
    rec.play(1.0)
    liquidated = [login for login in logins if not rec.control.accounts[login].positions]
    assert liquidated, "five big steps leave some accounts without positions"
    assert all(rec.control.state_of(login).equity == equities[login] for login in liquidated), "no further loss"
    deleted = {e.order for e in rec.events if isinstance(e, TradeChanged) and e.kind == "Deleted"}
    assert {r.order for login in logins for r in book.trades.history(login) if r.comment.startswith("so: ")} <= deleted


def test_margin_call_wave_at_given_logins() -> None:
    rec = Recorder(accounts=1000)
    chosen = [login for login, acc in sorted(rec.control.accounts.items()) if acc.positions][:2]
    rec.control.scenarios.start("margin-call-wave", logins="+".join(map(str, chosen)), at=0.0, steps=3, interval=0.1)
    rec.play(1.0)
    log = rec.log()
    assert log[0][1:2] == ("plan-wave",)
    assert log[0][3]["logins"] == chosen
    assert log[-1][3]["atStopOut"], "the price moved against the given accounts until one was stopped out"


def test_stopping_undoes_what_a_scenario_left_in_place() -> None:
    rec = Recorder()
    faults = rec.control.faults
    rec.control.scenarios.activate(("busy:at=0,duration=100", "slow-reads", "proxy-errors", "short-tokens"))
    rec.control.scenarios.start("stalled-symbol", at=0.0)
    assert faults.busy
    assert faults.latency_for("/api/v2/x/UsersRequest", False) is not None
    assert rec.control.issuer.short_lifetime == 20
    rec.control.scenarios.stop_all()
    assert not faults.busy
    assert faults.latency_for("/api/v2/x/UsersRequest", False) is None
    assert faults.take_proxy_error("/api/x") is None
    assert rec.control.issuer.short_lifetime is None
    assert not rec.control.feed.is_stalled(rec.index("EURUSD"))
