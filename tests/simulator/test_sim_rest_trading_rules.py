"""``TradeTransaction`` trading types and every MT4 check, on a private simulator with a fixed clock.

The handlers run in-process (see ``trading_helpers``) so that sessions (weekday vs weekend)
and prices (requotes) are exact; every answer is validated against the vendor spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop.simulator import SimControl
from desktop.simulator.world.events import SymbolChanged, TradeChanged, UserChanged
from desktop.simulator.world.mt4.trades import TradeRecord
from tests.simulator.trading_helpers import SATURDAY, WEDNESDAY, call, error, private_control, record_events

Validate = Callable[[str, str, Any], None]


def mt4(code: str) -> tuple[str, str]:
    return "MT4Error", code


@pytest.fixture
def control() -> SimControl:
    return private_control(WEDNESDAY)[0]


@pytest.fixture
def tx(control: SimControl, validate_v2: Validate) -> Callable[..., dict[str, Any]]:
    def send(**fields: Any) -> dict[str, Any]:
        return call(control, "POST", "TradeTransaction", body=fields, validate=validate_v2)

    return send


def rich_login(control: SimControl) -> int:
    """An enabled USD account without positions and with plenty of free margin."""
    book = control.book
    return next(
        login
        for login, a in sorted(book.accounts.items())
        if not a.positions and book.group_of(a).currency == "USD" and book.state(a).free > 3000 and a.enabled
    )


def quote(control: SimControl, symbol: str) -> tuple[float, float]:
    index = control.feed.resolve(symbol)
    assert index is not None
    bid, ask, _ = control.feed.quote(index)
    return bid, ask


def buy(control: SimControl, login: int, symbol: str = "EURUSD", volume: int = 10, **extra: Any) -> dict[str, Any]:
    _, ask = quote(control, symbol)
    return {
        "tradeTransactionType": "OpenMarket",
        "tradeCommand": "Buy",
        "orderBy": login,
        "symbol": symbol,
        "volume": volume,
        "price": ask,
        **extra,
    }


def test_open_market_buy_fills_at_ask_and_publishes_added(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    events = record_events(control)
    answer = tx(**buy(control, login, comment="desk #1", tradeRequestFlags="API"))
    assert answer["error"] is None
    data = answer["data"]
    bid, ask = quote(control, "EURUSD")
    assert (data["orderBy"], data["symbol"], data["price"], data["volume"]) == (login, "EURUSD", ask, 10)
    [position] = control.accounts[login].positions
    assert (position.ticket, position.cmd, position.open_price, position.reason) == (data["order"], 0, ask, "API")
    assert position.commission == -0.7
    [event] = events
    assert isinstance(event, TradeChanged)
    assert (event.kind, event.order) == ("Added", data["order"])
    assert isinstance(event.snapshot, TradeRecord)
    assert event.snapshot.close_price == bid
    record = control.trades.get(data["order"])
    assert record is not None
    assert record.is_open
    assert record.comment == "desk #1"
    assert [r.order for r in control.trades.of_login(login)] == [data["order"]]
    assert any(str(data["order"]) in entry.message for entry in control.book.journal.query(0, 2e9, "Trades"))


def test_open_market_requote_and_deviation(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    _, ask = quote(control, "EURUSD")
    off = round(ask + 0.00005, 5)
    assert error(tx(**buy(control, login, price=off, ieDeviation=2))) == mt4("TradeRequote")
    assert error(tx(**buy(control, login, price=0))) == mt4("TradeBadPrices")
    assert control.accounts[login].positions == []
    answer = tx(**buy(control, login, price=off, ieDeviation=5))
    assert answer["data"]["price"] == ask  # filled at the market, within the deviation


def test_market_execution_symbols_ignore_the_price(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    _, ask = quote(control, "BTCUSD")
    answer = tx(**buy(control, login, "BTCUSD", 1, price=1))
    assert answer["data"]["price"] == ask


def test_market_closed_on_weekends_except_crypto_and_dealers(control: SimControl, validate_v2: Validate) -> None:
    saturday, clock = private_control(SATURDAY)
    login = rich_login(saturday)

    def send(**fields: Any) -> dict[str, Any]:
        return call(saturday, "POST", "TradeTransaction", body=fields, validate=validate_v2)

    assert error(send(**buy(saturday, login))) == mt4("TradeMarketClosed")
    assert error(send(**buy(saturday, login, "BTCUSD", 1))) is None
    dealer = send(**{**buy(saturday, login), "tradeTransactionType": "BrOpen"})
    assert error(dealer) is None
    close = {
        "tradeTransactionType": "CloseMarket",
        "order": dealer["data"]["order"],
        "price": quote(saturday, "EURUSD")[0],
    }
    assert error(send(**close)) == mt4("TradeMarketClosed")
    clock.now = SATURDAY + 2 * 86_400  # Monday noon
    assert error(send(**close)) is None


@pytest.mark.parametrize(
    ("symbol", "volume"),
    [("EURUSD", 0), ("EURUSD", 10_001), ("US30", 15), ("US30", 5), ("BTCUSD", 1001), ("EURUSD", -10)],
)
def test_bad_volume(control: SimControl, tx: Callable[..., Any], symbol: str, volume: int) -> None:
    login = rich_login(control)
    assert error(tx(**buy(control, login, symbol, volume))) == mt4("TradeBadVolume")


def test_good_volumes(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    for symbol, volume in (("US30", 10), ("US30", 20), ("EURUSD", 1)):
        assert error(tx(**buy(control, login, symbol, volume))) is None


def test_bad_stops(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    bid, ask = quote(control, "EURUSD")
    level = 12 * 0.00001  # EURUSD stops level = its spread (12 points)
    for sl, tp in (
        (bid + 0.001, 0),
        (round(bid - level / 2, 5), 0),
        (0, bid - 0.001),
        (0, round(bid + level / 2, 5)),
        (-1, 0),
    ):
        assert error(tx(**buy(control, login, sl=sl, tp=tp))) == mt4("TradeBadStops"), (sl, tp)
    sell = {**buy(control, login), "tradeCommand": "Sell", "price": bid}
    assert error(tx(**sell, sl=ask - 0.001)) == mt4("TradeBadStops")
    assert error(tx(**sell, sl=round(ask + 0.002, 5), tp=round(ask - 0.002, 5))) is None
    ok = tx(**buy(control, login, sl=round(bid - 0.002, 5), tp=round(bid + 0.002, 5)))
    assert (ok["data"]["sl"], ok["data"]["tp"]) == (round(bid - 0.002, 5), round(bid + 0.002, 5))


def test_an_open_without_order_by_runs_on_the_managers_login(control: SimControl, tx: Callable[..., Any]) -> None:
    # The spec requires orderBy only for balance and credit; the vendor's JS trading example omits it.
    fields = {k: v for k, v in buy(control, 1000).items() if k != "orderBy"}
    answer = tx(**fields)
    assert answer["error"] is None
    assert answer["data"]["orderBy"] == 1000
    [position] = control.accounts[1000].positions
    assert position.ticket == answer["data"]["order"]
    assert error(tx(**{**fields, "orderBy": 0, "symbol": "NOPE"})) == ("NotFound", None)


def test_no_money(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    free = control.state_of(login).free
    lots_affordable = free / (100_000 / control.accounts[login].leverage * 1.09)
    too_many = min(10_000, int(lots_affordable * 100) + 100)
    if too_many <= int(lots_affordable * 100):
        pytest.skip("account too rich for the volume limit")
    assert error(tx(**buy(control, login, volume=too_many))) == mt4("TradeNoMoney")
    assert control.accounts[login].positions == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"symbol": "NOPE"}, ("NotFound", None)),
        ({"orderBy": 999}, ("NotFound", None)),
        ({"orderBy": -3}, ("Validation", None)),
        ({"symbol": ""}, ("Validation", None)),
        ({"symbol": "ABCDEFGHIJKLM"}, ("Validation", None)),
        ({"comment": "x" * 33}, ("Validation", None)),
        ({"tradeTransactionType": "Teleport"}, ("Validation", None)),
        ({"tradeCommand": "Hold"}, ("Validation", None)),
        ({"tradeCommand": "Balance"}, mt4("InvalidData")),
        ({"tradeCommand": "BuyLimit"}, mt4("InvalidData")),
        ({"tradeTransactionType": "CloseBy"}, mt4("TradeDisable")),
        ({"volume": "10"}, ("Validation", None)),
    ],
)
def test_request_errors(
    control: SimControl, tx: Callable[..., Any], fields: dict[str, Any], expected: tuple[str, Any]
) -> None:
    login = rich_login(control)
    assert error(tx(**{**buy(control, login), **fields})) == expected
    assert control.accounts[login].positions == []


def test_numeric_enums_and_aliases(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    for kind in (66, "OpenInstant", "openrequest"):
        answer = tx(**{**buy(control, login), "tradeTransactionType": kind, "tradeCommand": 0})
        assert error(answer) is None
    orders = [p.ticket for p in control.accounts[login].positions]
    for kind, order in zip(("CloseMarket", "CloseInstant", "CloseRequest"), orders, strict=True):
        answer = tx(tradeTransactionType=kind, order=order, price=quote(control, "EURUSD")[0])
        assert error(answer) is None
        assert answer["data"]["tradeCommand"] == "Buy"
    assert control.accounts[login].positions == []


def test_disabled_and_read_only_accounts(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    account = control.accounts[login]
    account.enable_flags = 0
    assert error(tx(**buy(control, login))) == mt4("AccountDisabled")
    assert error(tx(**{**buy(control, login), "tradeTransactionType": "BrOpen"})) is None
    account.enable_flags = 0x07
    assert error(tx(**buy(control, login))) == mt4("TradeDisable")


def test_trade_mode_close_only(control: SimControl, tx: Callable[..., Any], validate_v2: Validate) -> None:
    login = rich_login(control)
    opened = tx(**buy(control, login))["data"]["order"]
    events = record_events(control)
    control.book.modes.set("EURUSD", "Close")
    assert events == [SymbolChanged("Updated", "EURUSD")]
    config = call(control, "GET", "CfgRequestSymbol/{symbol}", {"symbol": "EURUSD"}, validate=validate_v2)
    assert config["data"]["tradeMode"] == "Close"
    assert error(tx(**buy(control, login))) == mt4("TradeDisable")
    assert error(tx(tradeTransactionType="CloseMarket", order=opened, price=quote(control, "EURUSD")[0])) is None
    control.book.modes.set("EURUSD", "No")
    assert error(tx(**{**buy(control, login), "tradeTransactionType": "BrOpen"})) == mt4("TradeDisable")


def test_close_market_realises_profit_and_publishes_deleted(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    account = control.accounts[login]
    opened = tx(**buy(control, login, volume=100))["data"]["order"]
    control.advance(400)
    before = account.balance_cents
    record = control.trades.get(opened)
    assert record is not None
    events = record_events(control)
    bid, _ = quote(control, "EURUSD")
    answer = tx(tradeTransactionType="CloseMarket", tradeCommand="Sell", order=opened, volume=100, price=bid)
    assert error(answer) is None
    assert (answer["data"]["order"], answer["data"]["price"], answer["data"]["orderBy"]) == (opened, bid, login)
    closed = control.trades.get(opened)
    assert closed is not None
    assert not closed.is_open
    assert (closed.state, closed.close_price, closed.close_time) == ("ClosedNormal", bid, int(WEDNESDAY))
    assert closed.profit == pytest.approx((bid - closed.open_price) * 100_000, abs=0.01)
    assert account.balance_cents == before + round((closed.profit + closed.commission + closed.storage) * 100)
    assert account.positions == []
    assert [type(e).__name__ for e in events] == ["TradeChanged", "UserChanged"]
    deleted = events[0]
    assert isinstance(deleted, TradeChanged)
    assert (deleted.kind, deleted.order, deleted.snapshot) == ("Deleted", opened, closed)
    assert events[1] == UserChanged("Updated", login)
    assert closed in control.trades.history(login)
    assert error(tx(tradeTransactionType="CloseMarket", order=opened, price=bid)) == ("NotFound", None)


def test_partial_close_reopens_the_rest(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    opened = tx(**buy(control, login, volume=100))["data"]["order"]
    events = record_events(control)
    bid, _ = quote(control, "EURUSD")
    answer = tx(tradeTransactionType="CloseMarket", order=opened, volume=30, price=bid)
    assert answer["data"]["volume"] == 30
    closed = control.trades.get(opened)
    [rest] = control.accounts[login].positions
    assert closed is not None
    assert (closed.state, closed.volume, closed.comment) == ("ClosedPart", 30, f"to #{rest.ticket}")
    assert (rest.volume, rest.state, rest.comment, rest.open_price) == (
        70,
        "OpenRemand",
        f"from #{opened}",
        closed.open_price,
    )
    assert [(e.kind, e.order) for e in events if isinstance(e, TradeChanged)] == [
        ("Deleted", opened),
        ("Added", rest.ticket),
    ]
    for volume in (71, -1):
        result = tx(tradeTransactionType="CloseMarket", order=rest.ticket, volume=volume, price=bid)
        assert error(result) == mt4("TradeBadVolume")
    assert error(tx(tradeTransactionType="CloseMarket", order=rest.ticket, volume=69, price=bid)) is None
    assert [p.volume for p in control.accounts[login].positions] == [1]


def test_close_checks(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    other = next(lg for lg in control.accounts if lg != login)
    opened = tx(**buy(control, login))["data"]["order"]
    bid, _ = quote(control, "EURUSD")
    assert error(tx(tradeTransactionType="CloseMarket", order=opened, price=bid + 0.001)) == mt4("TradeRequote")
    assert error(tx(tradeTransactionType="CloseMarket", order=opened, volume=11, price=bid)) == mt4("TradeBadVolume")
    assert error(tx(tradeTransactionType="CloseMarket", order=opened, orderBy=other, price=bid)) == mt4("InvalidData")
    assert error(tx(tradeTransactionType="CloseMarket", order=0, price=bid)) == ("Validation", None)
    assert error(tx(tradeTransactionType="CloseMarket", order=-5, price=bid)) == ("Validation", None)
    assert error(tx(tradeTransactionType="CloseMarket", order=99, price=bid)) == ("NotFound", None)
    dealer = tx(tradeTransactionType="BrClose", order=opened, price=1.5)
    assert (error(dealer), dealer["data"]["price"]) == (None, 1.5)


def test_pending_orders(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    bid, ask = quote(control, "EURUSD")
    base = {"tradeTransactionType": "PendingOpen", "orderBy": login, "symbol": "EURUSD", "volume": 10}
    assert error(tx(**base, tradeCommand="BuyLimit", price=ask)) == mt4("TradeBadPrices")
    assert error(tx(**base, tradeCommand="SellStop", price=round(bid + 0.001, 5))) == mt4("TradeBadPrices")
    assert error(tx(**base, tradeCommand="Buy", price=ask)) == mt4("InvalidData")
    limit = round(ask - 0.005, 5)
    assert error(tx(**base, tradeCommand="BuyLimit", price=limit, sl=round(limit + 0.001, 5))) == mt4("TradeBadStops")
    assert error(tx(**base, tradeCommand="BuyLimit", price=limit, expiration="2020-01-01T00:00:00Z")) == mt4(
        "TradeExpirationDenied"
    )
    events = record_events(control)
    placed = tx(
        **base, tradeCommand="BuyLimit", price=limit, sl=round(limit - 0.002, 5), expiration="2026-12-01T00:00:00Z"
    )
    assert error(placed) is None
    [order] = control.accounts[login].pending
    december = int(WEDNESDAY) + 13 * 86_400 - 12 * 3600
    assert (order.ticket, order.cmd, order.open_price, order.expiration) == (
        placed["data"]["order"],
        2,
        limit,
        december,
    )
    assert control.accounts[login].positions == []
    assert control.state_of(login).margin == 0
    assert [(e.kind, e.order) for e in events if isinstance(e, TradeChanged)] == [("Added", order.ticket)]
    stop = tx(**{**base, "tradeTransactionType": "BrOpen"}, tradeCommand="SellStop", price=round(bid - 0.003, 5))
    assert error(stop) is None
    assert len(control.accounts[login].pending) == 2


def test_modify_and_delete(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    bid, ask = quote(control, "EURUSD")
    position = tx(**buy(control, login))["data"]["order"]
    events = record_events(control)
    sl, tp = round(bid - 0.003, 5), round(bid + 0.003, 5)
    assert error(tx(tradeTransactionType="Modify", order=position, sl=sl, tp=tp)) is None
    [changed] = events
    assert isinstance(changed, TradeChanged)
    assert (changed.kind, changed.order) == ("Updated", position)
    record = control.trades.get(position)
    assert record is not None
    assert (record.sl, record.tp) == (sl, tp)
    assert error(tx(tradeTransactionType="BrModify", order=position, sl=round(bid + 0.001, 5))) == mt4("TradeBadStops")
    assert error(tx(tradeTransactionType="BrDelete", order=position)) == mt4("InvalidData")
    base = {"tradeTransactionType": "PendingOpen", "orderBy": login, "symbol": "EURUSD", "volume": 10}
    pending = tx(**base, tradeCommand="SellLimit", price=round(bid + 0.004, 5))["data"]["order"]
    moved = tx(tradeTransactionType="BrModify", order=pending, price=round(bid + 0.006, 5))
    assert (error(moved), moved["data"]["price"]) == (None, round(bid + 0.006, 5))
    assert error(tx(tradeTransactionType="Modify", order=pending, price=round(ask - 0.001, 5))) == mt4("TradeBadPrices")
    assert error(tx(tradeTransactionType="CloseMarket", order=pending, price=bid)) == mt4("InvalidData")
    events.clear()
    assert error(tx(tradeTransactionType="Delete", order=pending)) is None
    [deleted] = events
    assert isinstance(deleted, TradeChanged)
    assert deleted.kind == "Deleted"
    assert isinstance(deleted.snapshot, TradeRecord)
    assert deleted.snapshot.state == "Deleted"
    assert control.accounts[login].pending == []
    assert deleted.snapshot in control.trades.history(login)


def test_balance_operations_publish_user_changed(control: SimControl, tx: Callable[..., Any]) -> None:
    login = rich_login(control)
    events = record_events(control)
    answer = tx(tradeTransactionType="BrBalance", tradeCommand="Balance", orderBy=login, price=125.5, comment="dep")
    assert events == [UserChanged("Updated", login)]
    record = control.trades.get(answer["data"]["order"])
    assert record is not None
    assert (record.command, record.profit, record.comment, record.state) == ("Balance", 125.5, "dep", "ClosedNormal")
    assert record in control.trades.history(login)
    tx(tradeTransactionType="BrBalance", tradeCommand="Credit", orderBy=login, price=10)
    assert events[-1] == UserChanged("Updated", login)
