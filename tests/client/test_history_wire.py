"""Decoding of TradesUserHistory rows for reconciliation: unreadable rows are counted, never guessed."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from desktop.client.history_wire import history_record, history_records

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
rows = st.fixed_dictionaries(
    {},
    optional={
        "order": scalars,
        "login": scalars,
        "tradeCommand": scalars,
        "comment": scalars,
        "profit": scalars,
    },
)


@given(rows)
def test_a_row_is_either_decoded_faithfully_or_set_aside(row: dict[str, object]) -> None:
    record = history_record(row)
    if record is None:
        return
    assert record.ticket == row["order"]
    assert record.login == row["login"]
    assert record.command == row["tradeCommand"]
    assert record.comment == (row.get("comment") or "")
    assert record.amount is None or record.amount.is_finite()


@given(st.lists(rows | scalars, max_size=8))
def test_every_row_is_counted_once(answer: list[object]) -> None:
    records, unreadable = history_records(answer)
    assert len(records) + unreadable == len(answer)


def test_a_balance_record() -> None:
    row = {"order": 7, "login": 100001, "tradeCommand": "Balance", "comment": "x DD12345678", "profit": 12.5}
    record = history_record(row)
    assert record is not None
    assert record.amount == Decimal("12.50")
    assert history_records({"not": "a list"}) == ([], 1)
    assert history_record({**row, "login": True}) is None
    assert history_record({**row, "profit": float("nan")}).amount is None  # type: ignore[union-attr]
