"""Account filters: MT4 group masks and figure ranges, against a reference and by example."""

from __future__ import annotations

import fnmatch
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.account_filter import build_filter, parse_bound, parse_group_mask
from desktop.domain.errors import InvalidInput
from desktop.domain.models import Account

GROUPS = ["real\\usd-std", "real\\usd-pro", "real\\eur-std", "demo\\usd-std", "demoforex", "Manager"]
pattern = st.text(alphabet="realdemo\\-*usd", min_size=1, max_size=8).filter(lambda p: "[" not in p)
mask_parts = st.lists(st.tuples(st.booleans(), pattern), min_size=1, max_size=4)


def reference(parts: list[tuple[bool, str]], group: str) -> bool:
    """Last matching pattern decides; no match: in only when there are no inclusions at all."""
    decision = not any(include for include, _ in parts)
    for include, body in parts:
        if fnmatch.fnmatchcase(group.casefold(), body.casefold()):
            decision = include
    return decision


@given(parts=mask_parts, group=st.sampled_from(GROUPS))
def test_a_mask_agrees_with_the_reference_reading(parts: list[tuple[bool, str]], group: str) -> None:
    text = ",".join(("" if include else "!") + body for include, body in parts)
    mask = parse_group_mask(text)
    assert mask is not None
    assert mask.matches(group) == reference(parts, group)


def test_masks_by_example() -> None:
    def shown(text: str) -> list[str]:
        mask = parse_group_mask(text)
        return [g for g in GROUPS if mask is None or mask.matches(g)]

    assert shown("") == GROUPS
    assert shown("real*") == ["real\\usd-std", "real\\usd-pro", "real\\eur-std"]
    assert shown("real*,!real\\usd-pro") == ["real\\usd-std", "real\\eur-std"]
    assert shown("!demo*") == ["real\\usd-std", "real\\usd-pro", "real\\eur-std", "Manager"]
    assert shown("*,!demo*,demoforex") == ["real\\usd-std", "real\\usd-pro", "real\\eur-std", "demoforex", "Manager"]
    assert shown("MANAGER") == ["Manager"]  # case does not matter
    with pytest.raises(InvalidInput, match="empty pattern"):
        parse_group_mask("real*,,demo*")
    with pytest.raises(InvalidInput, match="empty pattern"):
        parse_group_mask("real*, !")


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False))
def test_a_bound_reads_back_exactly_as_typed(value: Decimal) -> None:
    assert parse_bound(f"{value:,.2f}") == value.quantize(Decimal("0.01"))
    assert parse_bound(f"{value:.2f}") == value.quantize(Decimal("0.01"))


@pytest.mark.parametrize("text", ["1,50", "1e3", "--5", "12.345", "ten", "5 000", "+5"])
def test_a_bound_that_is_not_one_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_bound(text)


def account(group: str, balance: str, level: str | None) -> Account:
    b = Decimal(balance)
    margin = Decimal(0) if level is None else Decimal(100)
    return Account(1, "A", group, 100, b, Decimal(0), b, margin, b - margin, None if level is None else Decimal(level))


def test_ranges_combine_with_the_mask_and_an_absent_level_is_outside_any_level_range() -> None:
    f = build_filter("real*", {"balance": ("1,000", ""), "margin_level": ("", "150")})
    assert f.accepts(account("real\\usd-std", "5000.00", "120.00"))
    assert not f.accepts(account("demo\\usd-std", "5000.00", "120.00"))  # the mask
    assert not f.accepts(account("real\\usd-std", "999.99", "120.00"))  # the balance
    assert not f.accepts(account("real\\usd-std", "5000.00", "150.01"))  # the level
    assert not f.accepts(account("real\\usd-std", "5000.00", None))  # no positions: no level
    assert build_filter("", {"balance": ("", "")}).active is False
    with pytest.raises(InvalidInput, match="Balance: the lower bound is above the upper one"):
        build_filter("", {"balance": ("10", "5")})
    with pytest.raises(InvalidInput, match=r"^Equity: "):
        build_filter("", {"equity": ("1,50", "")})
