"""The simulated MT4 server's data and rules, without a network: determinism, feed, margin, books."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.simulator import SimConfig, SimControl
from desktop.simulator.http.routing import Auth, MethodNotAllowed, Router
from desktop.simulator.rest.pipeline.idempotency import IdempotencyStore, KeyReused, fingerprint
from desktop.simulator.wire import to_cents
from desktop.simulator.world.market.feed import PriceFeed
from desktop.simulator.world.market.symbols import SYMBOLS
from desktop.simulator.world.mt4.accounts import GROUPS, Account, Position, account_state, group_by_name, level_type
from desktop.simulator.world.mt4.book import Book, NotEnoughMoney, UnknownLogin
from desktop.simulator.world.mt4.generator import DOCUMENTATION_LOGIN


def _ticks(control: SimControl, count: int) -> list[tuple[int, float, float]]:
    batch = control.feed.next_batch(count, 0.0)
    return list(zip(batch.indices, batch.bids, batch.asks, strict=True))


def test_same_seed_same_accounts_and_ticks() -> None:
    one, two = SimControl(SimConfig(seed=7)), SimControl(SimConfig(seed=7))
    assert one.accounts == two.accounts
    assert _ticks(one, 5000) == _ticks(two, 5000)
    other = SimControl(SimConfig(seed=8))
    assert other.accounts != one.accounts
    assert _ticks(other, 100) != _ticks(SimControl(SimConfig(seed=7)), 100)


def test_tick_path_does_not_depend_on_batch_sizes() -> None:
    whole = PriceFeed(3, 500, 0.0).next_batch(3000, 0.0)
    pieces = PriceFeed(3, 500, 0.0)
    bids: list[float] = []
    for size in (1, 2, 997, 1, 999, 1000):
        bids += pieces.next_batch(size, 0.0).bids
    assert bids == whole.bids


def test_feed_quotes_are_realistic() -> None:
    feed = PriceFeed(1, 60, 0.0)
    batch = feed.next_batch(60_000, 0.0)
    counts = [batch.indices.count(i) for i in range(len(SYMBOLS))]
    eurusd, nzdjpy = feed.resolve("EURUSD"), feed.resolve("nzdjpy")
    assert eurusd is not None
    assert nzdjpy is not None
    assert counts[eurusd] > 5 * counts[nzdjpy] > 0
    for index, spec in enumerate(SYMBOLS):
        bid, ask, _ = feed.quote(index)
        assert round((ask - bid) / spec.point) == spec.spread
        assert abs(bid / spec.price - 1) < 0.2, spec.name
        assert round(bid, spec.digits) == bid


def test_catalogue_and_groups() -> None:
    names = {spec.name for spec in SYMBOLS}
    assert len(SYMBOLS) >= 30
    assert {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD", "XAGUSD", "US30", "NAS100", "GER40", "BTCUSD", "ETHUSD"} <= names
    assert all(len(name) <= 12 for name in names)
    assert all(len(group.name) <= 16 for group in GROUPS)
    assert len({group.name for group in GROUPS}) >= 4


def test_generated_accounts() -> None:
    control = SimControl(SimConfig(seed=1, tick_rate=0))
    everything = control.accounts
    assert len(everything) == 1001
    documentation = everything[DOCUMENTATION_LOGIN]
    assert (documentation.group, documentation.balance_cents, documentation.positions) == (
        "demo\\usd-std",
        1_000_000,
        [],
    )
    accounts = {login: a for login, a in everything.items() if login != DOCUMENTATION_LOGIN}
    assert len(accounts) == 1000
    assert min(accounts) == 100001
    assert max(accounts) == 101000
    assert {a.group for a in accounts.values()} == {g.name for g in GROUPS}
    with_positions = [a for a in accounts.values() if a.positions]
    assert 0.6 < len(with_positions) / len(accounts) < 0.8
    levels = [control.book.state(a).level for a in with_positions]
    assert sum(100 < level < 160 for level in levels) >= 20
    assert sum(0 < level <= 100 for level in levels) >= 5
    assert any(a.credit_cents > 0 for a in accounts.values())
    assert len({a.country for a in accounts.values()}) >= 5


def test_margin_arithmetic_for_a_known_position() -> None:
    feed = PriceFeed(1, 60, 0.0)
    eurusd = feed.resolve("EURUSD")
    assert eurusd is not None
    account = Account(
        login=1, group="real\\eur-std", name="T", email="", country="", city="", state="", zip_code="", address="",
        phone="", lead_source="", external_id="", status="", comment="", leverage=30, agent_account=0, last_ip=0,
        registered=0, last_date=0, balance_cents=500_000, credit_cents=5_000,
        positions=[Position(ticket=1, symbol=eurusd, cmd=0, volume=50, open_price=1.08000, open_time=0)],
    )  # fmt: skip
    group = group_by_name("real\\eur-std")
    state = account_state(feed, account, group)
    bid, ask, _ = feed.quote(eurusd)
    mid = (bid + ask) / 2
    profit_eur = (bid - 1.08) * 100_000 * 0.5 / mid
    assert state.profit == pytest.approx(profit_eur)
    assert state.margin == pytest.approx(0.5 * 100_000 / 30)
    assert state.equity == pytest.approx(5000 + 50 + profit_eur)
    assert state.free == pytest.approx(state.equity - state.margin)
    assert state.level == pytest.approx(state.equity / state.margin * 100)
    assert level_type(state, group) == "Ok"
    account.balance_cents = 50_000
    assert level_type(account_state(feed, account, group), group) == "StopOut"


def test_book_balance_operations_are_exact_and_guarded() -> None:
    feed = PriceFeed(1, 60, 0.0)
    book = Book(1, 50, 100001, feed)
    login = next(login for login, a in book.accounts.items() if not a.positions)
    start = book.accounts[login].balance_cents
    book.apply_balance(login, 10, False, "", 0.0)
    book.apply_balance(login, 20, False, "", 0.0)
    assert book.accounts[login].balance_cents == start + 30
    with pytest.raises(NotEnoughMoney):
        book.apply_balance(login, -(start + 31), False, "", 0.0)
    with pytest.raises(NotEnoughMoney):
        book.apply_balance(login, -(book.accounts[login].credit_cents + 1), True, "", 0.0)
    with pytest.raises(UnknownLogin):
        book.apply_balance(1, 100, False, "", 0.0)
    assert len(book.ledger) == 2
    assert book.ledger[1].ticket == book.ledger[0].ticket + 1
    book.reset()
    assert book.accounts[login].balance_cents == start
    assert book.ledger == []


def test_page_after() -> None:
    book = Book(1, 10, 100001, PriceFeed(1, 60, 0.0))
    page, more = book.page_after(0, 4)
    assert [a.login for a in page] == [DOCUMENTATION_LOGIN, 100001, 100002, 100003]
    assert more
    page, more = book.page_after(100008, 4)
    assert [a.login for a in page] == [100009, 100010]
    assert not more
    book.add(dataclasses.replace(book.accounts[100001], login=100020, positions=[]))
    assert book.page_after(100010, None)[0][0].login == 100020
    with pytest.raises(ValueError, match="exists"):
        book.add(book.accounts[100001])


def test_to_cents_rounds_half_up() -> None:
    assert [to_cents(v) for v in (0.005, 0.004, -0.005, "12.345", 1e-9, 100)] == [1, 0, -1, 1235, 0, 10000]


def test_idempotency_store_expires_after_ttl() -> None:
    now = [0.0]
    store = IdempotencyStore(60, clock=lambda: now[0])
    key_print = fingerprint("POST", "/A", [], b'{"a":1}')
    store.store("c", "k", key_print, b"body", {})
    assert store.lookup("c", "k", fingerprint("post", "/a/", [("requestTimeout", "5")], b'{ "a" : 1 }'))
    assert store.lookup("other-client", "k", key_print) is None
    with pytest.raises(KeyReused):
        store.lookup("c", "k", fingerprint("POST", "/A", [], b'{"a":2}'))
    now[0] = 59.0
    assert store.lookup("c", "k", key_print) is not None
    now[0] = 61.0
    assert store.lookup("c", "k", key_print) is None
    assert len(store) == 0


def test_router_is_case_insensitive() -> None:
    router: Router[str] = Router()
    router.add("GET", "/api/v2/MT4/{tp}/UserRecordGet/{login}", "h", Auth.BEARER)
    match = router.match("GET", "/API/v2/mt4/X/userrecordget/42/")
    assert match is not None
    assert match.params == {"tp": "X", "login": "42"}
    assert router.match("HEAD", "/api/v2/MT4/X/UserRecordGet/1") is not None
    assert router.match("GET", "/api/v2/MT4/X/UserRecordGet") is None
    with pytest.raises(MethodNotAllowed):
        router.match("POST", "/api/v2/MT4/X/UserRecordGet/1")


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="tick_rate"):
        SimConfig(tick_rate=-1)
    with pytest.raises(ValueError, match="idempotency_ttl"):
        SimConfig(idempotency_ttl=30)
    assert SimConfig().replace(seed=9).seed == 9


# -- trading model: rules, trades read API, history, sessions (desktop.simulator.world.mt4.rules/trades/history) -------


def test_trade_sessions_rule() -> None:
    from calendar import timegm

    from desktop.simulator.world.mt4.rules import market_open, sessions

    eurusd, btcusd = SYMBOLS[0], next(s for s in SYMBOLS if s.name == "BTCUSD")
    friday_late = timegm((2026, 11, 20, 23, 59, 59))
    saturday = timegm((2026, 11, 21, 0, 0, 0))
    monday = timegm((2026, 11, 23, 0, 0, 0))
    assert market_open(eurusd, friday_late)
    assert not market_open(eurusd, saturday)
    assert not market_open(eurusd, monday - 1)
    assert market_open(eurusd, monday)
    assert market_open(btcusd, saturday)
    assert [bool(day.trade) for day in sessions(eurusd)] == [False, True, True, True, True, True, False]


def test_volume_stop_and_price_rules() -> None:
    from desktop.simulator.world.mt4.rules import (
        TradeRefused,
        check_pending_price,
        check_stops,
        check_volume,
        volume_limits,
    )

    eurusd, us30 = SYMBOLS[0], next(s for s in SYMBOLS if s.name == "US30")
    assert (volume_limits(us30).minimum, volume_limits(us30).step) == (10, 10)
    check_volume(eurusd, 1)
    for spec, volume in ((eurusd, 0), (eurusd, 10_001), (us30, 25)):
        with pytest.raises(TradeRefused) as refused:
            check_volume(spec, volume)
        assert refused.value.code == "TradeBadVolume"
    check_stops(eurusd, True, 1.10000, 1.09988, 1.10012)  # exactly the stops level (12 points) away
    for sl, tp in ((1.09989, 0.0), (0.0, 1.10011), (1.1001, 0.0), (0.0, 1.09)):
        with pytest.raises(TradeRefused, match="Invalid stops"):
            check_stops(eurusd, True, 1.10000, sl, tp)
    check_stops(eurusd, False, 1.10000, 1.10012, 1.09988)
    check_pending_price(eurusd, 2, 1.09988, 1.09988, 1.10000)
    with pytest.raises(TradeRefused, match="Invalid order price"):
        check_pending_price(eurusd, 4, 1.10005, 1.09988, 1.10000)


def test_seeded_history_adds_up_to_the_balance() -> None:
    control = SimControl(SimConfig(seed=5, tick_rate=0, accounts=200))
    for login, account in control.accounts.items():
        records = control.trades.history(login)
        assert records[0].comment == "Initial deposit"
        assert [r.close_time for r in records] == sorted(r.close_time for r in records)
        money = sum(round(r.profit * 100) + round((r.commission + r.storage) * 100) for r in records if r.cmd != 7)
        assert money == account.balance_cents
        assert sum(round(r.profit * 100) for r in records if r.cmd == 7) == account.credit_cents
        for record in records:
            assert control.trades.get(record.order) == record
    tickets = [r.order for login in control.accounts for r in control.trades.history(login)]
    assert len(tickets) == len(set(tickets))
    seeded = [r.order for login in control.accounts for r in control.book.seeded.of(login)]
    assert max(seeded) < min(p.ticket for a in control.accounts.values() for p in a.positions)


def test_trades_read_api() -> None:
    control = SimControl(SimConfig(seed=1, tick_rate=0, accounts=30))
    trades = control.trades
    everything = trades.open_trades()
    assert [r.order for r in everything] == sorted(p.ticket for a in control.accounts.values() for p in a.positions)
    login = everything[0].login
    assert trades.owner(everything[0].order) == login
    assert trades.of_login(login) == [r for r in everything if r.login == login]
    assert trades.get(everything[0].order) == everything[0]
    assert trades.get(123) is None
    assert trades.owner(123) is None
    assert trades.of_login(999) == []
    record = everything[0]
    position = next(p for p in control.accounts[login].positions if p.ticket == record.order)
    index = control.feed.resolve(record.symbol)
    assert index is not None
    bid, ask, _ = control.feed.quote(index)
    assert record.close_price == (bid if position.cmd == 0 else ask)
    assert (record.is_open, record.close_time, record.state) == (True, 0, "OpenNormal")


def test_users_and_sessions_are_seeded() -> None:
    one = SimControl(SimConfig(seed=2, tick_rate=0, accounts=300), clock=lambda: 1_800_000_000.0)
    two = SimControl(SimConfig(seed=2, tick_rate=0, accounts=300), clock=lambda: 1_800_000_000.0)
    assert one.book.online == two.book.online
    assert one.trades.open_trades() == two.trades.open_trades()
    assert one.trades.history(100007) == two.trades.history(100007)
    assert one.mt5 == two.mt5
    assert 15 <= len(one.book.online) <= 60
    assert all(one.accounts[login].enabled for login in one.book.online)
    assert [e.message for e in one.book.journal.query(0, 2e9)] == [e.message for e in two.book.journal.query(0, 2e9)]
    assert one.book.check_password(100001, "Pw100001")
    assert not one.book.check_password(100001, "Inv100001")
    assert one.book.next_login() == 100301
    one.book.remove(100300)
    assert one.book.next_login() == 100301  # a deleted login is not handed out again
    assert one.book.last_known(100300) is not None


def test_book_publishes_user_events() -> None:
    from desktop.simulator.world.events import Event, UserChanged

    control = SimControl(SimConfig(seed=1, tick_rate=0, accounts=10))
    seen: list[Event] = []
    control.events.subscribe(seen.append)
    control.add_account(200_001, "real\\usd-std", "Added")
    control.set_balance(200_001, "10.50")
    control.book.apply_balance(200_001, 100, False, "", 0.0)
    control.book.set_password(200_001, "secret", investor=False)
    control.book.remove(200_001)
    assert seen == [
        UserChanged("Added", 200_001),
        UserChanged("Updated", 200_001),
        UserChanged("Updated", 200_001),
        UserChanged("Deleted", 200_001),
    ]
