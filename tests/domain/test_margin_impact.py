"""Margin impact of a balance operation: free margin and level after it, and the level warnings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.margin_impact import margin_impact
from desktop.domain.models import Account, BalanceKind, GroupLevels

PERCENT = GroupLevels("real\\usd-std", margin_call=Decimal(100), stop_out=Decimal(50))
MONEY = GroupLevels("real\\usd-pro", margin_call=Decimal(2000), stop_out=Decimal(1000), in_money=True, currency="USD")


def account(equity: str, margin: str, balance: str = "10000.00") -> Account:
    e, m = Decimal(equity), Decimal(margin)
    level = (e / m * 100).quantize(Decimal("0.01")) if m else None
    return Account(1, "A", "real\\usd-std", 100, Decimal(balance), Decimal(0), e, m, e - m, level)


cents = st.decimals(min_value=Decimal("-100000"), max_value=Decimal("100000"), places=2, allow_nan=False)


@given(equity=st.decimals(min_value=0, max_value=Decimal(10**6), places=2), margin=cents, signed=cents)
def test_free_margin_and_level_move_with_equity(equity: Decimal, margin: Decimal, signed: Decimal) -> None:
    held = abs(margin)
    before = account(f"{equity}", f"{held}")
    impact = margin_impact(BalanceKind.DEPOSIT, signed, before, PERCENT)
    assert impact.free_after == before.free_margin + signed
    if held:
        assert impact.level_after == ((equity + signed) / held * 100).quantize(Decimal("0.01"))
    else:
        assert impact.level_after is None  # no positions, no level


def test_a_withdrawal_into_margin_call_is_warned_about() -> None:
    impact = margin_impact(BalanceKind.WITHDRAWAL, Decimal("-1500.00"), account("2400.00", "1000.00"), PERCENT)
    assert impact.level_after == Decimal("90.00")
    assert impact.warnings == (
        "After this withdrawal the margin level would be 90.00 %, at or under the margin-call level of "
        "100.00 % of group real\\usd-std.",
    )


def test_a_credit_out_into_stop_out_says_positions_would_be_closed() -> None:
    impact = margin_impact(BalanceKind.CREDIT_OUT, Decimal("-2000.00"), account("2400.00", "1000.00"), PERCENT)
    assert impact.level_after == Decimal("40.00")
    assert "stop-out level of 50.00 %" in impact.warnings[0]
    assert "closing positions" in impact.warnings[0]


def test_levels_in_money_compare_with_equity() -> None:
    impact = margin_impact(BalanceKind.WITHDRAWAL, Decimal("-1000.00"), account("2900.00", "500.00"), MONEY)
    assert impact.warnings == (
        "After this withdrawal the equity would be 1,900.00 USD, at or under the margin-call level of "
        "2,000.00 USD of group real\\usd-pro.",
    )


def test_no_warning_above_the_levels_for_deposits_or_without_positions() -> None:
    safe = margin_impact(BalanceKind.WITHDRAWAL, Decimal("-100.00"), account("2400.00", "1000.00"), PERCENT)
    assert safe.warnings == ()
    deposit = margin_impact(BalanceKind.DEPOSIT, Decimal("10.00"), account("500.00", "1000.00"), PERCENT)
    assert deposit.warnings == ()  # already under the call: a deposit only helps
    idle = margin_impact(BalanceKind.WITHDRAWAL, Decimal("-9000.00"), account("10000.00", "0"), PERCENT)
    assert (idle.level_after, idle.warnings) == (None, ())
    unknown = margin_impact(BalanceKind.WITHDRAWAL, Decimal("-2000.00"), account("2400.00", "1000.00"), None)
    assert unknown.warnings == ()
