import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.amounts import LOGIN_MAX, parse_amount, parse_login
from desktop.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", "100.00"),
        ("100.5", "100.50"),
        ("1,234.56", "1234.56"),
        ("1,234,567", "1234567.00"),
        (" 2500 ", "2500.00"),
        ("0.01", "0.01"),
        ("007.10", "7.10"),
    ],
)
def test_parse_amount_accepts_plain_and_grouped_numbers(text: str, expected: str) -> None:
    assert parse_amount(text, maximum=Decimal("10000000")) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Enter an amount"),
        ("   ", "Enter an amount"),
        ("0", "greater than zero"),
        ("0.00", "greater than zero"),
        ("-5", "without a sign"),
        ("+5", "without a sign"),
        ("abc", "not an amount"),
        ("NaN", "not an amount"),
        ("inf", "not an amount"),
        ("1,50", r"use \. for decimals \(1\.50\)"),
        ("1,5", r"use \. for decimals \(1\.50\)"),
        ("12,34", "use . for decimals"),
        ("1,2345", "groups of three"),
        ("12,34,567", "groups of three"),
        ("1,234,56", "groups of three"),
        (",123", "groups of three"),
        ("1.234,50", "groups of three"),
        ("1_000", "underscores"),
        ("2 500", "spaces"),
        ("1e2", "exponent"),
        ("1E-2", "exponent"),
        ("1e3.5", "exponent"),
        ("\u0661\u0660\u0660", "digits 0-9"),  # Arabic-Indic 100
        ("\uff11\uff10\uff10", "digits 0-9"),  # full-width 100
        ("1.001", "two decimals"),
        ("1,234.567", "two decimals"),
        ("1.", "not an amount"),
        (".5", "not an amount"),
        ("1.2.3", "not an amount"),
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


_GRAMMAR = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?")


def _refused_or_exact(text: str) -> None:
    """Only InvalidInput may escape, and an accepted text means the very number its digits say."""
    try:
        value = parse_amount(text, maximum=Decimal("1e30"))
    except InvalidInput as exc:
        refusal = str(exc)
        value = None
    if value is None:
        assert refusal.strip()
        return
    typed = text.strip()
    assert _GRAMMAR.fullmatch(typed), typed
    assert value == Decimal(typed.replace(",", ""))
    assert value > 0
    assert value.as_tuple().exponent == -2


@given(st.text(max_size=24))
def test_any_text_is_refused_or_read_as_exactly_the_number_written(text: str) -> None:
    _refused_or_exact(text)


@given(st.text(alphabet="0123456789,.-+e_ ", max_size=16))
def test_number_like_text_is_refused_or_read_exactly(text: str) -> None:
    _refused_or_exact(text)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2))
def test_every_amount_written_plain_or_grouped_reads_back_the_same(amount: Decimal) -> None:
    assert parse_amount(f"{amount:.2f}") == amount
    assert parse_amount(f"{amount:,.2f}") == amount


@pytest.mark.parametrize(("text", "login"), [("1", 1), (" 1001 ", 1001), (str(LOGIN_MAX), LOGIN_MAX)])
def test_parse_login_accepts_mt4_logins(text: str, login: int) -> None:
    assert parse_login(text) == login


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Enter the account login"),
        ("0", "1 or more"),
        ("-1", "digits 0-9 only"),
        ("12345678901", "above the largest MT4 login"),
        (str(LOGIN_MAX + 1), "above the largest MT4 login"),
        ("1e3", "digits 0-9 only"),
        ("\u0661\u0662", "digits 0-9 only"),
        ("1 001", "digits 0-9 only"),
    ],
)
def test_parse_login_refuses_without_truncating(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_login(text)


@given(st.text(max_size=14))
def test_parse_login_never_changes_the_number(text: str) -> None:
    try:
        login = parse_login(text)
    except InvalidInput:
        return
    assert str(login) == text.strip().lstrip("0")
    assert 1 <= login <= LOGIN_MAX
