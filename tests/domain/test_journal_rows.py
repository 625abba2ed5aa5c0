"""The journal's row encoding and hash chain, with Hypothesis for the parser."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.journal_rows import (
    GENESIS,
    JournalRow,
    RowFormatError,
    decode_data,
    encode_data,
    first_break,
    row_hash,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
json_objects = st.dictionaries(st.text(), json_values, max_size=6)


@given(json_objects)
def test_encoding_round_trips_and_is_canonical(data: dict[str, object]) -> None:
    text = encode_data(data)
    assert decode_data(text) == json.loads(text)
    assert encode_data(decode_data(text)) == text


@given(st.text())
def test_decoding_any_text_either_parses_canonically_or_says_why(text: str) -> None:
    try:
        data = decode_data(text)
    except RowFormatError:
        return
    assert encode_data(data) == text


@pytest.mark.parametrize("text", ['{"a":NaN}', '{"a":Infinity}', "[1]", '{"b":1,"a":2}', '{"a": 1}', ""])
def test_non_canonical_or_non_finite_data_is_refused(text: str) -> None:
    with pytest.raises(RowFormatError):
        decode_data(text)


def test_decimals_are_journaled_as_text_and_nan_is_refused() -> None:
    assert encode_data({"amount": Decimal("100.50")}) == '{"amount":"100.50"}'
    with pytest.raises(RowFormatError):
        encode_data({"amount": Decimal("NaN")})
    with pytest.raises(RowFormatError):
        encode_data({"x": float("inf")})


def chain(count: int) -> list[JournalRow]:
    rows, prev = [], GENESIS
    for seq in range(1, count + 1):
        at, data = f"2026-12-01T00:00:0{seq}.000000+00:00", encode_data({"n": seq})
        digest = row_hash(seq, at, "ann", "dd-k", "attempt", data, prev)
        rows.append(JournalRow(seq, at, "ann", "dd-k", "attempt", data, prev, digest))
        prev = digest
    return rows


def test_an_intact_chain_has_no_break() -> None:
    assert first_break(chain(5)) is None


@given(st.integers(0, 4), st.sampled_from(["at", "operator", "key", "kind", "data"]), st.text(min_size=1))
def test_any_change_breaks_the_chain_at_that_row(index: int, column: str, extra: str) -> None:
    rows = chain(5)
    changed = dataclasses.replace(rows[index], **{column: getattr(rows[index], column) + extra})
    rows[index] = changed
    broken = first_break(rows)
    assert broken is not None
    assert broken.seq == index + 1


def test_a_removed_row_is_named() -> None:
    rows = chain(5)
    del rows[2]
    broken = first_break(rows)
    assert broken is not None
    assert broken.seq == 4
    assert "missing" in broken.reason
