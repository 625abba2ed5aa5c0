"""Trade comments: MT4's 31 stored characters, printable ASCII only, room for the reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.comments import (
    COMMENT_STORED_CHARS,
    OPERATOR_COMMENT_MAX,
    carries_reference,
    check_operator_comment,
    comment_with_reference,
    operator_text,
    reference_for,
)
from desktop.domain.errors import InvalidInput
from desktop.domain.operations import new_key


def test_reference_is_stable_short_and_ascii() -> None:
    key = new_key()
    ref = reference_for(key)
    assert ref == reference_for(key)
    assert len(ref) == 10
    assert ref.startswith("DD")
    assert ref.isascii()
    assert ref.isalnum()
    assert reference_for(new_key()) != ref


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=OPERATOR_COMMENT_MAX))
def test_every_accepted_comment_fits_with_its_reference(text: str) -> None:
    checked = check_operator_comment(text)
    ref = reference_for(new_key())
    sent = comment_with_reference(checked, ref)
    assert len(sent.encode("ascii")) <= COMMENT_STORED_CHARS
    assert carries_reference(sent, ref)
    assert operator_text(sent, ref) == checked


@given(st.text())
def test_any_text_is_either_accepted_as_ascii_or_refused_with_a_message(text: str) -> None:
    try:
        checked = check_operator_comment(text)
    except InvalidInput as exc:
        message = str(exc)
        assert message, "a refusal must say why"
        return
    assert checked.isascii()
    assert checked.isprintable()
    assert len(checked) <= OPERATOR_COMMENT_MAX


@pytest.mark.parametrize("text", ["Dépôt", "Einzahlung für", "入金", "ok\u200b", "tab\there", "😀"])
def test_characters_mt4_cannot_store_exactly_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="cannot store"):
        check_operator_comment(text)


def test_the_limit_leaves_room_for_the_reference() -> None:
    assert check_operator_comment("x" * OPERATOR_COMMENT_MAX) == "x" * OPERATOR_COMMENT_MAX
    with pytest.raises(InvalidInput, match="21 characters"):
        check_operator_comment("x" * (OPERATOR_COMMENT_MAX + 1))


def test_reference_must_be_its_own_word() -> None:
    ref = reference_for(new_key())
    assert carries_reference(ref, ref)
    assert not carries_reference("x" + ref, ref)
    assert comment_with_reference("", ref) == ref
