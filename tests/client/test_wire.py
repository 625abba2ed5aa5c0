import contextlib
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.client import wire
from desktop.client.set_aside import SetAside
from desktop.domain.errors import DecodeError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "wire"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def test_money_is_rounded_to_the_cent_without_float_noise() -> None:
    assert wire.to_cents(0.1 + 0.2) == Decimal("0.30")
    assert wire.to_cents(1234.565) == Decimal("1234.57")
    assert wire.to_cents(-0.005) == Decimal("-0.01")


def test_account_joins_user_and_margin() -> None:
    user = load("mt4_user.json")
    level = wire.margin_snapshot(load("mt4_margin_level.json"))
    account = wire.account(user, level)
    assert account.login == 100001
    assert account.balance == Decimal("10000.00")
    assert account.credit == Decimal("500.00")
    assert account.equity == Decimal("10234.50")
    assert account.free_margin == Decimal("9234.50")
    assert account.margin_level == Decimal("1023.45")


def test_account_without_margin_is_idle() -> None:
    account = wire.account(load("mt4_user.json"), None)
    assert account.equity == Decimal("10500.00")
    assert account.margin == Decimal("0.00")
    assert account.margin_level is None


def test_tick_info_and_time() -> None:
    quote = wire.tick_info({"symbol": "EURUSD", "time": "2026-07-02T10:00:00Z", "bid": 1.1, "ask": 1.2})
    assert quote.time == 1782986400.0
    assert wire.parse_time("garbage") == 0.0
    assert wire.parse_time(None) == 0.0


def test_golden_fixtures_match_the_vendor_schema() -> None:
    from tests.contract import validator_for

    validator_for("MT4User").validate(load("mt4_user.json"))
    validator_for("MT4MarginLevel").validate(load("mt4_margin_level.json"))


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("login", None, "MT4User.login is missing"),
        ("login", "100001", "MT4User.login is str"),
        ("login", True, "MT4User.login is bool"),
        ("login", 0, "MT4User.login is 0, below 1"),
        ("balance", None, "MT4User.balance is missing"),
        ("balance", "10000", "MT4User.balance is str"),
        ("balance", math.nan, "MT4User.balance is nan, not a finite number"),
        ("credit", math.inf, "MT4User.credit is inf, not a finite number"),
        ("credit", 1e26, "MT4User.credit is 1e.26, beyond any amount"),
        ("leverage", 1.5, "MT4User.leverage is float"),
        ("name", 7, "MT4User.name is int, not text"),
    ],
)
def test_a_bad_user_field_is_named_and_never_guessed(field: str, value: object, problem: str) -> None:
    user = load("mt4_user.json") | {field: value}
    with pytest.raises(DecodeError, match=problem) as caught:
        wire.account(user, None)
    assert caught.value.field == field


def test_a_missing_money_field_is_an_error_not_zero() -> None:
    user = load("mt4_user.json")
    del user["balance"]
    with pytest.raises(DecodeError, match="balance is missing"):
        wire.account(user, None)
    with pytest.raises(DecodeError, match=r"UserUpdatePayload\.balance is missing"):
        wire.account_change({"kind": "Updated", "login": 1, "leverage": 100, "credit": 0.0})


def test_margin_level_may_be_absent_only_without_margin() -> None:
    level = load("mt4_margin_level.json")
    assert wire.margin_snapshot(level | {"margin": 0.0, "level": None}).margin_level is None
    with pytest.raises(DecodeError, match=r"MT4MarginLevel\.level is missing"):
        wire.margin_snapshot(level | {"level": None})
    with pytest.raises(DecodeError, match=r"MarginCallPayload\.equity"):
        wire.margin_call(level | {"equity": "lots"})


def test_a_record_that_is_not_an_object_is_named() -> None:
    with pytest.raises(DecodeError, match=r"MT4TickInfo.\(record\) is list"):
        wire.tick_info([1, 2])


def test_set_aside_keeps_the_good_rows_and_counts_the_bad() -> None:
    tally = SetAside()
    good = load("mt4_margin_level.json")
    rows = [good, good | {"login": None}, "junk", good | {"balance": math.nan}, good]
    assert [s.login for s in tally.decode_rows("MarginsGet", rows, wire.margin_snapshot)] == [100001, 100001]
    assert tally.total == 3
    assert tally.summary() == "3 records could not be read (MarginsGet 3)"
    with pytest.raises(DecodeError, match="not a list"):
        tally.decode_rows("MarginsGet", {"rows": rows}, wire.margin_snapshot)


def test_set_aside_logs_once_per_field_with_a_truncated_payload(caplog: pytest.LogCaptureFixture) -> None:
    tally = SetAside()
    bad = {"login": None, "comment": "x" * 5000}
    for _ in range(50):
        tally.decode_rows("UsersRequest", [bad], lambda row: wire.account(row, None))
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1
    assert "MT4User.login is missing" in lines[0]
    assert len(lines[0]) < 400
    assert tally.counts() == {"UsersRequest": 50}


# -- fuzzing: only DecodeError may escape, and an accepted record carries exactly what was sent ---

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
    max_leaves=8,
)

DECODERS = [
    ("mt4_user.json", lambda row: wire.account(row, None), ("balance", "credit")),
    ("mt4_margin_level.json", wire.margin_snapshot, ("balance", "equity", "margin", "free")),
    ("mt4_margin_level.json", wire.margin_call, ("balance", "equity", "margin", "free")),
]
ACCOUNT_FIELDS = {
    "balance": "balance",
    "credit": "credit",
    "equity": "equity",
    "margin": "margin",
    "free": "free_margin",
}


@given(json_values)
def test_any_json_is_decoded_or_refused(value: object) -> None:
    for decode in (wire.tick_info, wire.symbol_spec, wire.trade_platform, wire.account_change, wire.margin_snapshot):
        with contextlib.suppress(DecodeError):
            decode(value)


@given(st.sampled_from(DECODERS), st.data())
def test_a_mutated_record_is_refused_or_carries_exactly_its_money(case: Any, data: st.DataObject) -> None:
    name, decode, money_fields = case
    row = load(name)
    for field in data.draw(st.lists(st.sampled_from(sorted(row)), max_size=3, unique=True)):
        row[field] = data.draw(json_values)
    try:
        decoded = decode(row)
    except DecodeError:
        return
    for field in money_fields:
        sent = row[field]
        assert isinstance(sent, int | float)
        assert not isinstance(sent, bool)
        assert math.isfinite(sent)
        assert getattr(decoded, ACCOUNT_FIELDS[field]) == wire.to_cents(float(sent))
    assert isinstance(row["login"], int)
    assert row["login"] >= 1


@given(st.dictionaries(st.sampled_from(["symbol", "bid", "ask", "time"]), json_values))
def test_a_tick_is_refused_or_its_prices_are_finite_and_exact(obj: dict[str, Any]) -> None:
    try:
        quote = wire.tick_info(obj)
    except DecodeError:
        return
    assert quote.bid == obj["bid"]
    assert quote.ask == obj["ask"]
    assert math.isfinite(quote.bid)
    assert math.isfinite(quote.ask)
