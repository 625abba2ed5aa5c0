"""RowMemo: a polled answer decodes like a fresh one, reuses unchanged rows' records, and yields."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.client import wire
from desktop.client.row_memo import SLICE, RowMemo
from desktop.client.set_aside import SetAside
from desktop.domain.errors import DecodeError

FIELDS = wire.MARGIN_SNAPSHOT_FIELDS


def margin_row(login: Any, balance: Any, margin: float = 0.0, updated: int = 0) -> dict[str, Any]:
    return {
        "login": login, "balance": balance, "equity": 100.5, "margin": margin, "free": 100.5, "level": 12.5,
        "updated": updated,
    }  # fmt: skip


rows = st.lists(
    st.builds(
        margin_row,
        st.one_of(st.integers(1, 5), st.none(), st.text(max_size=2)),
        st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(float("nan")), st.just("n/a")),
        st.sampled_from([0.0, 10.0]),
        st.integers(0, 1),  # a field the snapshot does not read: it may change without a new decode
    ),
    max_size=12,
)


def fresh(answer: list[Any]) -> list[Any]:
    return SetAside().decode_rows("MarginsGet", answer, wire.margin_snapshot)


@settings(max_examples=200, deadline=None)
@given(first=rows, second=rows)
def test_two_polls_decode_as_fresh_answers_and_reuse_unchanged_rows(first: list[Any], second: list[Any]) -> None:
    set_aside = SetAside()
    memo = RowMemo("MarginsGet", set_aside, wire.margin_snapshot, key="login", fields=wire.MARGIN_SNAPSHOT_FIELDS)
    before = asyncio.run(memo.decode_rows(first))
    after = asyncio.run(memo.decode_rows(second))
    assert before == fresh(first)
    assert after == fresh(second)
    assert set_aside.total == (len(first) - len(before)) + (len(second) - len(after))

    def read(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[f] for f in FIELDS)

    last_read = {row["login"]: read(row) for row in first if type(row["login"]) is int}  # the last of a repeat
    last_record = {record.login: record for record in before}
    for row, record in zip([r for r in second if fresh([r])], after, strict=True):
        if last_read.get(row["login"]) == read(row):
            assert record is last_record[row["login"]]  # unchanged since the last poll: not decoded again


def test_an_answer_that_is_not_a_list_is_refused() -> None:
    memo = RowMemo("MarginsGet", SetAside(), wire.margin_snapshot, key="login", fields=FIELDS)
    with pytest.raises(DecodeError, match="MarginsGet"):
        asyncio.run(memo.decode_rows({"error": "x"}))


def test_a_long_answer_lets_other_callbacks_run_between_slices() -> None:
    memo = RowMemo("MarginsGet", SetAside(), wire.margin_snapshot, key="login", fields=FIELDS)
    answer = [margin_row(i, float(i)) for i in range(1, 4 * SLICE + 1)]
    ran_at: list[int] = []

    async def body() -> None:
        decoding = asyncio.create_task(memo.decode_rows(answer))
        while not decoding.done():
            ran_at.append(len(ran_at))
            await asyncio.sleep(0)
        assert len(await decoding) == 4 * SLICE

    asyncio.run(body())
    assert len(ran_at) >= 4  # the other task ran between the slices, not only before and after
