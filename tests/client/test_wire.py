import json
from decimal import Decimal
from pathlib import Path

from desktop.client import wire

FIXTURES = Path(__file__).parents[1] / "fixtures" / "wire"


def load(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((FIXTURES / name).read_text())
    return data


def test_money_is_rounded_to_the_cent_without_float_noise() -> None:
    assert wire.money(0.1 + 0.2) == Decimal("0.30")
    assert wire.money(1234.565) == Decimal("1234.57")
    assert wire.money(-0.005) == Decimal("-0.01")
    assert wire.money(None) == Decimal("0.00")


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
