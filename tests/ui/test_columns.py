from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.ui.models.columns import (
    NO_VALUE,
    format_money,
    format_percent,
    format_price,
    format_signed_money,
    format_tick_time,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0"), "0.00"),
        (Decimal("1234567.5"), "1,234,567.50"),
        (Decimal("-12"), "-12.00"),
        (Decimal("999.995"), "1,000.00"),
        (Decimal("0.01"), "0.01"),
    ],
)
def test_format_money_thousands_and_two_decimals(value: Decimal, text: str) -> None:
    assert format_money(value) == text


def test_format_signed_money_always_has_a_sign() -> None:
    assert format_signed_money(Decimal("1000")) == "+1,000.00"
    assert format_signed_money(Decimal("-0.5")) == "-0.50"


def test_format_percent_and_missing_level() -> None:
    assert format_percent(Decimal("1234.567")) == "1,234.57 %"
    assert format_percent(None) == NO_VALUE


def test_format_price_uses_symbol_digits() -> None:
    assert format_price(1.085, 5) == "1.08500"
    assert format_price(151.2, 3) == "151.200"
    assert format_price(2381.456, 2) == "2381.46"


def test_format_tick_time_is_utc_with_milliseconds() -> None:
    assert format_tick_time(1_790_000_000.25) == "14:13:20.250"
    assert format_tick_time(0.999) == "00:00:00.999"


@given(st.integers(min_value=0, max_value=4_102_444_800 * 1_000_000))
def test_format_tick_time_agrees_with_datetime_to_the_millisecond(micros: int) -> None:
    epoch_s = micros / 1_000_000
    stamp = datetime.fromtimestamp(epoch_s, tz=UTC)
    assert format_tick_time(epoch_s) == f"{stamp:%H:%M:%S}.{stamp.microsecond // 1000:03d}"
