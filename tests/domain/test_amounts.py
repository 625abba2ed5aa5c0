from decimal import Decimal

import pytest

from desktop.domain.amounts import check_comment, parse_amount
from desktop.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", "100.00"),
        ("100.5", "100.50"),
        ("1,234.56", "1234.56"),
        (" 2 500 ", "2500.00"),
        ("0.01", "0.01"),
    ],
)
def test_parse_amount_accepts_plain_and_grouped_numbers(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Enter an amount"),
        ("   ", "Enter an amount"),
        ("0", "greater than zero"),
        ("-5", "greater than zero"),
        ("abc", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        ("1.001", "two decimals"),
        ("1e3.5", "not a number"),
        ("1000000.01", "above the limit"),
    ],
)
def test_parse_amount_rejects_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_amount(text)


def test_parse_amount_honours_a_configured_maximum() -> None:
    assert parse_amount("500", maximum=Decimal(500)) == Decimal("500.00")
    with pytest.raises(InvalidInput, match=r"500\.00"):
        parse_amount("500.01", maximum=Decimal(500))


def test_comment_of_32_characters_is_kept_and_33_refused() -> None:
    assert check_comment(" " + "x" * 32 + " ") == "x" * 32
    with pytest.raises(InvalidInput, match="33 characters"):
        check_comment("x" * 33)


def test_comment_with_control_characters_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_comment("bad\x00comment")
