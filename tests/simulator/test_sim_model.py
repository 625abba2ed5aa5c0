"""The simulated MT4 server's data and rules, without a network: determinism, feed, margin, books."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.simulator import SimConfig, SimControl
from desktop.simulator.accounts import GROUPS, Account, Position, account_state, group_by_name, level_type
from desktop.simulator.book import Book, NotEnoughMoney, UnknownLogin
from desktop.simulator.feed import PriceFeed
from desktop.simulator.idempotency import IdempotencyStore, KeyReused, fingerprint
from desktop.simulator.routing import Auth, MethodNotAllowed, Router
from desktop.simulator.symbols import SYMBOLS
from desktop.simulator.wire import to_cents


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
    accounts = control.accounts
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
    assert [a.login for a in page] == [100001, 100002, 100003, 100004]
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
